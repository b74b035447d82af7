package dev.junction.engine.fakes;

import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.Usage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

/**
 * A provider client whose answers are scripted per model: latency on the fake clock, text and usage, or a failure
 * (429 with Retry-After, 500, 503, a hang that only a deadline ends, streams cut before or after the first token).
 *
 * <p>Unscripted calls answer at once with {@code "answer from provider/model"}. Records every call.
 */
public final class FakeProviderClient implements ProviderClient {
    private final String providerId;
    private final FakeScheduler scheduler;
    private final FakeClock clock;
    private final Map<String, Deque<Step>> scripts = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<String> validated = new ArrayList<>();
    private final Set<String> refusedModels = ConcurrentHashMap.newKeySet();
    private int cancelled;
    private Predicate<ChatRequest> refuse = r -> false;
    private boolean closed;

    /** One call the fake received. */
    public record Call(String model, CallOptions options, Instant at, boolean stream) {
    }

    public FakeProviderClient(String providerId, FakeScheduler scheduler, FakeClock clock) {
        this.providerId = providerId;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** A scripted outcome. */
    public sealed interface Step {
    }

    /** Answers after {@code latency}. */
    public record Ok(Duration latency, String text, Usage usage) implements Step {
    }

    /** Fails after {@code latency}. */
    public record Fail(Duration latency, ErrorKind kind, int status, Duration retryAfter) implements Step {
    }

    /** Never answers (until cancelled). */
    public record Hang() implements Step {
    }

    /**
     * Streams {@code tokens}: the first after {@code ttft}, then one per {@code perToken}. With {@code cutAfter} >= 0
     * the stream ends with a NETWORK error after that many tokens (0: cut before the first token).
     */
    public record Stream(Duration ttft, Duration perToken, List<String> tokens, Usage usage, int cutAfter) implements Step {
    }

    public static Ok ok(Duration latency, String text, long inTokens, long outTokens) {
        return new Ok(latency, text, Usage.of(inTokens, outTokens));
    }

    public static Ok ok(Duration latency) {
        return new Ok(latency, null, Usage.of(10, 20));
    }

    public static Fail rateLimited(Duration retryAfter) {
        return new Fail(Duration.ZERO, ErrorKind.RATE_LIMITED, 429, retryAfter);
    }

    public static Fail serverError() {
        return new Fail(Duration.ZERO, ErrorKind.SERVER_ERROR, 500, null);
    }

    public static Fail overloaded() {
        return new Fail(Duration.ZERO, ErrorKind.OVERLOADED, 503, null);
    }

    public static Fail badRequest() {
        return new Fail(Duration.ZERO, ErrorKind.BAD_REQUEST, 400, null);
    }

    public static Hang hang() {
        return new Hang();
    }

    public static Stream stream(Duration ttft, String... tokens) {
        return new Stream(ttft, Duration.ofMillis(10), List.of(tokens), Usage.of(10, tokens.length), -1);
    }

    public static Stream cutStream(Duration ttft, int cutAfter, String... tokens) {
        return new Stream(ttft, Duration.ofMillis(10), List.of(tokens), Usage.of(10, tokens.length), cutAfter);
    }

    /** Scripts the next calls to {@code model}, in order. */
    public synchronized FakeProviderClient script(String model, Step... steps) {
        scripts.computeIfAbsent(model, m -> new ArrayDeque<>()).addAll(List.of(steps));
        return this;
    }

    /** Makes {@link #validate} refuse every request for {@code model} (the model id without the provider). */
    public FakeProviderClient refuseModel(String model) {
        refusedModels.add(model);
        return this;
    }

    /** The models {@link #validate} was asked about, in order. */
    public synchronized List<String> validatedModels() {
        return List.copyOf(validated);
    }

    /** Makes {@link #validate} refuse requests matching the predicate. */
    public FakeProviderClient refuseWhen(Predicate<ChatRequest> predicate) {
        this.refuse = predicate;
        return this;
    }

    private synchronized Step next(String model) {
        Deque<Step> q = scripts.get(model);
        Step s = q == null ? null : q.poll();
        return s != null ? s : new Ok(Duration.ZERO, null, Usage.of(10, 20));
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<String> calledModels() {
        return calls.stream().map(Call::model).toList();
    }

    public synchronized int cancelled() {
        return cancelled;
    }

    @Override
    public String providerId() {
        return providerId;
    }

    @Override
    public void validate(ChatRequest request, ModelDescriptor model) {
        synchronized (this) {
            validated.add(model.model());
        }
        if (refuse.test(request) || refusedModels.contains(model.model())) {
            throw new ProviderException(ErrorKind.UNSUPPORTED, providerId, model.model(), 0,
                    providerId + " cannot serve this request");
        }
    }

    private ProviderException error(Fail f, String model) {
        return new ProviderException(f.kind(), providerId, model, f.status(), f.retryAfter(),
                providerId + " scripted " + f.status(), null);
    }

    @Override
    public CompletableFuture<ChatResponse> complete(ChatRequest request, CallOptions options) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        synchronized (this) {
            calls.add(new Call(options.model(), options, clock.instant(), false));
        }
        Step step = next(options.model());
        CompletableFuture<ChatResponse> f = new CompletableFuture<>();
        f.whenComplete((r, e) -> {
            if (f.isCancelled()) {
                synchronized (this) {
                    cancelled++;
                }
            }
        });
        switch (step) {
            case Ok ok -> scheduleOrRun(ok.latency(), () -> f.complete(new ChatResponse("resp-" + options.model(),
                    ok.text() != null ? ok.text() : "answer from " + providerId + "/" + options.model(), List.of(),
                    FinishReason.STOP, ok.usage(), providerId, options.model(), options.model() + "-v1")));
            case Fail fail -> scheduleOrRun(fail.latency(), () -> f.completeExceptionally(error(fail, options.model())));
            case Hang h -> {
            }
            case Stream s -> throw new IllegalStateException("a stream step was scripted for a complete call");
        }
        return f;
    }

    private void scheduleOrRun(Duration latency, Runnable r) {
        if (latency.isZero()) {
            r.run();
        } else {
            scheduler.schedule(latency, r);
        }
    }

    @Override
    public Flow.Publisher<StreamEvent> stream(ChatRequest request, CallOptions options) {
        Step step = next(options.model());
        return subscriber -> {
            synchronized (this) {
                calls.add(new Call(options.model(), options, clock.instant(), true));
            }
            List<StreamEvent> events = new ArrayList<>();
            List<Duration> at = new ArrayList<>();
            switch (step) {
                case Stream s -> {
                    events.add(new StreamEvent.Start("s-" + options.model(), providerId, options.model(), options.model() + "-v1"));
                    at.add(s.ttft());
                    Duration t = s.ttft();
                    for (int i = 0; i < s.tokens().size(); i++) {
                        if (s.cutAfter() == i) {
                            break;
                        }
                        events.add(new StreamEvent.TextDelta(s.tokens().get(i)));
                        at.add(t);
                        t = t.plus(s.perToken());
                    }
                    if (s.cutAfter() >= 0) {
                        events.add(new StreamEvent.Error(new ProviderException(ErrorKind.NETWORK, providerId,
                                options.model(), 0, "connection reset")));
                        at.add(t);
                    } else {
                        events.add(new StreamEvent.UsageReport(s.usage()));
                        at.add(t);
                        events.add(new StreamEvent.Finish(FinishReason.STOP));
                        at.add(t);
                    }
                }
                case Fail f -> {
                    events.add(new StreamEvent.Error(error(f, options.model())));
                    at.add(f.latency());
                }
                case Ok ok -> {
                    String text = ok.text() != null ? ok.text() : "answer from " + providerId + "/" + options.model();
                    events.add(new StreamEvent.Start("s-" + options.model(), providerId, options.model(), options.model()));
                    events.add(new StreamEvent.TextDelta(text));
                    events.add(new StreamEvent.UsageReport(ok.usage()));
                    events.add(new StreamEvent.Finish(FinishReason.STOP));
                    for (int i = 0; i < 4; i++) {
                        at.add(ok.latency());
                    }
                }
                case Hang h -> {
                }
            }
            new TimedSubscription(subscriber, events, at).start();
        };
    }

    /** Releases events at their scheduled times, but never beyond the subscriber's demand. */
    private final class TimedSubscription implements Flow.Subscription {
        private final Flow.Subscriber<? super StreamEvent> subscriber;
        private final List<StreamEvent> events;
        private final List<Duration> at;
        private int released;
        private int delivered;
        private long demand;
        private boolean done;
        private final Instant start = clock.instant();

        TimedSubscription(Flow.Subscriber<? super StreamEvent> subscriber, List<StreamEvent> events, List<Duration> at) {
            this.subscriber = subscriber;
            this.events = events;
            this.at = at;
        }

        void start() {
            subscriber.onSubscribe(this);
            for (int i = 0; i < at.size(); i++) {
                Duration due = Duration.between(clock.instant(), start.plus(at.get(i)));
                scheduler.schedule(due, this::release);
            }
        }

        private void release() {
            synchronized (this) {
                if (done) {
                    return;
                }
                released++;
            }
            pump();
        }

        private void pump() {
            while (true) {
                StreamEvent ev;
                synchronized (this) {
                    if (done || delivered >= released || demand == 0) {
                        return;
                    }
                    ev = events.get(delivered++);
                    demand--;
                }
                subscriber.onNext(ev);
                boolean last;
                synchronized (this) {
                    last = delivered == events.size();
                    if (last) {
                        done = true;
                    }
                }
                if (last) {
                    subscriber.onComplete();
                    return;
                }
            }
        }

        @Override
        public void request(long n) {
            synchronized (this) {
                demand += n;
            }
            pump();
        }

        @Override
        public void cancel() {
            synchronized (this) {
                if (!done) {
                    done = true;
                    synchronized (FakeProviderClient.this) {
                        cancelled++;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
