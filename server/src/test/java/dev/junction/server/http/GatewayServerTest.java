package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.engine.BudgetExceededException;
import dev.junction.engine.Constraint;
import dev.junction.engine.Exclusion;
import dev.junction.engine.InfeasibleIntentException;
import dev.junction.engine.Intent;
import dev.junction.engine.Objective;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderException;
import dev.junction.spi.Role;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayServerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final FakeBackend backend = new FakeBackend();
    private GatewayServer server;

    private GatewayServer start(TenantAuthenticator auth, GatewayOptions options) {
        server = new GatewayServer(backend, auth, options.withPort(0),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC()).start();
        return server;
    }

    private GatewayServer start() {
        return start(new TenantAuthenticator(Map.of()), GatewayOptions.DEFAULTS);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return OpenAiRequestParser.MAPPER.readTree(r.body());
    }

    private static void assertOpenAiError(HttpResponse<String> r, int status, String param) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode error = json(r).get("error");
        assertTrue(error.get("message").isTextual(), r.body());
        assertTrue(error.get("type").isTextual(), r.body());
        if (param != null) {
            assertEquals(param, error.get("param").asText(), r.body());
        }
    }

    @Test
    void aPortInUseFailsAtStartNamingThePort() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            GatewayServer clash = new GatewayServer(backend, new TenantAuthenticator(Map.of()),
                    GatewayOptions.DEFAULTS.withPort(taken.getLocalPort()),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    clash::start);
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            clash.close();
        }
    }

    private static final String HELLO = """
            {"model":"junction/auto","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}""";

    @Test
    void answersAPlainCompletionWithTheDecisionInHeadersAndExtension() throws Exception {
        start();
        HttpResponse<String> r = post("/v1/chat/completions", HELLO);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("echo: hello", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(15, body.at("/usage/total_tokens").asInt());
        assertEquals("fake/echo-1", body.get("model").asText());
        assertEquals("miss", body.at("/junction/cache/status").asText());
        assertEquals("fake", r.headers().firstValue("x-junction-provider").orElseThrow());
        assertEquals("echo-1", r.headers().firstValue("x-junction-model").orElseThrow());
        assertEquals("miss", r.headers().firstValue("x-junction-cache").orElseThrow());
        assertTrue(r.headers().firstValue("x-junction-cost-usd").isPresent());
        assertEquals(Role.SYSTEM, backend.requests.get(0).messages().get(0).role());
        assertEquals("default", backend.requests.get(0).tenantId());
    }

    @Test
    void streamsChunksThenUsageThenDone() throws Exception {
        start();
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model":"junction/auto","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hello"}]}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertEquals("[DONE]", events.get(events.size() - 1));
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = OpenAiRequestParser.MAPPER.readTree(e);
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.get("choices").size() > 0) {
                text.append(chunk.at("/choices/0/delta/content").asText(""));
                if (!chunk.at("/choices/0/finish_reason").isNull()) {
                    finish = chunk.at("/choices/0/finish_reason").asText();
                }
            }
            if (chunk.has("usage")) {
                usage = chunk.get("usage");
            }
        }
        assertEquals("echo: 12", text.toString());
        assertEquals("stop", finish);
        assertEquals(15, usage.get("total_tokens").asInt());
    }

    @Test
    void streamsToolCallDeltas() throws Exception {
        start();
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model":"junction/auto","stream":true,"messages":[{"role":"user","content":"weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"name\":\"get_weather\""), r.body());
        assertTrue(r.body().contains("\"finish_reason\":\"tool_calls\""), r.body());
    }

    @Test
    void returnsToolCallsAndAcceptsToolResults() throws Exception {
        start();
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model":"junction/auto","messages":[{"role":"user","content":"weather?"}],"tool_choice":"auto",
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");
        JsonNode call = json(r).at("/choices/0/message/tool_calls/0");
        assertEquals("get_weather", call.at("/function/name").asText());
        assertTrue(json(r).at("/choices/0/message/content").isNull());
        HttpResponse<String> r2 = post("/v1/chat/completions", """
                {"model":"junction/auto","messages":[{"role":"user","content":"weather?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");
        assertEquals(200, r2.statusCode(), r2.body());
        assertEquals(Role.TOOL, backend.requests.get(1).messages().get(2).role());
        assertEquals("call_1", backend.requests.get(1).messages().get(2).toolCallId());
    }

    @Test
    void readsTheIntentFromBodyAndHeadersWithHeadersWinning() throws Exception {
        start();
        post("/v1/chat/completions", """
                {"model":"junction/auto","messages":[{"role":"user","content":"hi"}],
                 "intent":{"max_cost_usd":0.01,"min_quality":0.7,"objective":"cheapest","cache":"off"}}""",
                "x-junction-objective", "fastest", "x-junction-latency-budget-ms", "2500");
        Intent intent = backend.intents.get(0);
        assertEquals(0.01, intent.maxCostUsd());
        assertEquals(0.7, intent.minQuality());
        assertEquals(Objective.FASTEST, intent.objective());
        assertEquals(Duration.ofMillis(2500), intent.latencyBudget());
        assertEquals(dev.junction.engine.CachePolicy.Mode.OFF, intent.cachePolicy().mode());
        assertTrue(intent.allowedModels().isEmpty());
    }

    @Test
    void aNamedModelPinsIt() throws Exception {
        start();
        assertEquals(200, post("/v1/chat/completions", HELLO.replace("junction/auto", "fake/echo-1")).statusCode());
        assertEquals(java.util.Set.of("fake/echo-1"), backend.intents.get(0).allowedModels());
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("junction/auto", "gpt-nope")), 404, "model");
    }

    @Test
    void rejectsBadIntentValues() throws Exception {
        start();
        assertOpenAiError(post("/v1/chat/completions", HELLO, "x-junction-min-quality", "high"), 400,
                "x-junction-min-quality");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"intent\":{\"objective\":\"magic\"}}")),
                400, "intent.objective");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"intent\":{\"speed\":1}}")), 400,
                "intent.speed");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"intent\":{\"min_quality\":3}}")),
                400, "intent");
        // Past 100 years the expiry instant overflows and the answer would silently not be stored.
        HttpResponse<String> ttl = post("/v1/chat/completions", HELLO.replace("}]}",
                "}],\"intent\":{\"cache_ttl_seconds\":9223372036854775807}}"));
        assertOpenAiError(ttl, 400, "intent.cache_ttl_seconds");
        assertTrue(ttl.body().contains("at most 36500 days"), ttl.body());
        assertEquals(200, post("/v1/chat/completions", HELLO.replace("}]}",
                "}],\"intent\":{\"cache_ttl_seconds\":3153600000}}")).statusCode(), "100 years is allowed");
    }

    @Test
    void listsTheCatalogPlusJunctionAuto() throws Exception {
        start();
        JsonNode body = json(get("/v1/models"));
        assertEquals("list", body.get("object").asText());
        assertEquals("junction/auto", body.at("/data/0/id").asText());
        assertEquals("fake/echo-1", body.at("/data/1/id").asText());
        assertEquals(200, get("/v1/models/fake/echo-1").statusCode());
        assertOpenAiError(get("/v1/models/fake/nope"), 404, "model");
    }

    @Test
    void embedsWithTheLocalModel() throws Exception {
        start();
        JsonNode body = json(post("/v1/embeddings", "{\"input\":[\"a\",\"b\"],\"model\":\"fake-embed\"}"));
        assertEquals(2, body.get("data").size());
        assertEquals(3, body.at("/data/1/embedding").size());
        assertEquals("fake-embed", body.get("model").asText());
        JsonNode b64 = json(post("/v1/embeddings", "{\"input\":\"a\",\"encoding_format\":\"base64\"}"));
        assertTrue(b64.at("/data/0/embedding").isTextual());
        assertOpenAiError(post("/v1/embeddings", "{\"input\":[1,2]}"), 400, "input[0]");
    }

    @Test
    void embeddingsRefuseDimensionsTheModelCannotGive() throws Exception {
        start();
        // OpenAI's `dimensions` asks for shorter vectors; the local model has 3 and cannot shorten them: a 400, not
        // silently vectors of another length than asked.
        assertOpenAiError(post("/v1/embeddings", "{\"input\":\"a\",\"dimensions\":2}"), 400, "dimensions");
        assertOpenAiError(post("/v1/embeddings", "{\"input\":\"a\",\"dimensions\":\"2\"}"), 400, "dimensions");
        JsonNode same = json(post("/v1/embeddings", "{\"input\":\"a\",\"dimensions\":3}"));
        assertEquals(3, same.at("/data/0/embedding").size());
    }

    @Test
    void embeddingsRefuseMoreThanOpenAisInputLimit() throws Exception {
        start();
        // OpenAI takes at most 2048 inputs per request; a 4 MiB body could otherwise carry about a million of them.
        String many = "{\"input\":[" + String.join(",", java.util.Collections.nCopies(2049, "\"a\"")) + "]}";
        assertOpenAiError(post("/v1/embeddings", many), 400, "input");
        String most = "{\"input\":[" + String.join(",", java.util.Collections.nCopies(2048, "\"a\"")) + "]}";
        assertEquals(2048, json(post("/v1/embeddings", most)).get("data").size());
    }

    @Test
    void servesHealthMetricsAndAdminViews() throws Exception {
        start();
        assertEquals("ok", json(get("/healthz")).get("status").asText());
        post("/v1/chat/completions", HELLO);
        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("junction_http_requests_seconds_count{route=\"chat\",status=\"200\"}"),
                metrics.body());
        assertEquals("fake/echo-1", json(get("/admin/matrix")).at("/models/0").asText());
        assertEquals(0, json(get("/admin/cache")).get("entries").asInt());
        assertTrue(json(get("/admin/budgets")).isArray());
    }

    @Test
    void requiresAVirtualKeyWhenTenantsAreConfigured() throws Exception {
        start(new TenantAuthenticator(Map.of("jk-acme-secret-1", new Tenant("acme", 10, 0, null))), GatewayOptions.DEFAULTS);
        HttpResponse<String> missing = post("/v1/chat/completions", HELLO);
        assertOpenAiError(missing, 401, null);
        assertEquals("invalid_api_key", json(missing).at("/error/code").asText());
        HttpResponse<String> wrong = post("/v1/chat/completions", HELLO, "authorization", "Bearer jk-acme-wrong-999");
        assertOpenAiError(wrong, 401, null);
        assertFalse(wrong.body().contains("jk-acme-wrong-999"), "the key is not echoed in full");
        assertEquals(401, get("/admin/budgets").statusCode());
        HttpResponse<String> ok = post("/v1/chat/completions", HELLO, "authorization", "Bearer jk-acme-secret-1");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("acme", backend.requests.get(0).tenantId());
    }

    @Test
    void rateLimitsATenantWith429AndRetryAfter() throws Exception {
        start(new TenantAuthenticator(Map.of("k-1234567890", new Tenant("slow", 10, 1, null))), GatewayOptions.DEFAULTS);
        // Six calls at once: one per second may pass, so even if they straddle a refill most are refused. (Two calls
        // one after the other both passed on a loaded CI machine when the second came more than a second later.)
        HttpRequest call = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(HELLO)).header("content-type", "application/json")
                .header("authorization", "Bearer k-1234567890").build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(HTTP.sendAsync(call, HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = calls.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
        assertTrue(statuses.contains(200) && statuses.stream().allMatch(c -> c == 200 || c == 429), statuses.toString());
        HttpResponse<String> limited = responses.stream().filter(r -> r.statusCode() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no call was limited: " + statuses));
        assertOpenAiError(limited, 429, null);
        assertTrue(limited.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void mapsEngineFailuresToOpenAiErrorsNever500() throws Exception {
        start();
        backend.failure = r -> new BudgetExceededException("tenant:default", 0.001, 0.01);
        assertOpenAiError(post("/v1/chat/completions", HELLO), 429, null);
        backend.failure = r -> new InfeasibleIntentException(List.of(new Exclusion("fake/echo-1", Constraint.COST_CAP,
                "estimated $0.02 > cap $0.01")));
        HttpResponse<String> infeasible = post("/v1/chat/completions", HELLO);
        assertOpenAiError(infeasible, 400, "intent");
        assertTrue(infeasible.body().contains("COST_CAP"), infeasible.body());
        backend.failure = r -> new ProviderException(ErrorKind.SERVER_ERROR, "fake", "echo-1", 500, "boom");
        assertOpenAiError(post("/v1/chat/completions", HELLO), 502, null);
        backend.failure = r -> new ProviderException(ErrorKind.AUTHENTICATION, "fake", "echo-1", 401, "bad key sk-secret");
        HttpResponse<String> auth = post("/v1/chat/completions", HELLO);
        assertOpenAiError(auth, 502, null);
        assertFalse(auth.body().contains("sk-secret"), "provider error text is not relayed for auth failures");
        backend.failure = r -> new ProviderException(ErrorKind.TIMEOUT, "fake", "echo-1", 0, "slow");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"stream\":true}")), 504, null);
    }

    @Test
    void rejectsMalformedJsonWrongTypesAndUnknownRolesWith400() throws Exception {
        start();
        assertOpenAiError(post("/v1/chat/completions", "{\"model\":"), 400, null);
        assertOpenAiError(post("/v1/chat/completions", "[1,2]"), 400, null);
        assertOpenAiError(post("/v1/chat/completions", ""), 400, null);
        assertOpenAiError(post("/v1/chat/completions", "{\"model\":\"junction/auto\"}"), 400, "messages");
        assertOpenAiError(post("/v1/chat/completions", "{\"model\":7,\"messages\":[]}"), 400, "model");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("\"system\"", "\"wizard\"")), 400, "messages[0].role");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"temperature\":\"hot\"}")), 400, "temperature");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"temperature\":9}")), 400, null);
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"max_tokens\":0}")), 400, "max_tokens");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"stream\":\"yes\"}")), 400, "stream");
        assertOpenAiError(post("/v1/chat/completions", HELLO.replace("}]}", "}],\"n\":3}")), 400, "n");
        assertOpenAiError(post("/v1/chat/completions", """
                {"model":"junction/auto","messages":[{"role":"tool","content":"x"}]}"""), 400, "messages[0].tool_call_id");
        assertOpenAiError(post("/v1/chat/completions", """
                {"model":"junction/auto","messages":[{"role":"user","content":[{"type":"audio"}]}]}"""), 400,
                "messages[0].content[0].type");
        assertOpenAiError(post("/v1/chat/completions", "{\"model\":\"a\",\"model\":\"b\",\"messages\":[]}"), 400, null);
        assertEquals(0, backend.requests.size(), "nothing bad reached the engine");
    }

    @Test
    void rejectsInvalidUtf8With400() throws Exception {
        start();
        byte[] prefix = "{\"model\":\"junction/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3;
        body[prefix.length + 1] = (byte) 0x28;
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(r, 400, null);
        assertTrue(r.body().contains("UTF-8"), r.body());
    }

    @Test
    void rejectsOversizeBodiesWith413() throws Exception {
        start(new TenantAuthenticator(Map.of()), GatewayOptions.DEFAULTS.withMaxBodyBytes(4096));
        String big = HELLO.replace("hello", "x".repeat(10_000));
        HttpResponse<String> r = post("/v1/chat/completions", big);
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"error\""), r.body());
        assertEquals(200, post("/v1/chat/completions", HELLO).statusCode(), "the server stays up");
    }

    @Test
    void rejectsOversizeChunkedBodiesWith413() throws Exception {
        start(new TenantAuthenticator(Map.of()), GatewayOptions.DEFAULTS.withMaxBodyBytes(4096));
        String big = HELLO.replace("hello", "x".repeat(10_000));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
    }

    @Test
    void answersUnknownUrlsAndMethodsWithOpenAiErrors() throws Exception {
        start();
        assertOpenAiError(get("/v1/nope"), 404, null);
        assertOpenAiError(get("/v1/chat/completions"), 404, null);
    }

    @Test
    void closesTheConnectionOfAClientThatStallsMidRequest() throws Exception {
        start(new TenantAuthenticator(Map.of()), GatewayOptions.DEFAULTS.withReadTimeout(Duration.ofMillis(500)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 500\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] rest = in.readAllBytes();
            // Closed by the server (possibly after a 400): the read ends instead of hanging.
            assertTrue(rest.length == 0 || new String(rest, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 4"),
                    new String(rest, StandardCharsets.US_ASCII));
        }
        assertEquals(0, backend.requests.size());
        assertEquals(200, post("/v1/chat/completions", HELLO).statusCode(), "the server stays up");
    }

    @Test
    void closesTheConnectionOfAClientThatStallsInItsRequestLine() throws Exception {
        start(new TenantAuthenticator(Map.of()), GatewayOptions.DEFAULTS.withReadTimeout(Duration.ofMillis(500)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("POST /v1/chat/compl".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals(-1, s.getInputStream().read(), "the server closed the connection");
        }
        assertEquals(200, post("/v1/chat/completions", HELLO).statusCode(), "the server stays up");
    }

    @Test
    void closesTheConnectionOfAClientThatStallsInItsHeaders() throws Exception {
        start(new TenantAuthenticator(Map.of()), GatewayOptions.DEFAULTS.withReadTimeout(Duration.ofSeconds(1)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            // Generous, so a server that never closes fails this test instead of hanging it.
            s.setSoTimeout(15_000);
            s.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] rest = s.getInputStream().readAllBytes();
            assertTrue(rest.length == 0 || new String(rest, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 4"),
                    new String(rest, StandardCharsets.US_ASCII));
        }
        assertEquals(0, backend.requests.size());
        assertEquals(200, post("/v1/chat/completions", HELLO).statusCode(), "the server stays up");
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void keepAliveRequestsOutliveTheHeaderDeadline() throws Exception {
        start(new TenantAuthenticator(Map.of()), GatewayOptions.DEFAULTS.withReadTimeout(Duration.ofMillis(1_500)));
        // Several requests on one kept-alive connection, spread over more than the deadline: each request's
        // header watchdog is disarmed once its headers arrive, so none cuts a later request or the connection.
        // The read timeout is also Helidon's idle timeout, which it measures on a clock that ticks once a second
        // (DateTime.timestamp): a gap between requests can read as a whole second, so each gap stays short of the
        // timeout by more than a tick, and five requests 400 ms apart span more than the 1.5 s deadline.
        String req = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + HELLO.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + HELLO;
        int requests = 5;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            for (int i = 0; i < requests; i++) {
                s.getOutputStream().write(req.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                assertTrue(readResponse(in).startsWith("HTTP/1.1 200"), "request " + i);
                Thread.sleep(400);
            }
        }
        assertEquals(requests, backend.requests.size());
    }

    /** Reads one response with a content-length body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return head.toString();
    }

    @Test
    void cancelsTheUpstreamStreamWhenTheClientGoesAway() throws Exception {
        start();
        backend.endlessStream = true;
        String body = "{\"model\":\"junction/auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] some = new byte[4096];
            int n = s.getInputStream().read(some);
            assertTrue(n > 0);
            s.setSoLinger(true, 0);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backend.streamsCancelled.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, backend.streamsCancelled.get(), "the engine's stream was cancelled");
        backend.endlessStream = false;
        assertEquals(200, post("/v1/chat/completions", HELLO).statusCode(), "the server stays up");
    }

    @Test
    void parsesImagePartsAndDataUrls() throws Exception {
        start();
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model":"junction/auto","messages":[{"role":"user","content":[{"type":"text","text":"what is it?"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]}]}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(backend.requests.get(0).messages().get(0).hasImage());
        assertNull(backend.requests.get(0).toolChoice());
    }
}
