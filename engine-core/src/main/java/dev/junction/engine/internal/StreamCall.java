package dev.junction.engine.internal;

import dev.junction.engine.Attempt;
import dev.junction.engine.Candidate;
import dev.junction.engine.Scheduler;
import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Flow;

/**
 * One streamed request across its attempts: a publisher of the answer's events that fails over to the next
 * candidate only before the first token and ends a stream cut after it with an explicit {@link StreamEvent.Error}.
 *
 * <p>Accepts one subscriber. Nothing is called until it subscribes. The provider's {@link StreamEvent.Start} is held
 * back until the first token so that a failed-over attempt leaves no trace in the caller's stream. Upstream demand
 * is one event at a time; downstream demand is honoured exactly. All state is guarded by this object.
 *
 * <p>With hedging, when the running candidate has no first token after the hedging delay the next candidate is
 * subscribed too; the first attempt to deliver a token wins, the others are cancelled. Once a token has been
 * delivered the rest of the intent's latency budget still applies: when it runs out the upstream subscription is
 * cancelled and the stream ends with a {@link ErrorKind#TIMEOUT} error event.
 */
public final class StreamCall implements Flow.Publisher<StreamEvent>, Flow.Subscription {

    /** Receives the end of the call. */
    public interface Listener {
        void succeeded(ChatResponse response, int index, List<Attempt> attempts, long ttftNanos);

        /**
         * @param index     the candidate whose attempt was delivering, or -1
         * @param delivered the usage of what the caller was sent before a stream was cut or cancelled (reported, or
         *                  estimated), or null when no token was
         */
        void failed(Dispatcher.Failure failure, int index, Usage delivered);
    }

    private final Dispatcher d;
    private final ChatRequest request;
    private final Candidate[] chain;
    private final ModelEntry[] entries;
    private final long deadlineNanos;
    private final long ttftBudgetNanos;
    private final String key;
    private final Duration hedgeAfter;
    private final Listener listener;
    private final Scheduler.Cancellable unsubscribedDeadline;

    private Flow.Subscriber<? super StreamEvent> downstream;
    private long requested;
    private final ArrayDeque<StreamEvent> queue = new ArrayDeque<>();
    private boolean terminal;
    private boolean downstreamDone;
    private boolean draining;
    private boolean missed;
    /** The winner, once a first token arrived. */
    private Inner current;
    /** Attempts subscribed and not finished: several while hedging before the first token, else at most one. */
    private final List<Inner> live = new ArrayList<>(2);
    private int next;
    private int pending;
    private int lastStarted = -1;
    private boolean firstToken;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private ProviderException lastError;
    private long ttftNanos = -1;
    private final StringBuilder text = new StringBuilder();
    private final TreeMap<Integer, String[]> toolCalls = new TreeMap<>();
    private Usage usage = Usage.ZERO;

    /**
     * @param ttftBudgetNanos the first-token deadline per attempt, or -1 for the remaining latency budget
     * @param hedgeAfter      the hedging delay, {@link Duration#ZERO} for the candidate's p95 TTFT, or null
     */
    public StreamCall(Dispatcher d, ChatRequest request, Candidate[] chain, ModelEntry[] entries, long deadlineNanos,
                      long ttftBudgetNanos, String key, Duration hedgeAfter, Listener listener) {
        this.d = d;
        this.request = request;
        this.chain = chain;
        this.entries = entries;
        this.deadlineNanos = deadlineNanos;
        this.ttftBudgetNanos = ttftBudgetNanos;
        this.key = key;
        this.hedgeAfter = hedgeAfter;
        this.listener = listener;
        this.unsubscribedDeadline = d.scheduler.schedule(
                Duration.ofNanos(Math.max(0, deadlineNanos - Dispatcher.nanos(d.clock))), this::abandonIfUnsubscribed);
    }

    /**
     * Ends a call that nobody subscribed to within its latency budget, so that its end is reported (and the budget it
     * holds given back); a later subscriber receives the timeout as the stream's error.
     */
    private synchronized void abandonIfUnsubscribed() {
        if (downstream == null && !terminal) {
            lastError = new ProviderException(ErrorKind.TIMEOUT, "none", null, 0,
                    "nobody subscribed to the stream within its latency budget");
            failAll();
        }
    }

