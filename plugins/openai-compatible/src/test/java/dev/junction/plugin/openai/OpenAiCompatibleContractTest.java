package dev.junction.plugin.openai;

import dev.junction.plugin.testkit.CollectingSubscriber;
import dev.junction.plugin.testkit.ProviderPluginContract;
import dev.junction.plugin.testkit.RecordedRequest;
import dev.junction.plugin.testkit.ScriptedResponse;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ProviderPreset;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Secret;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The openai-compatible plugin against the test kit, plus what only this protocol has. */
class OpenAiCompatibleContractTest extends ProviderPluginContract {

    @Override
    protected ProviderPlugin plugin() {
        return new OpenAiCompatiblePlugin();
    }

    @Override
    protected String fixtureRoot() {
        return "/fixtures/openai";
    }

    @Override
    protected ProviderConfig config(URI baseUri, Secret apiKey, Map<String, String> options) {
        return new ProviderConfig("openai", OpenAiCompatiblePlugin.ID, baseUri.resolve("/v1"), apiKey, Map.of(), null, options);
    }

    @Override
    protected String expectedPath(String model, boolean stream) {
        return "/v1/chat/completions";
    }

    @Override
    protected void assertAuthenticated(RecordedRequest request, String apiKey) {
        assertEquals("Bearer " + apiKey, request.header("authorization"));
    }

    @Test
    void shipsPresetsForTheCompatibleProviders() {
        Map<String, ProviderPreset> presets = plugin().presets().stream()
                .collect(Collectors.toMap(ProviderPreset::providerId, p -> p));
        assertEquals(Set.of("openai", "deepseek", "mistral", "qwen", "groq", "together", "openrouter", "xai", "fireworks",
                        "moonshot", "cohere", "vllm", "ollama"),
                presets.keySet());
        assertEquals("OPENAI_API_KEY", presets.get("openai").apiKeyEnv());
        assertEquals("DASHSCOPE_API_KEY", presets.get("qwen").apiKeyEnv());
        assertNull(presets.get("ollama").apiKeyEnv(), "local servers need no key");
        assertNull(presets.get("vllm").apiKeyEnv(), "local servers need no key");
        assertEquals("max_completion_tokens", presets.get("openai").options().get(OpenAiCompatiblePlugin.OPTION_MAX_TOKENS_FIELD));
        assertEquals("max_tokens", presets.get("deepseek").options().get(OpenAiCompatiblePlugin.OPTION_MAX_TOKENS_FIELD));
        presets.values().forEach(p -> assertTrue(p.baseUrl().getPath().endsWith("/v1"), p.providerId() + " " + p.baseUrl()));
    }

