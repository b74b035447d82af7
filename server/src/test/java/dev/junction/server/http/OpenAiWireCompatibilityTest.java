package dev.junction.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.engine.DispatchFailedException;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What OpenAI clients rely on beyond the basics in {@link GatewayServerTest}: chunk shapes, model retrieval, fields
 * the gateway cannot honour, and a streaming client that stops reading.
 */
@Timeout(60)
class OpenAiWireCompatibilityTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final FakeBackend backend = new FakeBackend();
    private GatewayServer server;

    private void start(GatewayOptions options) {
        server = new GatewayServer(backend, new TenantAuthenticator(Map.of()), options,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC()).start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> chunks(String sse) throws Exception {
        List<String> data = sse.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertEquals("[DONE]", data.get(data.size() - 1), sse);
        List<JsonNode> chunks = new java.util.ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            chunks.add(OpenAiRequestParser.MAPPER.readTree(d));
        }
        return chunks;
    }

    @Test
    void withoutIncludeUsageEveryChunkHasAChoiceAndTheFinishChunkCarriesTheDecision() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        HttpResponse<String> r = post("""
                {"model":"junction/auto","stream":true,"messages":[{"role":"user","content":"hello"}]}""");
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> chunks = chunks(r.body());
        for (JsonNode chunk : chunks) {
            // What `chunk.choices[0].delta.content`, the SDKs' streaming idiom, needs.
            assertFalse(chunk.get("choices").isEmpty(), "a chunk without a choice though include_usage was not set: " + chunk);
        }
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText(), last.toString());
        assertEquals("req-1", last.at("/junction/request_id").asText(), last.toString());
    }

    @Test
    void withIncludeUsageTheUsageChunkComesAfterTheFinishChunk() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        HttpResponse<String> r = post("""
                {"model":"junction/auto","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hello"}]}""");
        List<JsonNode> chunks = chunks(r.body());
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertTrue(usage.get("choices").isEmpty(), usage.toString());
        assertTrue(usage.at("/usage/total_tokens").asInt() > 0, usage.toString());
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertEquals("stop", finish.at("/choices/0/finish_reason").asText(), finish.toString());
        assertFalse(finish.path("junction").isMissingNode(), finish.toString());
    }

    @Test
    void retrievingAModelAnswersThatModelObject() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        HttpResponse<String> r = get("/v1/models/fake/echo-1");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = OpenAiRequestParser.MAPPER.readTree(r.body());
        assertEquals("model", body.path("object").asText(), r.body());
        assertEquals("fake/echo-1", body.path("id").asText(), r.body());
    }

    @Test
    void theListedJunctionAutoModelCanBeRetrieved() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        JsonNode list = OpenAiRequestParser.MAPPER.readTree(get("/v1/models").body());
        assertEquals("junction/auto", list.at("/data/0/id").asText());
        HttpResponse<String> r = get("/v1/models/junction/auto");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("junction/auto", OpenAiRequestParser.MAPPER.readTree(r.body()).path("id").asText(), r.body());
    }

    @Test
    void upstreamAuthenticationTextIsNotRelayedWhenTheEngineWrapsIt() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        ProviderException auth = new ProviderException(ErrorKind.AUTHENTICATION, "fake", "echo-1", 401,
                "fake/echo-1: HTTP 401: Incorrect API key provided: sk-live-ABCDEF123456");
        // What Engine.dispatchFailed builds: "all attempts failed; last: " + the provider's message.
        backend.failure = req -> new DispatchFailedException("all attempts failed; last: " + auth.getMessage(),
                FakeBackend.decision(), auth);
        HttpResponse<String> r = post("""
                {"model":"junction/auto","messages":[{"role":"user","content":"hello"}]}""");
        assertEquals(502, r.statusCode(), r.body());
        assertFalse(r.body().contains("Incorrect API key"), "the provider's 401 text reached the client: " + r.body());
    }

    @Test
    void aPinnedModelWithAllowModelsIsRefusedNotReplaced() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        HttpResponse<String> r = post("""
                {"model":"fake/echo-1","messages":[{"role":"user","content":"hello"}]}""",
                "x-junction-allow-models", "other/expensive-model");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("model", OpenAiRequestParser.MAPPER.readTree(r.body()).at("/error/param").asText(), r.body());
        assertTrue(backend.intents.isEmpty(), "nothing was dispatched");
    }

    @Test
    void logprobsAreRefusedRatherThanSilentlyDropped() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        HttpResponse<String> r = post("""
                {"model":"junction/auto","logprobs":true,"top_logprobs":3,"messages":[{"role":"user","content":"hello"}]}""");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("logprobs", OpenAiRequestParser.MAPPER.readTree(r.body()).at("/error/param").asText(), r.body());
        // Asking for none is fine.
        HttpResponse<String> none = post("""
                {"model":"junction/auto","logprobs":false,"top_logprobs":0,"messages":[{"role":"user","content":"hello"}]}""");
        assertEquals(200, none.statusCode(), none.body());
    }

    @Test
    void anInvalidMaxCompletionTokensNamesTheParameterSent() throws Exception {
        start(GatewayOptions.DEFAULTS.withPort(0));
        HttpResponse<String> r = post("""
                {"model":"junction/auto","max_completion_tokens":0,"messages":[{"role":"user","content":"hello"}]}""");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("max_completion_tokens", OpenAiRequestParser.MAPPER.readTree(r.body()).at("/error/param").asText(),
                r.body());
    }

    /**
     * A streaming client that keeps its connection open but stops reading must not hold the upstream stream (its
     * provider connection, budget hold and thread) for ever: the write deadline is the read timeout.
     */
    @Test
    void aStreamingClientThatStopsReadingLetsGoOfTheUpstream() throws Exception {
        backend.endlessStream = true;
        start(new GatewayOptions("127.0.0.1", 0, GatewayOptions.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            String body = "{\"model\":\"junction/auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // Never read; wait far longer than every timeout configured above.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (backend.streamsCancelled.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(1, backend.streamsCancelled.get(),
                    "the upstream stream is still open 20 s after the client stopped reading (read timeout 1 s)");
        }
    }
}
