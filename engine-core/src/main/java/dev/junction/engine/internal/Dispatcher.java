package dev.junction.engine.internal;

import dev.junction.engine.Attempt;
import dev.junction.engine.Candidate;
import dev.junction.engine.RetryConfig;
import dev.junction.engine.Scheduler;
import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The dispatch stage: calls the fallback chain with per-attempt deadlines from the remaining latency budget,
 * retries retryable errors with exponential back-off and jitter, honours Retry-After, fails over along the chain,
 * consults and feeds the circuit breakers, and hedges when the intent asks for it.
 *
 * <p>Thread-safe; each call's state is confined to its own object and guarded by it.
 */
public final class Dispatcher {
    final Clock clock;
    final Scheduler scheduler;
    final RetryConfig retry;
    final Health health;
    final Listener listener;

    /** Receives every finished attempt (for live statistics and metrics). */
    public interface Listener {
        void attemptFinished(ModelEntry entry, boolean success, long durationNanos, long ttftNanos, long outputTokens,
                             ProviderException error);

        void failover(ModelEntry from, ModelEntry to);
    }

    public Dispatcher(Clock clock, Scheduler scheduler, RetryConfig retry, Health health, Listener listener) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.retry = retry;
        this.health = health;
        this.listener = listener;
    }

    /**
     * Takes a permit from the provider's and then the model's circuit breaker.
     *
     * @return null when both allow the call, else why it was refused (no permit is held then)
     */
    static String acquireCircuits(ModelEntry e) {
        if (!e.providerCircuit.tryAcquire()) {
            return "provider " + e.provider + " circuit breaker refused the call";
        }
        if (!e.modelCircuit.tryAcquire()) {
            e.providerCircuit.release();
            return "model circuit breaker refused the call";
        }
        return null;
    }

    /** The engine clock's time in nanoseconds since the epoch. */
    public static long nanos(Clock clock) {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * Calls the chain for a complete answer.
     *
     * @param deadlineNanos the end of the latency budget on the clock's time line
     * @param hedgeAfter    the hedging delay, {@link Duration#ZERO} for the candidate's p95 TTFT, or null
     */
    public CompletableFuture<Outcome> complete(ChatRequest request, Candidate[] chain, ModelEntry[] entries,
                                               long deadlineNanos, String idempotencyKey, Duration hedgeAfter) {
        CompleteCall call = new CompleteCall(this, request, chain, entries, deadlineNanos, idempotencyKey, hedgeAfter);
        call.start();
        return call.result;
    }

    /**
     * The hedging delay for a streamed call: fixed, or the candidate's observed p95 time to first token (else its
     * median latency, else the prior).
     */
    Duration streamHedgeDelay(Duration hedgeAfter, ModelEntry e) {
        if (!hedgeAfter.isZero()) {
            return hedgeAfter;
        }
        long p95 = e.stats.ttftP95Nanos();
        if (p95 < 0) {
            p95 = e.stats.latencyP50Nanos();
        }
        return Duration.ofNanos(p95 >= 0 ? p95 : Router.PRIOR_TTFT_NANOS);
    }

    /**
     * The hedging delay for a whole-answer call: fixed, or the candidate's observed p95 latency (else the router's
     * estimate for this request). Not its time to first token: the whole answer takes longer, and hedging at that
     * point would start a second call nearly every time.
     */
    Duration completeHedgeDelay(Duration hedgeAfter, ModelEntry e, Candidate c) {
        if (!hedgeAfter.isZero()) {
            return hedgeAfter;
        }
        long p95 = e.stats.latencyP95Nanos();
        return p95 >= 0 ? Duration.ofNanos(p95) : c.estimatedLatency();
    }

    /** The pause before retry number {@code retryNo}, with jitter. */
    Duration backoff(int retryNo) {
        Duration base = retry.backoff(retryNo);
        if (retry.jitter() == 0 || base.isZero()) {
            return base;
        }
        double f = 1 + retry.jitter() * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
        return Duration.ofNanos((long) (base.toNanos() * f));
    }

    /** Turns whatever an attempt failed with into a provider error. */
    static ProviderException classify(Throwable err, ModelEntry e) {
        Throwable t = err;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ProviderException pe) {
            return pe;
        }
        if (t instanceof CancellationException) {
            return new ProviderException(ErrorKind.CANCELLED, e.provider, e.model, 0, null, "cancelled", t);
        }
        return new ProviderException(ErrorKind.NETWORK, e.provider, e.model, 0, null,
                "provider client failed: " + t, t);
    }

    /**
     * How long a provider's Retry-After cools it down, in nanoseconds: at most {@link RetryConfig#MAX_WAIT}, since a
     * Retry-After far ahead (an HTTP date) would overflow.
     */
    static long coolDownNanos(ProviderException pe) {
        Duration d = pe.retryAfter();
        return (d.compareTo(RetryConfig.MAX_WAIT) > 0 ? RetryConfig.MAX_WAIT : d).toNanos();
    }

    /** Kinds after which another provider may still succeed even though this one will not. */
    static boolean failsOver(ProviderException pe) {
        return pe.retryable() || pe.kind() == ErrorKind.AUTHENTICATION
                || pe.kind() == ErrorKind.CONTEXT_LENGTH_EXCEEDED || pe.kind() == ErrorKind.UNSUPPORTED;
    }

    /**
     * What a dispatched call produced.
     *
     * @param response  the answer
     * @param index     the chain index of the candidate that produced it
     * @param attempts  every attempt, in order
     */
    public record Outcome(ChatResponse response, int index, List<Attempt> attempts) {
    }

    /** Every candidate failed or the budget ran out; carries the attempts and the last error. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<Attempt> attempts;
        private final transient ProviderException last;

        Failure(String message, List<Attempt> attempts, ProviderException last) {
            super(message, last);
            this.attempts = List.copyOf(attempts);
            this.last = last;
        }

        public List<Attempt> attempts() {
            return attempts;
        }

        /** The last provider error, or null when no call was made. */
        public ProviderException last() {
            return last;
        }
    }

    /** One in-flight (or scheduled) attempt. */
    static final class Running {
        final int index;
        final int attemptNo;
        final long startNanos;
        final Instant startedAt;
        CompletableFuture<ChatResponse> future;
        Scheduler.Cancellable timer;
        Scheduler.Cancellable hedgeTimer;
        boolean finished;

        Running(int index, int attemptNo, long startNanos, Instant startedAt) {
            this.index = index;
            this.attemptNo = attemptNo;
            this.startNanos = startNanos;
            this.startedAt = startedAt;
        }

        void cancelTimers() {
            if (timer != null) {
                timer.cancel();
            }
            if (hedgeTimer != null) {
                hedgeTimer.cancel();
            }
        }
    }

    /** The state of one logical complete() call across its attempts. */
    static final class CompleteCall {
        private final Dispatcher d;
        private final ChatRequest request;
        private final Candidate[] chain;
        private final ModelEntry[] entries;
        private final long deadlineNanos;
        private final String key;
        private final Duration hedgeAfter;
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        private final List<Attempt> attempts = new ArrayList<>(2);
        private final List<Running> running = new ArrayList<>(2);
        private int next;
        private int pending;
        private boolean done;
        private ProviderException lastError;
        private int lastStarted = -1;

        CompleteCall(Dispatcher d, ChatRequest request, Candidate[] chain, ModelEntry[] entries, long deadlineNanos,
                     String key, Duration hedgeAfter) {
            this.d = d;
            this.request = request;
            this.chain = chain;
            this.entries = entries;
            this.deadlineNanos = deadlineNanos;
            this.key = key;
            this.hedgeAfter = hedgeAfter;
        }

        synchronized void start() {
            startNext();
        }

        /** Starts the next candidate that can be called; fails the call when none is left and nothing runs. */
        private void startNext() {
            while (!done && next < chain.length) {
                int i = next++;
                if (launch(i, 1, true)) {
                    return;
                }
            }
            if (!done && pending == 0) {
                fail();
            }
        }

        /** Starts one attempt; false when it could not start (circuit refused, cool-down, budget spent). */
        private boolean launch(int i, int attemptNo, boolean allowHedge) {
            long now = nanos(d.clock);
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
            String refused = acquireCircuits(e);
            if (refused != null) {
                attempts.add(new Attempt(e.id, d.clock.instant(), Duration.ZERO, Attempt.Outcome.FAILED, null, refused));
                return false;
            }
            if (lastStarted >= 0 && lastStarted != i) {
                d.listener.failover(entries[lastStarted], e);
            }
            lastStarted = i;
            Running r = new Running(i, attemptNo, now, d.clock.instant());
            running.add(r);
            pending++;
            CompletableFuture<ChatResponse> f;
            try {
                f = e.client.complete(request, new CallOptions(e.model, Duration.ofNanos(remaining), key));
            } catch (RuntimeException ex) {
                f = CompletableFuture.failedFuture(ex);
            }
            r.future = f;
            if (!f.isDone()) {
                r.timer = d.scheduler.schedule(Duration.ofNanos(remaining), () -> onTimeout(r));
                if (allowHedge && hedgeAfter != null && next < chain.length) {
                    r.hedgeTimer = d.scheduler.schedule(d.completeHedgeDelay(hedgeAfter, e, chain[i]), () -> onHedge(r));
                }
            }
            f.whenComplete((resp, err) -> onComplete(r, resp, err));
            return true;
        }

        private void retryLater(int i, int attemptNo) {
            synchronized (this) {
                pending--;
                if (done) {
                    return;
                }
                if (!launch(i, attemptNo, true)) {
                    startNext();
                }
            }
        }

        private void onHedge(Running r) {
            synchronized (this) {
                if (done || r.finished) {
                    return;
                }
                while (!done && next < chain.length) {
                    if (launch(next++, 1, false)) {
                        break;
                    }
                }
            }
        }

        private void onTimeout(Running r) {
            synchronized (this) {
                if (r.finished) {
                    return;
                }
                ModelEntry e = entries[r.index];
                long took = nanos(d.clock) - r.startNanos;
                finish(r, null, new ProviderException(ErrorKind.TIMEOUT, e.provider, e.model, 0,
                        "no answer within " + Duration.ofNanos(took).toMillis() + " ms (the remaining latency budget)"));
            }
            r.future.cancel(true);
        }

        private void onComplete(Running r, ChatResponse resp, Throwable err) {
            synchronized (this) {
                if (r.finished) {
                    return;
                }
                try {
                    finish(r, resp, err == null ? null : classify(err, entries[r.index]));
                } catch (RuntimeException bug) {
                    // The attempt's timers are cancelled by now: fail the call rather than leave it pending forever.
                    if (!done) {
                        fail();
                    }
                    throw bug;
                }
            }
        }

        /** Handles the end of one attempt; holds the lock. */
        private void finish(Running r, ChatResponse resp, ProviderException error) {
            r.finished = true;
            r.cancelTimers();
            running.remove(r);
            pending--;
            ModelEntry e = entries[r.index];
            long now = nanos(d.clock);
            long took = now - r.startNanos;
            if (error == null) {
                e.providerCircuit.onSuccess(took);
                e.modelCircuit.onSuccess(took);
                d.listener.attemptFinished(e, true, took, -1, resp.usage().outputTokens(), null);
                if (done) {
                    return;
                }
                done = true;
                attempts.add(new Attempt(e.id, r.startedAt, Duration.ofNanos(took), Attempt.Outcome.SUCCEEDED, null, null));
                cancelOthers(now);
                result.complete(new Outcome(resp, r.index, List.copyOf(attempts)));
                return;
            }
            e.providerCircuit.onError(took, error);
            e.modelCircuit.onError(took, error);
            d.listener.attemptFinished(e, false, took, -1, 0, error);
            if (done) {
                return;
            }
            attempts.add(new Attempt(e.id, r.startedAt, Duration.ofNanos(took), Attempt.Outcome.FAILED, error.kind(),
                    error.getMessage()));
            lastError = error;
            if (!failsOver(error)) {
                fail();
                return;
            }
            if (error.retryAfter() != null) {
                d.health.coolDown(e.provider, now + coolDownNanos(error));
            }
            if (pending > 0) {
                return;
            }
            if (error.retryable() && r.attemptNo < d.retry.maxAttemptsPerCandidate()) {
                long remaining = deadlineNanos - now;
                boolean others = next < chain.length;
                Duration wait;
                if (error.retryAfter() != null) {
                    wait = others || error.retryAfter().compareTo(d.retry.maxRetryAfter()) > 0 ? null : error.retryAfter();
                } else {
                    wait = d.backoff(r.attemptNo);
                }
                if (wait != null && wait.toNanos() < remaining) {
                    pending++;
                    int i = r.index;
                    int n = r.attemptNo + 1;
                    d.scheduler.schedule(wait, () -> retryLater(i, n));
                    return;
                }
            }
            startNext();
        }

        private void cancelOthers(long now) {
            for (Running o : List.copyOf(running)) {
                o.finished = true;
                o.cancelTimers();
                running.remove(o);
                pending--;
                ModelEntry oe = entries[o.index];
                oe.providerCircuit.release();
                oe.modelCircuit.release();
                attempts.add(new Attempt(oe.id, o.startedAt, Duration.ofNanos(now - o.startNanos),
                        Attempt.Outcome.CANCELLED, ErrorKind.CANCELLED, "a hedged attempt answered first"));
                o.future.cancel(true);
            }
        }

        private void fail() {
            done = true;
            for (Running o : List.copyOf(running)) {
                o.finished = true;
                o.cancelTimers();
                entries[o.index].providerCircuit.release();
                entries[o.index].modelCircuit.release();
                o.future.cancel(true);
            }
            running.clear();
            String msg = lastError == null ? "no candidate could be called"
                    : "all attempts failed; last: " + lastError.getMessage();
            result.completeExceptionally(new Failure(msg, attempts, lastError));
        }
    }
}
