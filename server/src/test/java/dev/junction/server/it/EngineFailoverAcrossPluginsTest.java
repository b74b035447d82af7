package dev.junction.server.it;

import dev.junction.engine.Attempt;
import dev.junction.engine.Intent;
import dev.junction.engine.Junction;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.JunctionStream;
import dev.junction.engine.Objective;
import dev.junction.engine.RetryConfig;
import dev.junction.engine.RouteDecision;
import dev.junction.plugin.testkit.CollectingSubscriber;
import dev.junction.plugin.testkit.LoopbackProviderServer;
import dev.junction.plugin.testkit.RecordedRequest;
import dev.junction.plugin.testkit.ScriptedResponse;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.Secret;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.TaskCategory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine failing over between real provider plugins, each talking HTTP to its own loopback server that speaks
 * that provider's protocol: openai-compatible first (cheapest), then anthropic, then gemini.
 *
 * <p>The plugins are found by {@link java.util.ServiceLoader} from their {@code ProviderConfig}s, as in production.
 */
class EngineFailoverAcrossPluginsTest {
    private static final Duration AWAIT = Duration.ofSeconds(20);
    private static final String KEY = "sk-it-3b9f0e1d-SECRET";

    private static final String OPENAI_ANSWER = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"acme-small-2025",
             "choices":[{"index":0,"message":{"role":"assistant","content":"From OpenAI-compatible."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}""";
    private static final String ANTHROPIC_ANSWER = """
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-test-2025",
             "content":[{"type":"text","text":"From Anthropic."}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":5,"output_tokens":3}}""";
    private static final String GEMINI_ANSWER = """
            {"candidates":[{"content":{"parts":[{"text":"From Gemini."}],"role":"model"},"finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},
             "modelVersion":"gemini-test-001","responseId":"r1"}""";
    private static final List<String> ANTHROPIC_STREAM = List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-test-2025\",\"stop_reason\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Streamed \"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"by Anthropic.\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":4}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    private static final List<String> GEMINI_STREAM = List.of(
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Streamed \"}],\"role\":\"model\"},\"index\":0}],\"modelVersion\":\"gemini-test-001\",\"responseId\":\"r2\"}\r\n\r\n",
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"by Gemini.\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":4,\"totalTokenCount\":9},\"modelVersion\":\"gemini-test-001\",\"responseId\":\"r2\"}\r\n\r\n");
    private static final List<String> OPENAI_STREAM_HEAD = List.of(
            "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"model\":\"acme-small-2025\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");

    private LoopbackProviderServer openai;
    private LoopbackProviderServer anthropic;
    private LoopbackProviderServer gemini;
    private Junction junction;

    @BeforeEach
    void start() {
        openai = LoopbackProviderServer.start();
        anthropic = LoopbackProviderServer.start();
        gemini = LoopbackProviderServer.start();
        Set<Capability> caps = EnumSet.of(Capability.STREAMING, Capability.TOOLS);
        junction = Junction.builder()
                .provider(new ProviderConfig("acme", "openai-compatible", openai.baseUri().resolve("/v1"), new Secret(KEY),
                        Map.of(), null, Map.of("idempotency-header", "Idempotency-Key")))
                .provider(ProviderConfig.of("claude-backup", "anthropic", anthropic.baseUri(), new Secret(KEY)))
                .provider(ProviderConfig.of("gemini-backup", "gemini", gemini.baseUri().resolve("/v1beta"), new Secret(KEY)))
                .models(model("acme", "acme-small", 0.10, 0.40, caps),
                        model("claude-backup", "claude-test", 1.00, 5.00, caps),
                        model("gemini-backup", "gemini-test", 2.00, 8.00, caps))
                .embedder(null)
                .cacheStore(null)
                .qualityPredictor(new FixedQuality())
                .retry(RetryConfig.custom().maxAttemptsPerCandidate(1).initialBackoff(Duration.ZERO)
                        .maxBackoff(Duration.ZERO).maxRetryAfter(Duration.ZERO).build())
                .catalogRefreshInterval(Duration.ZERO)
                .build();
    }

    @AfterEach
    void stop() {
        junction.close();
        openai.close();
        anthropic.close();
        gemini.close();
    }

    private static ModelDescriptor model(String provider, String model, double in, double out, Set<Capability> caps) {
        return new ModelDescriptor(provider, model, 128_000, 8_192, new Prices(in, out, in / 10), caps, Set.of("us"),
                DataRetention.STANDARD, Map.of(TaskCategory.GENERAL, 0.8));
    }

    private static Intent cheapest() {
        return Intent.builder().objective(Objective.CHEAPEST).latencyBudget(Duration.ofSeconds(15)).build();
    }

    @Test
    void failsOverFromOpenAiCompatibleToAnthropicOn429() throws Exception {
        openai.enqueue(ScriptedResponse.json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")
                .header("retry-after", "20"));
        anthropic.enqueue(ScriptedResponse.json(200, ANTHROPIC_ANSWER));

        JunctionResponse r = junction.complete(ChatRequest.ofUser("Hello!"), cheapest());

        assertEquals("From Anthropic.", r.response().text());
        assertEquals("claude-backup", r.response().provider());
        assertEquals("claude-test-2025", r.response().modelVersion());
        List<Attempt> attempts = r.decision().attempts();
        assertEquals(2, attempts.size(), attempts.toString());
        assertEquals("acme/acme-small", attempts.get(0).modelId());
        assertEquals(ErrorKind.RATE_LIMITED, attempts.get(0).error());
        assertEquals(Attempt.Outcome.SUCCEEDED, attempts.get(1).outcome());
        assertEquals("claude-backup/claude-test", attempts.get(1).modelId());
        attempts.forEach(a -> assertTrue(a.message() == null || !a.message().contains(KEY), "key leaked: " + a.message()));

        RecordedRequest first = openai.takeRequest();
        assertEquals("/v1/chat/completions", first.path());
        assertEquals(r.decision().requestId(), first.header("idempotency-key"), "one idempotency key per logical request");
        RecordedRequest second = anthropic.takeRequest();
        assertEquals("/v1/messages", second.path());
        assertEquals("claude-test", second.bodyJson().get("model").asText());
        assertEquals(0, gemini.requestCount());
    }

    @Test
    void failsOverAcrossAllThreePluginsOnServerErrorsAndOverload() throws Exception {
        openai.enqueue(ScriptedResponse.json(503, "{\"error\":{\"message\":\"The engine is currently overloaded\",\"type\":\"server_error\"}}"));
        anthropic.enqueue(ScriptedResponse.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        gemini.enqueue(ScriptedResponse.json(200, GEMINI_ANSWER));

        JunctionResponse r = junction.complete(ChatRequest.ofUser("Hello!"), cheapest());

        assertEquals("From Gemini.", r.response().text());
        assertEquals("gemini-backup", r.response().provider());
        List<Attempt> attempts = r.decision().attempts();
        assertEquals(List.of(ErrorKind.OVERLOADED, ErrorKind.OVERLOADED), attempts.subList(0, 2).stream().map(Attempt::error).toList());
        assertEquals("/v1beta/models/gemini-test:generateContent", gemini.takeRequest().path());
    }

    @Test
    void usesTheFirstChoiceWhenItAnswers() throws Exception {
        openai.enqueue(ScriptedResponse.json(200, OPENAI_ANSWER));
        JunctionResponse r = junction.complete(ChatRequest.ofUser("Hello!"), cheapest());
        assertEquals("From OpenAI-compatible.", r.response().text());
        assertEquals(1, r.decision().attempts().size());
        assertEquals(0, anthropic.requestCount() + gemini.requestCount());
    }

    @Test
    void streamFailsOverBeforeTheFirstTokenFromA500() throws Exception {
        openai.enqueue(ScriptedResponse.json(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"));
        anthropic.enqueue(ScriptedResponse.sse(ANTHROPIC_STREAM));

        JunctionStream stream = junction.stream(ChatRequest.ofUser("Hello!"), cheapest());
        CollectingSubscriber s = new CollectingSubscriber(8, -1);
        stream.events().subscribe(s);
        s.awaitDone(AWAIT);

        assertEquals("Streamed by Anthropic.", s.text());
        assertEquals(new StreamEvent.Finish(FinishReason.STOP), s.last());
        RouteDecision d = stream.decision().get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("claude-backup/claude-test", d.chosen().model().id());
        assertEquals(ErrorKind.SERVER_ERROR, d.attempts().get(0).error());
        assertTrue(anthropic.takeRequest().bodyJson().get("stream").asBoolean());
    }

    @Test
    void streamFailsOverWhenTheFirstStreamIsCutBeforeAnyToken() throws Exception {
        openai.enqueue(ScriptedResponse.sse(OPENAI_STREAM_HEAD).cutAfter(1));
        anthropic.enqueue(ScriptedResponse.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        gemini.enqueue(ScriptedResponse.sse(GEMINI_STREAM));

        JunctionStream stream = junction.stream(ChatRequest.ofUser("Hello!"), cheapest());
        CollectingSubscriber s = CollectingSubscriber.all();
        stream.events().subscribe(s);
        s.awaitDone(AWAIT);

        assertEquals("Streamed by Gemini.", s.text());
        assertInstanceOf(StreamEvent.Finish.class, s.last());
        RouteDecision d = stream.decision().get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(List.of(ErrorKind.NETWORK, ErrorKind.OVERLOADED),
                d.attempts().subList(0, 2).stream().map(Attempt::error).toList());
        assertTrue(gemini.takeRequest().target().endsWith(":streamGenerateContent?alt=sse"));
    }

    /** Every model is equally good: the objective alone orders the chain. */
    private static final class FixedQuality implements QualityPredictor {
        @Override
        public String embedderId() {
            return null;
        }

        @Override
        public PromptAssessment assess(ChatRequest request, float[] embedding) {
            return new PromptAssessment(TaskCategory.GENERAL, 0.3, 10, embedding);
        }

        @Override
        public double predict(PromptAssessment prompt, ModelDescriptor model) {
            return 0.8;
        }
    }
}
