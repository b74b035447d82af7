package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.engine.BudgetExceededException;
import dev.junction.engine.InfeasibleIntentException;
import dev.junction.engine.Intent;
import dev.junction.engine.JunctionException;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.JunctionStream;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.Embedder;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderException;
import dev.junction.spi.RequestRejectedException;
import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The OpenAI-compatible HTTP front end: {@code /v1/chat/completions}, {@code /v1/models}, {@code /v1/embeddings},
 * {@code /healthz}, {@code /metrics} and the read-only {@code /admin/*} views, on Helidon SE's virtual-thread
 * WebServer.
 *
 * <p>Every request runs on its own virtual thread, so handlers block on the engine without tying up a platform
 * thread. Any failure becomes an OpenAI-style error body with a 4xx (bad input, auth, limits) or a 502/504
 * (providers); provider keys never appear in a response. Start with {@link #start()}, stop with {@link #close()}.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    static final String JSON = "application/json";

    private final GatewayBackend backend;
    private final TenantAuthenticator auth;
    private final GatewayOptions options;
    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final Counter streamsCut;
    private final ScheduledThreadPoolExecutor watchdogs = newWatchdogs();
    private final ThreadLocal<HeaderDeadline> headerDeadline = new ThreadLocal<>();
    private WebServer server;

    public GatewayServer(GatewayBackend backend, TenantAuthenticator auth, GatewayOptions options,
                         PrometheusMeterRegistry registry, Clock clock) {
        this.backend = backend;
        this.auth = auth;
        this.options = options;
        this.registry = registry;
        this.clock = clock;
        this.streamsCut = Counter.builder("junction.http.streams.client.gone")
                .description("Streams ended because the client went away").register(registry);
    }

    /**
     * Hands every tenant's budget to the engine, binds the listener and starts serving; returns this server.
     *
     * @throws IllegalStateException when the listener cannot bind (port in use, host not local)
     */
    public GatewayServer start() {
        for (Tenant t : auth.tenants()) {
            if (Double.isFinite(t.budgetUsd())) {
                backend.setTenantBudget(t.id(), t.budgetUsd());
            }
        }
        server = WebServer.builder()
                .host(options.host())
                .port(options.port())
                .maxPayloadSize(options.maxBodyBytes())
                .idleConnectionTimeout(options.readTimeout())
                .idleConnectionPeriod(options.readTimeout().dividedBy(2))
                .connectionOptions(s -> s.tcpNoDelay(true))
                .addProtocol(Http1Config.builder().addReceiveListener(new HeaderTimeout()).build())
                .shutdownHook(false)
                .directHandlers(d -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        d.addHandler(type, GatewayServer::directError);
                    }
                })
                .routing(this::routes)
                .build()
                .start();
        if (!server.isRunning()) {
            // Helidon logs a failed bind and returns a server that never serves: say so instead of waiting forever.
            server.stop();
            server = null;
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port()
                    + ": the port is in use or the host is not an address of this machine");
        }
        return this;
    }

    private static ScheduledThreadPoolExecutor newWatchdogs() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "junction-read-watchdog");
            t.setDaemon(true);
            return t;
        });
        // One watchdog per request, nearly all cancelled long before they are due: drop them at once.
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /**
     * Bounds the time between the end of the request line and the end of the headers. Helidon's idle check closes a
     * connection only while it waits for a request line ({@code Http1Connection.close(false)} interrupts only then),
     * and it never applies {@code SocketOptions.readTimeout} to accepted sockets, so a client that stalls mid-headers
     * would hold its connection forever. Both callbacks run on the connection's own virtual thread, before any
     * handler: the watchdog interrupts that thread, which closes the socket it is blocked reading.
     */
    private final class HeaderTimeout implements Http1ConnectionListener {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            HeaderDeadline previous = headerDeadline.get();
            if (previous != null) {
                previous.disarm();
            }
            HeaderDeadline d = new HeaderDeadline(Thread.currentThread());
            d.future = watchdogs.schedule(d, options.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            headerDeadline.set(d);
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            HeaderDeadline d = headerDeadline.get();
            if (d != null) {
                headerDeadline.remove();
                d.disarm();
            }
        }
    }

    /** One request's header deadline; the lock makes "disarmed" and "interrupted" exclusive. */
    private static final class HeaderDeadline implements Runnable {
        private final Thread reader;
        private volatile ScheduledFuture<?> future;
        private boolean done;
        private boolean fired;

        HeaderDeadline(Thread reader) {
            this.reader = reader;
        }

        @Override
        public synchronized void run() {
            if (!done) {
                fired = true;
                reader.interrupt();
                LOG.debug("closing a connection whose client stalled while sending its headers");
            }
        }

        /** Called on the reader thread: past this point the watchdog does nothing. */
        synchronized void disarm() {
            done = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            if (fired && reader == Thread.currentThread()) {
                // The headers were complete when it fired (else the read would have failed): the interrupt only set
                // this thread's flag, so clearing it lets the request proceed.
                Thread.interrupted();
            }
        }
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        watchdogs.shutdownNow();
    }

    private void routes(HttpRouting.Builder r) {
        r.post("/v1/chat/completions", (req, res) -> handle("chat", req, res, this::chat))
                .get("/v1/models", (req, res) -> handle("models", req, res, this::models))
                .get("/v1/models/{provider}/{model}", (req, res) -> handle("model", req, res, this::model))
                .post("/v1/embeddings", (req, res) -> handle("embeddings", req, res, this::embeddings))
                .post("/v1/cache/wrong-hits", (req, res) -> handle("cache_feedback", req, res, this::wrongHit))
                .get("/healthz", (req, res) -> handle("healthz", req, res, (q, s) -> json(s, 200,
                        OpenAiResponseWriter.map(health()))))
                .get("/metrics", (req, res) -> handle("metrics", req, res, (q, s) -> {
                    s.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    s.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
                }))
                .get("/admin/matrix", (req, res) -> handle("admin", req, res, (q, s) -> admin(q, s, backend::matrixView)))
                .get("/admin/cache", (req, res) -> handle("admin", req, res, (q, s) -> admin(q, s, backend::cacheView)))
                .get("/admin/budgets", (req, res) -> handle("admin", req, res, (q, s) -> admin(q, s, backend::budgetsView)))
                .any((req, res) -> handle("other", req, res, (q, s) -> {
                    throw new ApiError(404, "invalid_request_error", "unknown_url", null,
                            "Unknown request URL: " + q.prologue().method().text() + " " + q.path().path()
                                    + ". Please check the URL for typos.");
                }));
    }

    @FunctionalInterface
    private interface Handler {
        void handle(ServerRequest req, ServerResponse res) throws IOException;
    }

    private void handle(String route, ServerRequest req, ServerResponse res, Handler handler) {
        Timer.Sample sample = Timer.start(registry);
        int status;
        try {
            handler.handle(req, res);
            status = res.status().code();
        } catch (Throwable t) {
            ApiError error = toApiError(t);
            status = error.status();
            if (!res.isSent()) {
                error.headers().forEach(res::header);
                json(res, error.status(), OpenAiResponseWriter.error(error));
            }
        }
        sample.stop(Timer.builder("junction.http.requests")
                .description("HTTP requests served, by route and status")
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(registry));
    }

    private Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", "ok");
        h.putAll(backend.health());
        return h;
    }

    private void admin(ServerRequest req, ServerResponse res, java.util.function.Supplier<Object> view) {
        auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        json(res, 200, OpenAiResponseWriter.view(view.get()));
    }

    private void models(ServerRequest req, ServerResponse res) {
        auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        json(res, 200, OpenAiResponseWriter.models(backend.models(), clock.instant().getEpochSecond()));
    }

    private void model(ServerRequest req, ServerResponse res) {
        auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        String id = req.path().pathParameters().get("provider") + "/" + req.path().pathParameters().get("model");
        if (id.equals(IntentParser.AUTO_MODEL)) {
            json(res, 200, OpenAiResponseWriter.model(IntentParser.AUTO_MODEL, "junction",
                    clock.instant().getEpochSecond(), null));
            return;
        }
        ModelDescriptor found = null;
        for (ModelDescriptor m : backend.models()) {
            if (m.id().equals(id)) {
                found = m;
            }
        }
        if (found == null) {
            throw modelNotFound(id);
        }
        json(res, 200, OpenAiResponseWriter.model(found.id(), found.provider(), clock.instant().getEpochSecond(), found));
    }

    private void embeddings(ServerRequest req, ServerResponse res) throws IOException {
        auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        ObjectNode root = OpenAiRequestParser.parseObject(body(req));
        List<String> inputs = OpenAiRequestParser.embeddingInputs(root);
        String format = OpenAiRequestParser.optText(root, "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ApiError.invalid("encoding_format", "Invalid value for 'encoding_format': '" + format
                    + "'. Supported values are: 'float' and 'base64'.");
        }
        Integer dimensions = OpenAiRequestParser.optInt(root, "dimensions");
        Embedder embedder = backend.embedder().orElseThrow(() -> new ApiError(503, "server_error",
                "embedder_unavailable", null, "No local embedding model is available on this server."));
        String model = OpenAiRequestParser.optText(root, "model");
        if (model != null && !model.equals(embedder.modelId()) && !model.equals("junction/embed")) {
            throw new ApiError(404, "invalid_request_error", "model_not_found", "model", "The model '" + model
                    + "' does not exist; this server embeds with '" + embedder.modelId() + "'.");
        }
        if (dimensions != null && dimensions != embedder.dimensions()) {
            throw ApiError.invalid("dimensions", "Invalid value for 'dimensions': " + dimensions + ". The model '"
                    + embedder.modelId() + "' only gives " + embedder.dimensions() + " dimensions.");
        }
        List<float[]> vectors = embedder.embedAll(inputs);
        long tokens = 0;
        for (String s : inputs) {
            tokens += Math.max(1, s.length() / 4);
        }
        json(res, 200, OpenAiResponseWriter.embeddings(vectors, embedder.modelId(), tokens, "base64".equals(format)));
    }

    /**
     * {@code POST /v1/cache/wrong-hits {"entry_id": ...}}: the caller's tenant reports that the cached answer it was
     * served (the {@code x-junction-cache-entry} header, or {@code junction.cache.entry_id}) was wrong; the entry is
     * removed and the report counted. 404 when the tenant has no such entry (expired, already removed, another
     * tenant's, or no cache).
     */
    private void wrongHit(ServerRequest req, ServerResponse res) {
        Tenant tenant = auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        ObjectNode root = OpenAiRequestParser.parseObject(body(req));
        String id = OpenAiRequestParser.optText(root, "entry_id");
        if (id == null || id.isBlank()) {
            throw ApiError.invalid("entry_id", "Missing required parameter: 'entry_id' (the x-junction-cache-entry header "
                    + "of the answer that was wrong).");
        }
        if (!backend.reportWrongCacheHit(tenant.id(), id)) {
            throw new ApiError(404, "invalid_request_error", "cache_entry_not_found", "entry_id",
                    "No cache entry '" + id + "' for this tenant: it expired, was already removed, or never existed.");
        }
        json(res, 200, OpenAiResponseWriter.map(Map.of("entry_id", id, "removed", true)));
    }

    private void chat(ServerRequest req, ServerResponse res) throws IOException {
        Tenant tenant = auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        ParsedChatRequest parsed = OpenAiRequestParser.chat(body(req));
        Intent intent = IntentParser.parse(parsed.model(), parsed.intent(), junctionHeaders(req), tenant.defaultIntent());
        if (!IntentParser.routes(parsed.model())) {
            requireKnownModel(parsed.model());
        }
        ChatRequest request = parsed.request().withTenant(tenant.id(), parsed.request().userId());
        if (parsed.stream()) {
            JunctionStream stream = backend.stream(request, intent);
            new SseWriter(res, stream, parsed.includeUsage(), clock, options.streamEventTimeout(), streamsCut, watchdogs,
                    options.readTimeout()).run();
            return;
        }
        JunctionResponse answer = backend.complete(request, intent);
        DecisionHeaders.apply(res, answer.decision(), answer.response());
        json(res, 200, OpenAiResponseWriter.completion(answer.response(), answer.decision(),
                clock.instant().getEpochSecond()));
    }

    private void requireKnownModel(String model) {
        for (ModelDescriptor m : backend.models()) {
            if (m.id().equals(model) || m.model().equals(model)) {
                return;
            }
        }
        throw modelNotFound(model);
    }

    private static ApiError modelNotFound(String model) {
        return new ApiError(404, "invalid_request_error", "model_not_found", "model", "The model `" + model
                + "` does not exist or its provider is not configured. Use GET /v1/models for the list, or '"
                + IntentParser.AUTO_MODEL + "' to let Junction route.");
    }

    private static Map<String, String> junctionHeaders(ServerRequest req) {
        Map<String, String> out = new HashMap<>();
        for (Header h : req.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.startsWith(IntentParser.HEADER_PREFIX)) {
                out.put(name.substring(IntentParser.HEADER_PREFIX.length()), h.get());
            }
        }
        return out;
    }

    /**
     * Reads the whole body, at most {@code maxBodyBytes}, within the read timeout: a client that stalls mid-body has
     * its handler thread interrupted, which closes the socket (virtual-thread socket reads are interruptible).
     */
    private byte[] body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        long max = options.maxBodyBytes();
        Thread handler = Thread.currentThread();
        ScheduledFuture<?> watchdog = watchdogs.schedule(handler::interrupt, options.readTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > max) {
                    throw tooLarge(max);
                }
            }
            return out.toByteArray();
        } catch (RequestException e) {
            if (e.status().code() == 413) {
                throw tooLarge(max);
            }
            throw new ApiError(e.status().code() >= 500 ? 400 : e.status().code(), "invalid_request_error", null, null,
                    "Could not read the request body: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw ApiError.invalid(null, "Could not read the request body: " + e.getMessage());
        } catch (ApiError e) {
            throw e;
        } catch (RuntimeException e) {
            throw ApiError.invalid(null, "Could not read the request body: " + e.getMessage());
        } finally {
            watchdog.cancel(false);
            if (Thread.interrupted()) {
                LOG.debug("closed a connection whose client stalled while sending its body");
            }
        }
    }

    private static ApiError tooLarge(long max) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null,
                "The request body is larger than the server's limit of " + max + " bytes.");
    }

    static void json(ServerResponse res, int status, byte[] body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(body);
    }

    /** Maps anything thrown while handling a request to the error the client sees. */
    static ApiError toApiError(Throwable t) {
        if (t instanceof ApiError e) {
            return e;
        }
        if (t instanceof BudgetExceededException e) {
            return new ApiError(429, "insufficient_quota", "budget_exceeded", null, e.getMessage());
        }
        if (t instanceof InfeasibleIntentException e) {
            return new ApiError(400, "invalid_request_error", "intent_infeasible", "intent", e.getMessage());
        }
        if (t instanceof RequestRejectedException e) {
            return new ApiError(400, "invalid_request_error", "request_rejected", null, e.getMessage());
        }
        if (t instanceof ProviderException e) {
            return fromProvider(e);
        }
        if (t instanceof JunctionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ProviderException p) {
                ApiError mapped = fromProvider(p);
                // The provider's own 401 text stays hidden, as fromProvider hides it for a bare ProviderException.
                return new ApiError(mapped.status(), mapped.type(), mapped.code(), null,
                        p.kind() == ErrorKind.AUTHENTICATION ? mapped.getMessage() : e.getMessage(), mapped.headers());
            }
            return new ApiError(502, "upstream_error", "upstream_failed", null, e.getMessage());
        }
        if (t instanceof IllegalArgumentException e) {
            return ApiError.invalid(null, e.getMessage());
        }
        LOG.error("unexpected failure while handling a request", t);
        return new ApiError(500, "server_error", "internal_error", null,
                "The server had an error while processing your request.");
    }

    private static ApiError fromProvider(ProviderException e) {
        String msg = "Upstream " + e.provider() + (e.model() == null ? "" : "/" + e.model()) + " failed: " + e.getMessage();
        Map<String, String> headers = e.retryAfter() == null ? Map.of()
                : Map.of("retry-after", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        return switch (e.kind()) {
            case RATE_LIMITED -> new ApiError(429, "rate_limit_exceeded", "upstream_rate_limited", null, msg, headers);
            case TIMEOUT -> new ApiError(504, "upstream_error", "upstream_timeout", null, msg);
            case BAD_REQUEST, UNSUPPORTED -> new ApiError(400, "invalid_request_error", e.kind().name().toLowerCase(Locale.ROOT), null, msg);
            case CONTEXT_LENGTH_EXCEEDED -> new ApiError(400, "invalid_request_error", "context_length_exceeded", "messages", msg);
            case CONTENT_FILTERED -> new ApiError(400, "invalid_request_error", "content_filter", null, msg);
            case CANCELLED -> new ApiError(499, "invalid_request_error", "cancelled", null, msg);
            case AUTHENTICATION -> new ApiError(502, "upstream_error", "upstream_authentication",
                    null, "Upstream " + e.provider() + " refused this server's credentials.");
            case OVERLOADED, SERVER_ERROR, NETWORK -> new ApiError(502, "upstream_error",
                    e.kind() == ErrorKind.NETWORK ? "upstream_unreachable" : "upstream_error", null, msg);
        };
    }

    /** Answers protocol-level failures (bad request line, oversize body, ...) in OpenAI's error format. */
    private static DirectHandler.TransportResponse directError(DirectHandler.TransportRequest request,
                                                               DirectHandler.EventType type, Status status,
                                                               io.helidon.http.ServerResponseHeaders headers,
                                                               String message) {
        String code = type == DirectHandler.EventType.PAYLOAD_TOO_LARGE ? "request_too_large" : "bad_request";
        int s = status.code() >= 500 ? 400 : status.code();
        if (type == DirectHandler.EventType.INTERNAL_ERROR) {
            s = 500;
        }
        ApiError e = new ApiError(s, s >= 500 ? "server_error" : "invalid_request_error", code, null,
                message == null || message.isBlank() ? status.reasonPhrase() : message);
        return DirectHandler.TransportResponse.builder()
                .status(Status.create(s))
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, JSON)
                .keepAlive(false)
                .entity(OpenAiResponseWriter.error(e))
                .build();
    }

    static Optional<String> first(ServerRequest req, String header) {
        return req.headers().first(HeaderNames.create(header));
    }
}
