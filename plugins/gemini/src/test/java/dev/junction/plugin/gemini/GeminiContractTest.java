package dev.junction.plugin.gemini;

import dev.junction.plugin.testkit.CollectingSubscriber;
import dev.junction.plugin.testkit.ProviderPluginContract;
import dev.junction.plugin.testkit.RecordedRequest;
import dev.junction.plugin.testkit.ScriptedResponse;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ContentPart;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.Message;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Secret;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.Usage;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gemini plugin against the test kit, plus what only the Gemini API has. */
class GeminiContractTest extends ProviderPluginContract {

    @Override
    protected ProviderPlugin plugin() {
        return new GeminiPlugin();
    }

    @Override
    protected String fixtureRoot() {
        return "/fixtures/gemini";
    }

    @Override
    protected ProviderConfig config(URI baseUri, Secret apiKey, Map<String, String> options) {
        return new ProviderConfig("gemini", GeminiPlugin.ID, baseUri.resolve("/v1beta"), apiKey, Map.of(), null, options);
    }

    @Override
    protected String expectedPath(String model, boolean stream) {
        return "/v1beta/models/" + model + (stream ? ":streamGenerateContent" : ":generateContent");
    }

    @Override
    protected void assertAuthenticated(RecordedRequest request, String apiKey) {
        assertEquals(apiKey, request.header("x-goog-api-key"));
        assertTrue(!request.target().contains(apiKey), "the key is never in the URL");
        if (request.path().endsWith(":streamGenerateContent")) {
            assertTrue(request.target().endsWith("?alt=sse"), request.target());
        }
    }

    @Test
    void readsThinkingAndCachedTokens() throws Exception {
        server.enqueue(ScriptedResponse.json(200, fixtures.text("plain.response.json").replace("\"totalTokenCount\": 21",
                "\"totalTokenCount\": 41, \"thoughtsTokenCount\": 20, \"cachedContentTokenCount\": 8")));
        ChatResponse r = client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new Usage(12, 29, 8, 0, 20), r.usage());
        assertEquals("gemini-2.5-flash", r.modelVersion());
    }

    @Test
    void takesRetryDelayFromTheBodyWhenNoHeaderIsSent() throws Exception {
        respondJson(429, "error-429.json");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(37), e.retryAfter());
    }

    @Test
    void invalidApiKeyOn400IsAnAuthenticationError() throws Exception {
        server.enqueue(ScriptedResponse.json(400, "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\","
                + "\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}"));
        assertEquals(ErrorKind.AUTHENTICATION, completeFails(plainRequest(), options()).kind());
    }

    @Test
    void safetyStopWithNoContentIsContentFiltered() throws Exception {
        server.enqueue(ScriptedResponse.json(200, "{\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"},\"finishReason\":\"SAFETY\","
                + "\"safetyRatings\":[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"probability\":\"HIGH\",\"blocked\":true}]}],"
                + "\"usageMetadata\":{\"promptTokenCount\":12,\"totalTokenCount\":12},\"modelVersion\":\"gemini-2.5-flash\"}"));
        assertEquals(ErrorKind.CONTENT_FILTERED, completeFails(plainRequest(), options()).kind());
    }

    @Test
    void blockedPromptInAStreamIsContentFiltered() throws Exception {
        server.enqueue(ScriptedResponse.sse(List.of("data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":"
                + "{\"promptTokenCount\":12,\"totalTokenCount\":12},\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n")));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(ErrorKind.CONTENT_FILTERED, assertInstanceOf(StreamEvent.Error.class, s.last()).error().kind());
    }

    @Test
    void refusesSchemasGeminiCannotExpress() {
        ChatRequest r = plainRequest().withResponseFormat(ResponseFormat.jsonSchema("x",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}"));
        ProviderException e = assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor()));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("oneOf"), e.getMessage());
    }

    @Test
    void refusesImageUrls() {
        ChatRequest r = ChatRequest.of(List.of(Message.user(List.of(new ContentPart.Text("What is this?"),
                ContentPart.Image.ofUrl("https://example.com/cat.png")))));
        assertEquals(ErrorKind.UNSUPPORTED, assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor())).kind());
    }

    @Test
    void translatesNullableTypes() throws Exception {
        respondJson(200, "json-schema.response.json");
        client.complete(plainRequest().withResponseFormat(ResponseFormat.jsonSchema("x",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[\"string\",\"null\"]}},\"additionalProperties\":false}")), options())
                .get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        RecordedRequest req = server.takeRequest();
        var a = req.bodyJson().get("generationConfig").get("responseSchema").get("properties").get("a");
        assertEquals("STRING", a.get("type").asText());
        assertTrue(a.get("nullable").asBoolean());
    }

    @Test
    void aToolResultAnsweringNoCallFailsWithoutSending() throws Exception {
        ChatRequest r = ChatRequest.of(List.of(Message.user("Hi"), Message.toolResult("call_unknown", "{}")));
        assertEquals(ErrorKind.UNSUPPORTED, assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor())).kind());
        assertEquals(ErrorKind.BAD_REQUEST, completeFails(r, options()).kind());
        CollectingSubscriber s = stream(r, options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(ErrorKind.BAD_REQUEST, assertInstanceOf(StreamEvent.Error.class, s.last()).error().kind());
        assertEquals(0, server.requestCount());
    }
}