    @Override
    public synchronized void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
        if (downstream != null) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("a Junction stream accepts one subscriber"));
            return;
        }
        downstream = subscriber;
        unsubscribedDeadline.cancel();
        subscriber.onSubscribe(this);
        if (!terminal) {
            startNext();
        }
        drain();
    }

    @Override
    public synchronized void request(long n) {
        if (downstreamDone) {
            return;
        }
        if (n <= 0) {
            cancel();
            downstream.onError(new IllegalArgumentException("request(n) needs n > 0, was " + n));
            return;
        }
        requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
        drain();
    }

    @Override
    public synchronized void cancel() {
        if (downstreamDone) {
            return;
        }
        downstreamDone = true;
        queue.clear();
        if (!terminal) {
            terminal = true;
            Inner c = current != null ? current : live.isEmpty() ? null : live.get(0);
            cancelLive(null, "the caller cancelled the stream");
            lastError = new ProviderException(ErrorKind.CANCELLED, c == null ? "none" : entries[c.index].provider,
                    null, 0, "the caller cancelled the stream");
            listener.failed(new Dispatcher.Failure("the caller cancelled the stream", attempts, lastError),
                    c == null ? -1 : c.index, delivered());
        }
    }

    /** Cancels every live attempt but {@code keep}, recording each as CANCELLED; holds the lock. */
    private void cancelLive(Inner keep, String why) {
        long now = Dispatcher.nanos(d.clock);
        for (Inner o : List.copyOf(live)) {
            if (o == keep || o.finished) {
                continue;
            }
            o.finished = true;
            o.cancelTimer();
            live.remove(o);
            ModelEntry e = entries[o.index];
            e.providerCircuit.release();
            e.modelCircuit.release();
            attempts.add(new Attempt(e.id, o.startedAt, Duration.ofNanos(now - o.startNanos),
                    Attempt.Outcome.CANCELLED, ErrorKind.CANCELLED, why));
            o.cancelUpstream();
        }
    }

    private void startNext() {
        while (!terminal && next < chain.length) {
            int i = next++;
            if (launch(i, 1, true)) {
                return;
            }
        }
        if (!terminal && live.isEmpty() && pending == 0) {
            failAll();
        }
    }

    private boolean launch(int i, int attemptNo, boolean allowHedge) {
        long now = Dispatcher.nanos(d.clock);
        long remaining = deadlineNanos - now;
        ModelEntry e = entries[i];
        if (remaining <= 0) {
            if (lastError == null) {
                lastError = new ProviderException(ErrorKind.TIMEOUT, e.provider, e.model, 0,
                        "the latency budget was spent before " + e.id + " could be called");
            }
            next = chain.length;
            return false;
        }
        long coolDown = d.health.coolDownUntil(e.provider);
        if (coolDown > now) {
            long wait = coolDown - now;
            if (next < chain.length || wait >= remaining) {
                return false;
            }
            pending++;
            d.scheduler.schedule(Duration.ofNanos(wait), () -> retryLater(i, attemptNo));
            return true;
        }
        String refused = Dispatcher.acquireCircuits(e);
        if (refused != null) {
            attempts.add(new Attempt(e.id, d.clock.instant(), Duration.ZERO, Attempt.Outcome.FAILED, null, refused));
            return false;
        }
        if (lastStarted >= 0 && lastStarted != i) {
            d.listener.failover(entries[lastStarted], e);
        }
        lastStarted = i;
        long firstTokenTimeout = ttftBudgetNanos > 0 ? Math.min(ttftBudgetNanos, remaining) : remaining;
        Inner inner = new Inner(i, attemptNo, now, d.clock.instant());
        live.add(inner);
        Flow.Publisher<StreamEvent> publisher;
        try {
            publisher = e.client.stream(request, new CallOptions(e.model, Duration.ofNanos(firstTokenTimeout), key));
        } catch (RuntimeException ex) {
            attemptFailed(inner, Dispatcher.classify(ex, e));
            return true;
        }
        inner.timer = d.scheduler.schedule(Duration.ofNanos(firstTokenTimeout), () -> onFirstTokenTimeout(inner));
        if (allowHedge && hedgeAfter != null && next < chain.length) {
            inner.hedgeTimer = d.scheduler.schedule(d.streamHedgeDelay(hedgeAfter, e), () -> onHedge(inner));
        }
        publisher.subscribe(inner);
        return true;
    }

    private void retryLater(int i, int attemptNo) {
        synchronized (this) {
            pending--;
            if (terminal) {
                return;
            }
            if (!launch(i, attemptNo, true)) {
                startNext();
            }
            drain();
        }
    }

    /** The hedging delay passed without a first token: subscribe to the next candidate that can be called too. */
    private synchronized void onHedge(Inner inner) {
        if (terminal || inner.finished || firstToken) {
            return;
        }
        while (!terminal && !firstToken && next < chain.length) {
            int i = next++;
            if (launch(i, 1, false)) {
                break;
            }
        }
        drain();
    }

    private synchronized void onFirstTokenTimeout(Inner inner) {
        if (inner.finished || firstToken) {
            return;
        }
        long took = Dispatcher.nanos(d.clock) - inner.startNanos;
        ModelEntry e = entries[inner.index];
        attemptFailed(inner, new ProviderException(ErrorKind.TIMEOUT, e.provider, e.model, 0,
                "no first token within " + Duration.ofNanos(took).toMillis() + " ms"));
        drain();
    }

    private synchronized void onEvent(Inner inner, StreamEvent event) {
        if (inner.finished) {
            return;
        }
        inner.upstreamPending = false;
        switch (event) {
            case StreamEvent.Start s -> {
                if (!firstToken) {
                    inner.heldStart = s;
                }
            }
            case StreamEvent.Error err -> {
                if (!firstToken) {
                    attemptFailed(inner, err.error());
                } else {
                    queue.add(err);
                    streamCut(inner, err.error());
                }
            }
            case StreamEvent.TextDelta t -> {
                firstToken(inner);
                text.append(t.text());
                queue.add(t);
            }
            case StreamEvent.ToolCallDelta t -> {
                firstToken(inner);
                String[] call = toolCalls.computeIfAbsent(t.index(), k -> new String[]{null, null, ""});
                if (t.id() != null) {
                    call[0] = t.id();
                }
                if (t.name() != null) {
                    call[1] = t.name();
                }
                call[2] = call[2] + t.argumentsDelta();
                queue.add(t);
            }
            case StreamEvent.UsageReport u -> {
                firstToken(inner);
                usage = u.usage();
                queue.add(u);
            }
            case StreamEvent.Finish f -> {
                firstToken(inner);
                queue.add(f);
                succeeded(inner, f.reason());
            }
        }
        drain();
    }

    private synchronized void onUpstreamError(Inner inner, Throwable t) {
        if (inner.finished) {
            return;
        }
        ModelEntry e = entries[inner.index];
        ProviderException pe = t instanceof ProviderException p ? p
                : new ProviderException(ErrorKind.NETWORK, e.provider, e.model, 0, null, "stream failed: " + t, t);
        if (!firstToken) {
            attemptFailed(inner, pe);
        } else {
            queue.add(new StreamEvent.Error(pe));
            streamCut(inner, pe);
        }
        drain();
    }

    private synchronized void onUpstreamComplete(Inner inner) {
        if (inner.finished) {
            return;
        }
        ModelEntry e = entries[inner.index];
        if (!firstToken) {
            attemptFailed(inner, new ProviderException(ErrorKind.NETWORK, e.provider, e.model, 0,
                    "the stream ended before any token"));
        } else {
            ProviderException pe = new ProviderException(ErrorKind.NETWORK, e.provider, e.model, 0,
                    "the stream ended without a finish event");
            queue.add(new StreamEvent.Error(pe));
            streamCut(inner, pe);
        }
        drain();
    }

    private void firstToken(Inner inner) {
        if (firstToken) {
            return;
        }
        firstToken = true;
        current = inner;
        inner.cancelTimer();
        cancelLive(inner, "a hedged attempt delivered its first token first");
        long now = Dispatcher.nanos(d.clock);
        ttftNanos = now - inner.startNanos;
        ModelEntry e = entries[inner.index];
        queue.add(inner.heldStart != null ? inner.heldStart : new StreamEvent.Start(key, e.provider, e.model, e.model));
        inner.timer = d.scheduler.schedule(Duration.ofNanos(Math.max(0, deadlineNanos - now)),
                () -> onBudgetSpent(inner));
    }

    /** The intent's latency budget ran out while the stream was flowing: cut it with an explicit TIMEOUT. */
    private synchronized void onBudgetSpent(Inner inner) {
        if (inner.finished) {
            return;
        }
        ModelEntry e = entries[inner.index];
        long took = Dispatcher.nanos(d.clock) - inner.startNanos;
        ProviderException pe = new ProviderException(ErrorKind.TIMEOUT, e.provider, e.model, 0,
                "the latency budget ran out mid-stream after " + Duration.ofNanos(took).toMillis() + " ms");
        queue.add(new StreamEvent.Error(pe));
        streamCut(inner, pe);
        drain();
    }

    private void succeeded(Inner inner, FinishReason reason) {
        inner.finished = true;
        inner.cancelTimer();
        live.remove(inner);
        terminal = true;
        ModelEntry e = entries[inner.index];
        long took = Dispatcher.nanos(d.clock) - inner.startNanos;
        e.providerCircuit.onSuccess(took);
        e.modelCircuit.onSuccess(took);
        d.listener.attemptFinished(e, true, took, ttftNanos, usage.outputTokens(), null);
        attempts.add(new Attempt(e.id, inner.startedAt, Duration.ofNanos(took), Attempt.Outcome.SUCCEEDED, null, null));
        List<ToolCall> calls = new ArrayList<>(toolCalls.size());
        for (String[] c : toolCalls.values()) {
            calls.add(new ToolCall(c[0] == null ? "call_" + calls.size() : c[0], c[1] == null ? "" : c[1], c[2]));
        }
        StreamEvent.Start s = inner.heldStart;
        ChatResponse response = new ChatResponse(s != null && s.id() != null ? s.id() : key, text.toString(), calls,
                reason, usage, e.provider, e.model, s != null ? s.modelVersion() : e.model);
        listener.succeeded(response, inner.index, List.copyOf(attempts), ttftNanos);
    }

    /**
     * What the caller was sent before a stream ended without finishing (cut, or cancelled), which the provider bills:
     * the usage it reported, or else an estimate (the prompt, and the delivered text and tool-call arguments at about
     * four characters a token); null when no token was delivered.
     */
    private Usage delivered() {
        if (!firstToken) {
            return null;
        }
        if (!usage.equals(Usage.ZERO)) {
            return usage;
        }
        long chars = text.length();
        for (String[] c : toolCalls.values()) {
            chars += (c[1] == null ? 0 : c[1].length()) + c[2].length();
        }
        return TokenEstimator.estimateUsage(request, chars);
    }

    /** A stream failed after its first token: the caller already saw an Error event; no fail-over. */
    private void streamCut(Inner inner, ProviderException error) {
        inner.finished = true;
        inner.cancelTimer();
        inner.cancelUpstream();
        live.remove(inner);
        terminal = true;
        ModelEntry e = entries[inner.index];
        long took = Dispatcher.nanos(d.clock) - inner.startNanos;
        e.providerCircuit.onError(took, error);
        e.modelCircuit.onError(took, error);
        d.listener.attemptFinished(e, false, took, ttftNanos, usage.outputTokens(), error);
        attempts.add(new Attempt(e.id, inner.startedAt, Duration.ofNanos(took), Attempt.Outcome.FAILED, error.kind(),
                error.getMessage()));
        lastError = error;
        listener.failed(new Dispatcher.Failure("the stream was cut after its first token: " + error.getMessage(),
                attempts, error), inner.index, delivered());
    }

    /** An attempt failed before its first token: retry or fail over. */
    private void attemptFailed(Inner inner, ProviderException error) {
        inner.finished = true;
        inner.cancelTimer();
        inner.cancelUpstream();
        live.remove(inner);
        ModelEntry e = entries[inner.index];
        long now = Dispatcher.nanos(d.clock);
        long took = now - inner.startNanos;
        e.providerCircuit.onError(took, error);
        e.modelCircuit.onError(took, error);
        d.listener.attemptFinished(e, false, took, -1, 0, error);
        attempts.add(new Attempt(e.id, inner.startedAt, Duration.ofNanos(took), Attempt.Outcome.FAILED, error.kind(),
                error.getMessage()));
        lastError = error;
        if (!Dispatcher.failsOver(error)) {
            failAll();
            return;
        }
        if (error.retryAfter() != null) {
            d.health.coolDown(e.provider, now + Dispatcher.coolDownNanos(error));
        }
        if (!live.isEmpty()) {
            return;             // a hedged attempt is still racing: it decides what happens next
        }
        if (error.retryable() && inner.attemptNo < d.retry.maxAttemptsPerCandidate()) {
            long remaining = deadlineNanos - now;
            boolean others = next < chain.length;
            Duration wait;
            if (error.retryAfter() != null) {
                wait = others || error.retryAfter().compareTo(d.retry.maxRetryAfter()) > 0 ? null : error.retryAfter();
            } else {
                wait = d.backoff(inner.attemptNo);
            }
            if (wait != null && wait.toNanos() < remaining) {
                pending++;
                int i = inner.index;
                int n = inner.attemptNo + 1;
                d.scheduler.schedule(wait, () -> retryLater(i, n));
                return;
            }
        }
        startNext();
    }

    private void failAll() {
        terminal = true;
        cancelLive(null, "the call failed");
        ProviderException error = lastError != null ? lastError
                : new ProviderException(ErrorKind.NETWORK, "none", null, 0, "no candidate could be called");
        queue.add(new StreamEvent.Error(error));
        listener.failed(new Dispatcher.Failure("all attempts failed; last: " + error.getMessage(), attempts, lastError), -1,
                null);
    }

    private void drain() {
        if (draining) {
            missed = true;
            return;
        }
        draining = true;
        try {
            do {
                missed = false;
                while (requested > 0 && !queue.isEmpty() && !downstreamDone) {
                    StreamEvent ev = queue.poll();
                    requested--;
                    downstream.onNext(ev);
                }
                if (downstream == null || downstreamDone) {
                    return;
                }
                if (queue.isEmpty() && terminal) {
                    downstreamDone = true;
                    downstream.onComplete();
                    return;
                }
                // an upstream may answer inside request(1) and change the live list: the missed loop catches up
                for (int k = 0; k < live.size() && queue.isEmpty() && (requested > 0 || !firstToken); k++) {
                    Inner c = live.get(k);
                    if (c.subscription != null && !c.finished && !c.upstreamPending) {
                        c.upstreamPending = true;
                        c.subscription.request(1);
                    }
                }
            } while (missed);
        } finally {
            draining = false;
        }
    }

    /** The subscriber to one attempt's provider stream. */
    private final class Inner implements Flow.Subscriber<StreamEvent> {
        final int index;
        final int attemptNo;
        final long startNanos;
        final Instant startedAt;
        Flow.Subscription subscription;
        StreamEvent.Start heldStart;
        Scheduler.Cancellable timer;
        Scheduler.Cancellable hedgeTimer;
        boolean finished;
        boolean upstreamPending;
        boolean cancelRequested;

        Inner(int index, int attemptNo, long startNanos, Instant startedAt) {
            this.index = index;
            this.attemptNo = attemptNo;
            this.startNanos = startNanos;
            this.startedAt = startedAt;
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel();
            }
            if (hedgeTimer != null) {
                hedgeTimer.cancel();
            }
        }

        void cancelUpstream() {
            cancelRequested = true;
            if (subscription != null) {
                subscription.cancel();
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            synchronized (StreamCall.this) {
                subscription = s;
                if (cancelRequested || finished) {
                    s.cancel();
                    return;
                }
                drain();
            }
        }

        @Override
        public void onNext(StreamEvent item) {
            onEvent(this, item);
        }

        @Override
        public void onError(Throwable t) {
            onUpstreamError(this, t);
        }

        @Override
        public void onComplete() {
            onUpstreamComplete(this);
        }
    }
}
