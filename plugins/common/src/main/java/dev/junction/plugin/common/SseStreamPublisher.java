package dev.junction.plugin.common;

import dev.junction.spi.ChatResponse;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A cold publisher of one provider's SSE answer as normalized {@link StreamEvent}s, with backpressure.
 *
 * <p>Each subscription sends the request once. Response bytes are pulled from the HTTP client only while the
 * subscriber has unmet demand and no decoded event is waiting, so a slow subscriber slows the socket read instead of
 * filling memory. The deadline covers the wait for the response and then each wait for more bytes; it is paused
 * while the subscriber has no demand. Cancelling the subscription, a deadline, or an error cancels the HTTP body,
 * which closes the connection. Failures arrive as a {@link StreamEvent.Error} then {@code onComplete}.
 *
 * <p>Some OpenAI-compatible servers ignore {@code "stream": true} and answer with one whole JSON answer: a 2xx body of
 * a JSON content type is read whole (at most {@link HttpProviderClient#MAX_RESPONSE_BYTES}), decoded by the
 * {@link AnswerDecoder} and delivered as the events a stream of that answer would have carried. A 2xx body of another
 * content type is still read as events (some servers label their streams text/plain); when it held none (an HTML page
 * from a proxy) the stream fails as malformed, naming the content type.
 *
 * <p>Thread-safe per the {@link Flow} rules.
 */
public final class SseStreamPublisher implements Flow.Publisher<StreamEvent> {

    /** What {@code malformed} is told when an event is not the JSON the provider documents. */
    static final String MALFORMED_JSON = "the provider answered with malformed JSON";

    /** The largest error body kept to explain a non-2xx answer. */
    static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    /** Maps a non-2xx status, its headers and body to the exception to report. */
    @FunctionalInterface
    public interface ErrorResponseMapper {
        ProviderException map(int status, HttpHeaders headers, byte[] body);
    }

    /** Decodes a whole 2xx JSON answer, the way the provider's non-streaming call does. */
    @FunctionalInterface
    public interface AnswerDecoder {
        /**
         * @throws IOException       when the body is not the JSON the provider documents
         * @throws ProviderException when the body reports a failure (a filtered answer)
         */
        ChatResponse decode(byte[] body) throws IOException;
    }

    private final HttpClient http;
    private final HttpRequest request;
    private final Supplier<StreamDecoder> decoders;
    private final AnswerDecoder answers;
    private final ErrorResponseMapper errorResponses;
    private final Function<Throwable, ProviderException> failures;
    private final Function<String, ProviderException> malformed;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;

    /** Without an {@link AnswerDecoder}: a whole JSON answer fails as malformed. */
    public SseStreamPublisher(HttpClient http, HttpRequest request, Supplier<StreamDecoder> decoders,
                              ErrorResponseMapper errorResponses, Function<Throwable, ProviderException> failures,
                              Function<String, ProviderException> malformed, Duration timeout,
                              ScheduledExecutorService scheduler) {
        this(http, request, decoders, null, errorResponses, failures, malformed, timeout, scheduler);
    }

    /**
     * @param answers        decodes a whole JSON answer sent instead of events; null when the provider has none
     * @param errorResponses maps non-2xx responses
     * @param failures       maps transport failures to exceptions; {@code null} stands for the deadline passing
     * @param malformed      the exception for a malformed stream, given what is wrong with it
     */
    public SseStreamPublisher(HttpClient http, HttpRequest request, Supplier<StreamDecoder> decoders,
                              AnswerDecoder answers, ErrorResponseMapper errorResponses,
                              Function<Throwable, ProviderException> failures,
                              Function<String, ProviderException> malformed, Duration timeout,
                              ScheduledExecutorService scheduler) {
        this.http = http;
        this.request = request;
        this.decoders = decoders;
        this.answers = answers;
        this.errorResponses = errorResponses;
        this.failures = failures;
        this.malformed = malformed;
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Call call = new Call(subscriber);
        subscriber.onSubscribe(call);
        call.start();
    }

    private final class Call implements Flow.Subscription, HttpResponse.BodySubscriber<Void> {
        private final Flow.Subscriber<? super StreamEvent> downstream;
        private final AtomicLong demand = new AtomicLong();
        private final Queue<StreamEvent> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger wip = new AtomicInteger();
        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private final StreamDecoder decoder = decoders.get();
        private final SseParser parser = new SseParser();
        private final Object emitLock = new Object();

        private volatile boolean cancelled;
        /** A terminal event is queued: nothing more is decoded. */
        private volatile boolean terminated;
        /** The terminal event was delivered and onComplete called. */
        private volatile boolean delivered;
        /** A request(n <= 0) to report through drain, so it is serialized with onNext. */
        private volatile IllegalArgumentException invalidRequest;
        private volatile Flow.Subscription upstream;
        private volatile boolean awaitingUpstream;
        private volatile boolean upstreamDone;
        private volatile CompletableFuture<HttpResponse<Void>> exchange;
        private volatile ScheduledFuture<?> timer;
        private volatile int status;
        private volatile HttpHeaders headers;
        private volatile ByteArrayOutputStream errorBody;
        /** A whole JSON answer sent instead of events. */
        private volatile ByteArrayOutputStream answerBody;
        /** The content type of a 2xx body labelled neither events nor JSON, read as events all the same. */
        private volatile String unexpectedType;
        /** Whether any event was emitted. */
        private volatile boolean emitted;

        Call(Flow.Subscriber<? super StreamEvent> downstream) {
            this.downstream = downstream;
        }

        void start() {
            if (cancelled) {
                return;
            }
            arm();
            if (terminated) {
                return; // the client is closed
            }
            try {
                CompletableFuture<HttpResponse<Void>> f = http.sendAsync(request, info -> {
                    status = info.statusCode();
                    headers = info.headers();
                    if (status < 200 || status > 299) {
                        errorBody = new ByteArrayOutputStream();
                    } else {
                        String type = mediaType(headers);
                        if (answers != null && (type.equals("application/json") || type.endsWith("+json"))) {
                            answerBody = new ByteArrayOutputStream();
                        } else if (!type.isEmpty() && !type.equals("text/event-stream")) {
                            unexpectedType = headers.firstValue("content-type").orElse(type);
                        }
                    }
                    return this;
                });
                exchange = f;
                if (terminated) {
                    f.cancel(true); // the deadline passed before the exchange was even recorded
                }
                f.whenComplete((r, t) -> {
                    if (t != null) {
                        fail(failures.apply(t));
                    }
                });
                if (cancelled) {
                    f.cancel(true);
                }
            } catch (RuntimeException e) {
                fail(failures.apply(e));
            }
        }

        // ---- downstream subscription

        @Override
        public void request(long n) {
            if (n <= 0) {
                if (!cancelled && !delivered) {
                    invalidRequest = new IllegalArgumentException("request(n) needs n > 0, was " + n);
                    cancel();
                    drain();
                }
                return;
            }
            long cur;
            long next;
            do {
                cur = demand.get();
                next = cur + n < 0 ? Long.MAX_VALUE : cur + n;
            } while (!demand.compareAndSet(cur, next));
            drain();
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            disarm();
            closeConnection();
            queue.clear();
        }

        private void closeConnection() {
            Flow.Subscription up = upstream;
            if (up != null && !upstreamDone) {
                up.cancel();
            }
            CompletableFuture<HttpResponse<Void>> f = exchange;
            if (f != null && !f.isDone()) {
                f.cancel(true);
            }
        }

        // ---- upstream body subscriber

        @Override
        public CompletionStage<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            disarm(); // the response has arrived; from now on the deadline runs only while bytes are awaited
            if (cancelled || terminated) {
                subscription.cancel();
                return;
            }
            if (errorBody != null || answerBody != null) {
                arm(); // one deadline for the whole body, not one per chunk
                awaitingUpstream = true;
                subscription.request(Long.MAX_VALUE);
            } else {
                drain();
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (errorBody != null || answerBody != null) {
                if (!cancelled && !terminated) {
                    keepWhole(item);
                }
                return;
            }
            awaitingUpstream = false;
            disarm();
            if (cancelled || terminated) {
                return;
            }
            try {
                for (ByteBuffer b : item) {
                    parser.feed(b, this::onSseEvent);
                    if (terminated) {
                        break;
                    }
                }
            } catch (ProviderException e) {
                fail(e);
            } catch (SseParser.TooLongException e) {
                fail(malformed.apply(e.getMessage()));
            } catch (UncheckedIOException | IllegalArgumentException | ClassCastException | NullPointerException e) {
                fail(malformed.apply(MALFORMED_JSON));
            }
            drain();
        }

        /** Buffers an error body (its start explains it) or a whole JSON answer (which must fit). */
        private void keepWhole(List<ByteBuffer> item) {
            ByteArrayOutputStream kept = errorBody != null ? errorBody : answerBody;
            int limit = errorBody != null ? MAX_ERROR_BODY_BYTES : HttpProviderClient.MAX_RESPONSE_BYTES;
            if (!BoundedBodySubscriber.keep(kept, item, limit, kept == answerBody)) {
                fail(malformed.apply(BoundedBodySubscriber.tooLong(limit)));
                return;
            }
            if (kept == errorBody && kept.size() >= limit) {
                fail(errorResponses.map(status, headers, kept.toByteArray())); // enough to explain it
            }
        }

        /** Delivers a whole JSON answer as the events a stream of it would have carried. */
        private void onAnswer(byte[] json) {
            ChatResponse r;
            try {
                r = answers.decode(json);
            } catch (ProviderException e) {
                fail(e);
                return;
            } catch (IOException | RuntimeException e) {
                fail(malformed.apply(MALFORMED_JSON));
                return;
            }
            events(r).forEach(this::emit);
        }

        private void onSseEvent(String event, String data) {
            if (!terminated) {
                decoder.onEvent(event, data, this::emit);
            }
        }

        private void emit(StreamEvent e) {
            synchronized (emitLock) {
                if (terminated || cancelled) {
                    return;
                }
                queue.add(e);
                emitted = true;
                if (e instanceof StreamEvent.Finish || e instanceof StreamEvent.Error) {
                    terminated = true;
                    disarm();
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            disarm();
            upstreamDone = true;
            awaitingUpstream = false;
            body.complete(null);
            fail(failures.apply(throwable));
        }

        @Override
        public void onComplete() {
            upstreamDone = true;
            awaitingUpstream = false;
            disarm();
            body.complete(null);
            if (errorBody != null) {
                fail(errorResponses.map(status, headers, errorBody.toByteArray()));
                return;
            }
            if (answerBody != null) {
                if (!terminated) {
                    onAnswer(answerBody.toByteArray());
                }
                drain();
                return;
            }
            if (!terminated && !emitted && unexpectedType != null) {
                fail(malformed.apply("the provider answered a stream with content type " + unexpectedType
                        + " and no events, not text/event-stream" + (answers == null ? "" : " or JSON")));
                drain();
                return;
            }
            if (!terminated) {
                try {
                    decoder.onEnd(this::emit);
                } catch (ProviderException e) {
                    fail(e);
                } catch (RuntimeException e) {
                    fail(malformed.apply(MALFORMED_JSON));
                }
            }
            if (!terminated) {
                fail(failures.apply(new java.io.EOFException("the stream ended before the provider finished the answer")));
            }
            drain();
        }

        // ---- internals

        private void fail(ProviderException e) {
            boolean first;
            synchronized (emitLock) {
                first = !terminated && !cancelled;
                if (first) {
                    queue.add(new StreamEvent.Error(e));
                    terminated = true;
                }
            }
            if (first) {
                disarm();
                closeConnection();
                drain();
            }
        }

        private void requestUpstream() {
            Flow.Subscription up = upstream;
            if (up != null && !upstreamDone) {
                awaitingUpstream = true;
                arm();
                up.request(1);
            }
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                IllegalArgumentException invalid = invalidRequest;
                if (invalid != null && !delivered) {
                    delivered = true;
                    downstream.onError(invalid);
                }
                while (!cancelled && !delivered && demand.get() > 0) {
                    StreamEvent e = queue.poll();
                    if (e == null) {
                        break;
                    }
                    demand.decrementAndGet();
                    downstream.onNext(e);
                    if (e instanceof StreamEvent.Finish || e instanceof StreamEvent.Error) {
                        delivered = true;
                        if (e instanceof StreamEvent.Finish) {
                            finishReadingQuietly();
                        }
                        downstream.onComplete();
                    }
                }
                if (!cancelled && !terminated && !awaitingUpstream && queue.isEmpty() && demand.get() > 0
                        && upstream != null && errorBody == null && answerBody == null) {
                    requestUpstream();
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        /** After a normal finish, reads what is left (the end of the body) so the connection can be reused. */
        private void finishReadingQuietly() {
            Flow.Subscription up = upstream;
            if (up != null && !upstreamDone) {
                try {
                    timer = scheduler.schedule(() -> {
                        if (!upstreamDone) {
                            up.cancel();
                        }
                    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    up.cancel(); // the client is closed
                    return;
                }
                up.request(Long.MAX_VALUE);
            }
        }

        private void arm() {
            disarm();
            if (cancelled || terminated) {
                return;
            }
            try {
                timer = scheduler.schedule(this::onDeadline, timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                fail(failures.apply(new CancellationException("the provider client is closed")));
            }
        }

        private void disarm() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
                timer = null;
            }
        }

        private void onDeadline() {
            if (!cancelled && !terminated) {
                ByteArrayOutputStream partial = errorBody;
                // An error answer whose body is slow is still that error, with the body it managed to send.
                fail(partial != null ? errorResponses.map(status, headers, partial.toByteArray()) : failures.apply(null));
            }
        }
    }

    /** The media type of a response, lower case and without parameters; {@code ""} when it has none. */
    private static String mediaType(HttpHeaders headers) {
        String type = headers.firstValue("content-type").orElse("");
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The events a stream of {@code r} carries: the start, the text as one delta, each tool call whole, the usage
     * (when the provider reported any) and the finish.
     */
    static List<StreamEvent> events(ChatResponse r) {
        List<StreamEvent> events = new ArrayList<>();
        events.add(new StreamEvent.Start(r.id(), r.provider(), r.model(), r.modelVersion()));
        if (r.text() != null && !r.text().isEmpty()) {
            events.add(new StreamEvent.TextDelta(r.text()));
        }
        for (int i = 0; i < r.toolCalls().size(); i++) {
            ToolCall c = r.toolCalls().get(i);
            events.add(new StreamEvent.ToolCallDelta(i, c.id(), c.name(), c.argumentsJson()));
        }
        if (!r.usage().equals(Usage.ZERO)) {
            events.add(new StreamEvent.UsageReport(r.usage()));
        }
        events.add(new StreamEvent.Finish(r.finishReason()));
        return events;
    }
}