    @Test
    void sendsMaxCompletionTokensByDefaultAndMaxTokensWhenConfigured() throws Exception {
        respondJson(200, "plain.response.json");
        client.complete(plainRequest().withMaxOutputTokens(256), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        RecordedRequest r = server.takeRequest();
        assertEquals(256, r.bodyJson().get("max_completion_tokens").asInt());
        assertFalse(r.bodyJson().has("max_tokens"));

        client.close();
        client = plugin().create(config(server.baseUri(), new Secret(API_KEY), Map.of(OpenAiCompatiblePlugin.OPTION_MAX_TOKENS_FIELD, "max_tokens")));
        respondJson(200, "plain.response.json");
        client.complete(plainRequest().withMaxOutputTokens(256), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        RecordedRequest r2 = server.takeRequest();
        assertEquals(256, r2.bodyJson().get("max_tokens").asInt());
        assertFalse(r2.bodyJson().has("max_completion_tokens"));
    }

    @Test
    void localServersNeedNoKey() throws Exception {
        client.close();
        client = plugin().create(new ProviderConfig("ollama", OpenAiCompatiblePlugin.ID, server.baseUri().resolve("/v1"), null,
                Map.of(), null, Map.of()));
        respondJson(200, "plain.response.json");
        client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertNull(server.takeRequest().header("authorization"));
    }

    @Test
    void readsReasoningAndCachedTokens() throws Exception {
        server.enqueue(ScriptedResponse.json(200, fixtures.text("plain.response.json")
                .replace("\"cached_tokens\": 0", "\"cached_tokens\": 8")
                .replace("\"reasoning_tokens\": 0", "\"reasoning_tokens\": 5")));
        ChatResponse r = client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(8, r.usage().cachedInputTokens());
        assertEquals(5, r.usage().reasoningTokens());
        assertEquals("gpt-4.1-2025-04-14", r.modelVersion());
    }

    @Test
    void streamWithoutUsageOptionWhenTheServerRejectsIt() throws Exception {
        client.close();
        client = plugin().create(config(server.baseUri(), new Secret(API_KEY), Map.of(OpenAiCompatiblePlugin.OPTION_STREAM_USAGE, "false")));
        server.enqueue(ScriptedResponse.sse(fixtures.events("stream.sse")));
        stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        RecordedRequest r = server.takeRequest();
        assertTrue(r.bodyJson().get("stream").asBoolean());
        assertFalse(r.bodyJson().has("stream_options"));
    }

    @Test
    void refusesAStrictSchemaThatOpenAiRejects() {
        ChatRequest r = plainRequest().withResponseFormat(ResponseFormat.jsonSchema("loose",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"));
        ProviderException e = assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor()));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("additionalProperties"), e.getMessage());
    }

    @Test
    void refusesARootSchemaThatIsNotAnObject() {
        ChatRequest r = plainRequest().withResponseFormat(ResponseFormat.jsonSchema("list", "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"));
        assertEquals(ErrorKind.UNSUPPORTED, assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor())).kind());
    }

    @Test
    void errorInsideTheStreamEndsItWithAnError() throws Exception {
        List<String> events = List.of(fixtures.events("stream.sse").get(0),
                "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}\n\n");
        server.enqueue(ScriptedResponse.sse(events));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        StreamEvent.Error e = (StreamEvent.Error) s.last();
        assertEquals(ErrorKind.SERVER_ERROR, e.error().kind());
    }

    private static final String CHUNK = "data: {\"id\": \"chatcmpl-C1refusal\", \"object\": \"chat.completion.chunk\", "
            + "\"created\": 1741570283, \"model\": \"gpt-4o-2024-08-06\", \"system_fingerprint\": \"fp_f9f4fb6dbf\", "
            + "\"choices\": [%s], \"usage\": %s}\n\n";

    @Test
    void streamedRefusalIsReportedLikeTheNonStreamedOne() throws Exception {
        // Structured-outputs refusal, streamed: the text arrives in delta.refusal, content stays null.
        List<String> events = List.of(
                CHUNK.formatted("{\"index\": 0, \"delta\": {\"role\": \"assistant\", \"content\": null, \"refusal\": \"\"}, \"logprobs\": null, \"finish_reason\": null}", "null"),
                CHUNK.formatted("{\"index\": 0, \"delta\": {\"refusal\": \"I'm sorry, I can't\"}, \"logprobs\": null, \"finish_reason\": null}", "null"),
                CHUNK.formatted("{\"index\": 0, \"delta\": {\"refusal\": \" assist with that request.\"}, \"logprobs\": null, \"finish_reason\": null}", "null"),
                CHUNK.formatted("{\"index\": 0, \"delta\": {}, \"logprobs\": null, \"finish_reason\": \"stop\"}", "null"),
                CHUNK.formatted("", "{\"prompt_tokens\": 40, \"completion_tokens\": 10, \"total_tokens\": 50}"),
                "data: [DONE]\n\n");
        server.enqueue(ScriptedResponse.sse(events));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);

        // The same answer, not streamed, is a CONTENT_FILTERED failure (OpenAiCodec.decode reads message.refusal).
        server.enqueue(ScriptedResponse.json(200, "{\"id\": \"chatcmpl-C1refusal\", \"object\": \"chat.completion\", "
                + "\"created\": 1741570283, \"model\": \"gpt-4o-2024-08-06\", \"choices\": [{\"index\": 0, \"message\": "
                + "{\"role\": \"assistant\", \"content\": null, \"refusal\": \"I'm sorry, I can't assist with that request.\"}, "
                + "\"logprobs\": null, \"finish_reason\": \"stop\"}], \"usage\": {\"prompt_tokens\": 40, \"completion_tokens\": 10, \"total_tokens\": 50}}"));
        assertEquals(ErrorKind.CONTENT_FILTERED, completeFails(plainRequest(), options()).kind());

        StreamEvent.Error e = assertInstanceOf(StreamEvent.Error.class, s.last(),
                "the stream ended " + s.last() + " with text '" + s.text() + "'");
        assertEquals(ErrorKind.CONTENT_FILTERED, e.error().kind());
    }

    @Test
    void parallelToolCallsThatReuseIndexZeroStayDistinct() throws Exception {
        // Ollama's /v1 stream: each parallel call arrives whole, with its own id, but every one says index 0
        // (ollama/ollama#15457, #15497).
        String head = "data: {\"id\":\"chatcmpl-271\",\"object\":\"chat.completion.chunk\",\"created\":1744200000,"
                + "\"model\":\"qwen2.5-coder:7b\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":";
        List<String> events = List.of(
                head + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_k3q9x1ab\",\"index\":0,\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
                head + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_m7z2p4cd\",\"index\":0,\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"London\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
                head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"tool_calls\"}],"
                        + "\"usage\":{\"prompt_tokens\":180,\"completion_tokens\":40,\"total_tokens\":220}}\n\n",
                "data: [DONE]\n\n");
        server.enqueue(ScriptedResponse.sse(events));
        CollectingSubscriber s = stream(toolRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        List<ToolCall> calls = assembleToolCalls(s.events());
        assertEquals(2, calls.size(), "two calls, got " + calls);
        assertEquals("{\"location\":\"Paris\"}", calls.get(0).argumentsJson());
        assertEquals("{\"location\":\"London\"}", calls.get(1).argumentsJson());
    }

    @Test
    void chunkFieldsAreReadWhateverTheirOrder() throws Exception {
        // Azure OpenAI serializes chunk members in alphabetical order: choices comes before id and model.
        List<String> events = List.of(
                "data: {\"choices\":[{\"delta\":{\"content\":\"\",\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],"
                        + "\"created\":1741570283,\"id\":\"chatcmpl-AzUrE\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_b705f0c291\"}\n\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\"Hello!\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],"
                        + "\"created\":1741570283,\"id\":\"chatcmpl-AzUrE\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_b705f0c291\"}\n\n",
                "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"index\":0,\"logprobs\":null}],"
                        + "\"created\":1741570283,\"id\":\"chatcmpl-AzUrE\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_b705f0c291\"}\n\n",
                "data: [DONE]\n\n");
        server.enqueue(ScriptedResponse.sse(events));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        StreamEvent.Start start = assertInstanceOf(StreamEvent.Start.class, s.events().get(0));
        assertEquals("chatcmpl-AzUrE", start.id());
        assertEquals("gpt-4o-2024-11-20", start.modelVersion());
    }

    // Mistral's reasoning models (Magistral) answer content as a list of chunks: thinking chunks (hidden reasoning)
    // and text chunks (the answer), in the message and in each stream delta.
    private static final String MAGISTRAL_CHUNK = "data: {\"id\":\"5f3c2a1e\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1750000000,\"model\":\"magistral-medium-2507\",\"choices\":[{\"index\":0,\"delta\":%s,"
            + "\"finish_reason\":%s}]%s}\n\n";

    @Test
    void readsContentGivenAsAListOfChunks() throws Exception {
        server.enqueue(ScriptedResponse.json(200, "{\"id\":\"5f3c2a1e\",\"object\":\"chat.completion\",\"created\":1750000000,"
                + "\"model\":\"magistral-medium-2507\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"tool_calls\":null,\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\","
                + "\"text\":\"The user greets me.\"}]},{\"type\":\"text\",\"text\":\"Hello! \"},"
                + "{\"type\":\"text\",\"text\":\"How can I help you today?\"}]},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"total_tokens\":21,\"completion_tokens\":9}}"));
        ChatResponse r = client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(PLAIN_TEXT, r.text());
    }

    @Test
    void streamsContentGivenAsAListOfChunks() throws Exception {
        List<String> events = List.of(
                MAGISTRAL_CHUNK.formatted("{\"role\":\"assistant\",\"content\":\"\"}", "null", ""),
                MAGISTRAL_CHUNK.formatted("{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\","
                        + "\"text\":\"The user greets me.\"}]}]}", "null", ""),
                MAGISTRAL_CHUNK.formatted("{\"content\":[{\"type\":\"text\",\"text\":\"Hello! \"}]}", "null", ""),
                MAGISTRAL_CHUNK.formatted("{\"content\":[{\"type\":\"text\",\"text\":\"How can I help you today?\"}]}",
                        "\"stop\"", ",\"usage\":{\"prompt_tokens\":12,\"total_tokens\":21,\"completion_tokens\":9}"),
                "data: [DONE]\n\n");
        server.enqueue(ScriptedResponse.sse(events));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(PLAIN_TEXT, s.text());
        assertEquals(new StreamEvent.Finish(dev.junction.spi.FinishReason.STOP), s.last());
    }

    @Test
    void contentThatIsNeitherTextNorChunksIsMalformed() throws Exception {
        server.enqueue(ScriptedResponse.json(200, fixtures.text("plain.response.json")
                .replace("\"content\": \"Hello! How can I help you today?\"", "\"content\": {\"text\": \"Hello!\"}")));
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.SERVER_ERROR, e.kind(), e.getMessage());
    }
}
