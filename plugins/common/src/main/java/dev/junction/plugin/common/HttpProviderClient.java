package dev.junction.plugin.common;

import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP half every provider client shares: one {@link HttpClient} per client, request dispatch with a deadline,
 * cancellation, SSE streaming through {@link SseStreamPublisher} (a stream answered with one whole JSON answer is
 * decoded with {@link #decode} and delivered as that answer's events), error mapping and secret redaction. A plugin
 * supplies the wire format: the URI and headers, the body encoder, the response and stream decoders and the
 * error-body reader.
 *
 * <p>The HTTP client prefers HTTP/2 for {@code https} base URLs (negotiated with ALPN, falling back to HTTP/1.1)
 * and uses HTTP/1.1 for plain {@code http} ones (local vLLM/Ollama and test servers), where an {@code h2c} upgrade
 * attempt on every first request buys nothing. Connections are pooled and reused by the HTTP client.
 *
 * <p>Thread-safe. {@link #close()} releases the connections and the deadline timer; calls after close throw
 * {@link IllegalStateException}.
 */
public abstract class HttpProviderClient implements ProviderClient {

    /** The option naming the header that carries {@link CallOptions#idempotencyKey()}; absent means none is sent. */
    public static final String OPTION_IDEMPOTENCY_HEADER = "idempotency-header";

    /**
     * The longest answer {@code complete} reads: far more than any chat answer, and a body that never ends (a broken
     * provider or proxy) fails as a {@link ErrorKind#SERVER_ERROR} instead of growing memory until the deadline.
     */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    protected final ProviderConfig config;
    protected final HttpErrors errors;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    protected HttpProviderClient(ProviderConfig config, Clock clock) {
        this.config = config;
        List<String> secrets = new ArrayList<>(config.headers().values());
        if (config.apiKey() != null) {
            secrets.add(config.apiKey().value());
        }
        this.errors = new HttpErrors(config.providerId(), clock, new HttpErrors.Redactor(secrets));
        boolean tls = "https".equalsIgnoreCase(config.baseUrl().getScheme());
        this.http = HttpClient.newBuilder()
                .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "junction-" + config.providerId() + "-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.scheduler = timer;
    }

    // ---- what a plugin supplies

    /** The endpoint for this call. */
    protected abstract URI endpoint(CallOptions options, boolean stream);

    /** Adds the provider's authentication and protocol headers (the key, a version header). */
    protected abstract void addProviderHeaders(HttpRequest.Builder builder);

    /** Serializes the request body. */
    protected abstract byte[] encode(ChatRequest request, CallOptions options, boolean stream);

    /**
     * Decodes a 2xx body.
     *
     * @throws IOException       when the body is not the JSON the provider documents
     * @throws ProviderException when the body reports a failure (a filtered answer)
     */
    protected abstract ChatResponse decode(byte[] body, ChatRequest request, CallOptions options) throws IOException;

    /** A new decoder for one stream. */
    protected abstract StreamDecoder streamDecoder(ChatRequest request, CallOptions options);

    /** Reads the provider's error body; returns {@link HttpErrors.ProviderErrorBody#NONE} when it cannot. */
    protected abstract HttpErrors.ProviderErrorBody readError(int status, byte[] body);

    // ---- the shared half

    @Override
    public String providerId() {
        return config.providerId();
    }

    /** The provider id, for messages. */
    protected String provider() {
        return config.providerId();
    }

    /** Builds the HTTP request for one call; visible for benchmarks. */
    public HttpRequest httpRequest(ChatRequest request, CallOptions options, boolean stream) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint(options, stream))
                .header("content-type", "application/json")
                .header("accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(encode(request, options, stream)));
        if (!stream) {
            b.timeout(options.timeout());
        }
        addProviderHeaders(b);
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            b.setHeader(h.getKey(), h.getValue());
        }
        String idempotencyHeader = config.options().get(OPTION_IDEMPOTENCY_HEADER);
        if (idempotencyHeader != null && options.idempotencyKey() != null) {
            b.setHeader(idempotencyHeader, options.idempotencyKey());
        }
        return b.build();
    }

    @Override
    public CompletableFuture<ChatResponse> complete(ChatRequest request, CallOptions options) {
        ensureOpen();
        CompletableFuture<ChatResponse> result = new CompletableFuture<>();
        HttpRequest httpRequest;
        try {
            httpRequest = httpRequest(request, options, false);
        } catch (RuntimeException e) {
            result.completeExceptionally(unsendable(options.model(), e));
            return result;
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(httpRequest,
                info -> info.statusCode() >= 200 && info.statusCode() <= 299
                        ? new BoundedBodySubscriber(MAX_RESPONSE_BYTES, true)
                        : new BoundedBodySubscriber(SseStreamPublisher.MAX_ERROR_BODY_BYTES));
        ScheduledFuture<?> deadline = scheduler.schedule(() -> {
            if (result.completeExceptionally(errors.fromThrowable(options.model(),
                    new HttpTimeoutException("no complete answer within " + options.timeout())))) {
                exchange.cancel(true);
            }
        }, options.timeout().toNanos(), TimeUnit.NANOSECONDS);
        exchange.whenComplete((response, failure) -> {
            deadline.cancel(false);
            if (failure != null) {
                BoundedBodySubscriber.TooLongException tooLong = tooLong(failure);
                result.completeExceptionally(tooLong != null
                        ? errors.of(ErrorKind.SERVER_ERROR, options.model(), 200, tooLong.getMessage())
                        : errors.fromThrowable(options.model(), failure));
                return;
            }
            try {
                result.complete(toResponse(response, request, options));
            } catch (ProviderException e) {
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(malformed(options.model(), response.statusCode()));
            }
        });
        result.whenComplete((r, t) -> {
            if (result.isCancelled()) {
                deadline.cancel(false);
                exchange.cancel(true);
            }
        });
        return result;
    }

    private static BoundedBodySubscriber.TooLongException tooLong(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BoundedBodySubscriber.TooLongException e) {
                return e;
            }
        }
        return null;
    }

    private ChatResponse toResponse(HttpResponse<byte[]> response, ChatRequest request, CallOptions options) {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw errorFor(options.model(), status, response.headers(), response.body());
        }
        try {
            return decode(response.body(), request, options);
        } catch (IOException | UncheckedIOException e) {
            throw malformed(options.model(), status);
        }
    }

    private ProviderException errorFor(String model, int status, HttpHeaders headers, byte[] body) {
        HttpErrors.ProviderErrorBody details;
        try {
            details = readError(status, body);
        } catch (RuntimeException e) {
            details = HttpErrors.ProviderErrorBody.NONE;
        }
        return errors.fromResponse(model, status, headers, details);
    }

    private ProviderException malformed(String model, int status) {
        return errors.of(ErrorKind.SERVER_ERROR, model, status, "the provider answered with malformed JSON");
    }

    @Override
    public Flow.Publisher<StreamEvent> stream(ChatRequest request, CallOptions options) {
        ensureOpen();
        HttpRequest httpRequest;
        try {
            httpRequest = httpRequest(request, options, true);
        } catch (RuntimeException e) {
            return new FailedPublisher(unsendable(options.model(), e));
        }
        String model = options.model();
        Duration timeout = options.timeout();
        return new SseStreamPublisher(http, httpRequest, () -> streamDecoder(request, options),
                body -> decode(body, request, options),
                (status, headers, body) -> errorFor(model, status, headers, body),
                t -> t == null
                        ? errors.fromThrowable(model, new HttpTimeoutException("no stream event within " + timeout))
                        : errors.fromThrowable(model, t),
                what -> errors.of(ErrorKind.SERVER_ERROR, model, 200, what),
                timeout, scheduler);
    }

    /** A request that cannot be put on the wire (a schema that does not parse, a tool result answering nothing). */
    private ProviderException unsendable(String model, RuntimeException e) {
        return e instanceof ProviderException pe ? pe
                : errors.of(ErrorKind.BAD_REQUEST, model, "the request cannot be encoded for this provider: " + e.getMessage());
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(config.providerId() + " client is closed");
        }
    }

    /** Names the class, provider and base URL; never the key or header values. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + config.providerId() + " " + config.baseUrl() + "]";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.shutdownNow();
            http.shutdownNow();
        }
    }
}
