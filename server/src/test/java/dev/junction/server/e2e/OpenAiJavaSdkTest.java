package dev.junction.server.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The official OpenAI Java SDK against the gateway, through the real engine and plugin to a loopback upstream. */
class OpenAiJavaSdkTest {

    @TempDir
    static Path dataDir;

    private static LoopbackGateway gateway;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gateway = new LoopbackGateway(dataDir, false);
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(LoopbackGateway.KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void plainCompletion() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("junction/auto").addSystemMessage("Be brief.")
                        .addUserMessage("What is the capital of France?").build());
        assertEquals(List.of("upstream"), raw.headers().values("x-junction-provider"));
        ChatCompletion c = raw.parse();
        String text = c.choices().get(0).message().content().orElseThrow();
        assertTrue(text.startsWith("SIMULATED answer from up-"), text);
        assertTrue(c.model().startsWith("upstream/"), c.model());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertTrue(c.usage().orElseThrow().totalTokens() > 0);
    }

    @Test
    void pinnedModel() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("upstream/up-large").addUserMessage("hello").build());
        assertTrue(c.choices().get(0).message().content().orElseThrow().startsWith("SIMULATED answer from up-large"));
    }

    @Test
    void streamingCompletion() {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        long[] usage = {0};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("junction/auto").addUserMessage("Tell me a story.")
                        .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                                .includeUsage(true).build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    choice.delta().content().ifPresent(text::append);
                    choice.finishReason().ifPresent(finishes::add);
                }
                chunk.usage().ifPresent(u -> usage[0] = u.totalTokens());
            });
        }
        assertTrue(text.toString().startsWith("SIMULATED answer from up-"), text.toString());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), finishes);
        assertTrue(usage[0] > 0, "usage chunk arrived");
    }

    @Test
    void toolCallRoundTrip() {
        FunctionDefinition weather = FunctionDefinition.builder().name("get_weather").description("Current weather")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("junction/auto")
                .addUserMessage("What is the weather in Paris?").addFunctionTool(weather).build();
        ChatCompletion c = client.chat().completions().create(first);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
        ChatCompletionMessageToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0);
        assertEquals("get_weather", call.asFunction().function().name());
        assertEquals("{\"city\":\"Paris\"}", call.asFunction().function().arguments());

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(c.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.asFunction().id())
                        .content("sunny, 21 C").build())
                .build());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());

        StringBuilder args = new StringBuilder();
        String[] name = {null};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().toolCalls().ifPresent(calls ->
                    calls.forEach(tc -> tc.function().ifPresent(f -> {
                        f.name().ifPresent(n -> name[0] = n);
                        f.arguments().ifPresent(args::append);
                    })))));
        }
        assertEquals("get_weather", name[0]);
        assertEquals("{\"city\":\"Paris\"}", args.toString());
    }

    @Test
    void wrongKeyIsUnauthorized() {
        OpenAIClient bad = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("jk-wrong-key-xyz")
                .maxRetries(0).build();
        try {
            UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> bad.chat().completions().create(
                    ChatCompletionCreateParams.builder().model("junction/auto").addUserMessage("hi").build()));
            assertEquals(401, e.statusCode());
        } finally {
            bad.close();
        }
    }

    @Test
    void embedsWithTheLocalOnnxModel() {
        assumeTrue(gateway.backend.embedder().isPresent(), "no local embedding model on the class path");
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(gateway.backend.embedder().orElseThrow().modelId()).input("What is the capital of France?").build());
        List<Float> v = r.data().get(0).embedding();
        assertEquals(gateway.backend.embedder().orElseThrow().dimensions(), v.size());
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        assertEquals(1.0, norm, 1e-3, "L2-normalized");
    }

    @Test
    void adminViewsShowTheLiveEngine() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String view : List.of("/admin/matrix", "/admin/cache", "/admin/budgets", "/metrics")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl().replace("/v1", "") + view))
                    .header("authorization", "Bearer " + LoopbackGateway.KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), view + ": " + r.body());
        }
        HttpResponse<String> matrix = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl().replace("/v1", "")
                + "/admin/matrix")).header("authorization", "Bearer " + LoopbackGateway.KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(matrix.body().contains("upstream/up-small") && matrix.body().contains("provider_circuit"), matrix.body());
    }

    @Test
    void listsModelsWithJunctionAuto() {
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(m -> ids.add(m.id()));
        assertEquals(List.of("junction/auto", "upstream/up-large", "upstream/up-small"), ids);
    }
}
