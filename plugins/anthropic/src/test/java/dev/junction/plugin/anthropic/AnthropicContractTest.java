package dev.junction.plugin.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.junction.plugin.testkit.CollectingSubscriber;
import dev.junction.plugin.testkit.ProviderPluginContract;
import dev.junction.plugin.testkit.RecordedRequest;
import dev.junction.plugin.testkit.ScriptedResponse;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ContentPart;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.Message;
import dev.junction.spi.Role;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Secret;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.Usage;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The anthropic plugin against the test kit, plus what only the Messages API has. */
class AnthropicContractTest extends ProviderPluginContract {

    @Override
    protected ProviderPlugin plugin() {
        return new AnthropicPlugin();
    }

    @Override
    protected String fixtureRoot() {
        return "/fixtures/anthropic";
    }

    @Override
    protected ProviderConfig config(URI baseUri, Secret apiKey, Map<String, String> options) {
        return new ProviderConfig("anthropic", AnthropicPlugin.ID, baseUri, apiKey, Map.of(), null, options);
    }

    @Override
    protected String expectedPath(String model, boolean stream) {
        return "/v1/messages";
    }

    @Override
    protected void assertAuthenticated(RecordedRequest request, String apiKey) {
        assertEquals(apiKey, request.header("x-api-key"));
        assertEquals("2023-06-01", request.header("anthropic-version"));
        assertEquals(null, request.header("authorization"));
    }

    @Override
    protected int overloadedStatus() {
        return 529;
    }

    @Test
    void reportsPromptCachingUsage() throws Exception {
        server.enqueue(ScriptedResponse.json(200, fixtures.text("plain.response.json")
                .replace("\"cache_creation_input_tokens\": 0", "\"cache_creation_input_tokens\": 100")
                .replace("\"cache_read_input_tokens\": 0", "\"cache_read_input_tokens\": 2000")));
        ChatResponse r = client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new Usage(2112, 9, 2000, 100, 0), r.usage(), "input counts cache reads and writes");
        assertEquals("claude-sonnet-4-5-20250929", r.modelVersion());
    }

    @Test
    void overloadedErrorEventInsideTheStream() throws Exception {
        List<String> events = new ArrayList<>(fixtures.events("stream-head.sse"));
        events.add("event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n");
        server.enqueue(ScriptedResponse.sse(events));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        ProviderException e = assertInstanceOf(StreamEvent.Error.class, s.last()).error();
        assertEquals(ErrorKind.OVERLOADED, e.kind());
        assertFalse(s.events().stream().anyMatch(ev -> ev instanceof StreamEvent.Finish));
    }

    @Test
    void mergesConsecutiveSystemMessagesIntoTheTopLevelField() throws Exception {
        respondJson(200, "system.response.json");
        client.complete(ChatRequest.of(List.of(Message.system("First."), Message.system("Second."), Message.user("Hi"))), options())
                .get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        RecordedRequest r = server.takeRequest();
        assertEquals("First.\n\nSecond.", r.bodyJson().get("system").asText());
        assertEquals(1, r.bodyJson().get("messages").size());
    }

    @Test
    void streamsJsonSchemaOutputAsText() throws Exception {
        String start = fixtures.events("stream.sse").get(0);
        List<String> events = List.of(start,
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"city_info\",\"input\":{}}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Paris\\\", \"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"population\\\": 2102650}\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":20}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        server.enqueue(ScriptedResponse.sse(events));
        ChatRequest r = plainRequest().withResponseFormat(ResponseFormat.jsonSchema("city_info",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
        CollectingSubscriber s = stream(r, options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals("{\"city\": \"Paris\", \"population\": 2102650}", s.text());
        assertEquals(new StreamEvent.Finish(dev.junction.spi.FinishReason.STOP), s.last());
    }

    @Test
    void refusesJsonOutputCombinedWithTools() {
        ChatRequest r = toolRequest().withResponseFormat(ResponseFormat.JSON_OBJECT);
        assertEquals(ErrorKind.UNSUPPORTED, assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor())).kind());
    }

    @Test
    void mapsRequiredToolChoiceToAny() throws Exception {
        respondJson(200, "tool-call.response.json");
        client.complete(toolRequest().withTools(weatherTool(), ToolChoice.REQUIRED), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("any", server.takeRequest().bodyJson().get("tool_choice").get("type").asText());
    }

    @Test
    void inputPlusMaxTokensOverTheContextLimitIsAContextLengthError() throws Exception {
        // The 400 Anthropic sends when input + max_tokens exceed the window (verbatim shape of the real body).
        server.enqueue(ScriptedResponse.json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"input length and `max_tokens` exceed context limit: 178959 + 64000 > 200000, "
                + "decrease input length or `max_tokens` and try again\"},\"request_id\":\"req_011CUB2XUHWkFnQzxcKBbjpF\"}"));
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.CONTEXT_LENGTH_EXCEEDED, e.kind(), e.getMessage());
    }

    @Test
    void sendsImagesInAToolResultAsImageBlocks() throws Exception {
        ToolCall call = new ToolCall("toolu_01", "get_weather", "{\"location\":\"Paris\"}");
        ChatRequest r = toolRequest().withMessages(List.of(Message.user("Show me the weather map of Paris."),
                Message.assistant(null, List.of(call)),
                new Message(Role.TOOL, List.of(new ContentPart.Text("The map:"),
                        ContentPart.Image.ofBase64("image/png", RED_PNG_BASE64),
                        ContentPart.Image.ofUrl("https://example.com/map.png")), List.of(), "toolu_01", null)));
        client.validate(r, fullDescriptor());
        respondJson(200, "plain.response.json");
        client.complete(r, options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        JsonNode result = server.takeRequest().bodyJson().get("messages").get(2).get("content").get(0);
        assertEquals(new ObjectMapper().readTree("{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"The map:\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + RED_PNG_BASE64 + "\"}},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/map.png\"}}]}"), result);
    }

    @Test
    void toolCallIdsAnthropicRejectsAreMappedConsistently() throws Exception {
        // Ids from other providers: with dots and colons (OpenAI-compatible servers), empty, with spaces and
        // non-ASCII; "functions.get_weather:0" would become "functions_get_weather_0" if its invalid characters were
        // simply replaced, which is another call's id here.
        List<String> ids = List.of("functions.get_weather:0", "functions.get_weather:1", "functions_get_weather_0", "",
                "call 1/\u00e4");
        List<ToolCall> calls = new ArrayList<>();
        List<Message> turns = new ArrayList<>(List.of(Message.user("Weather in five cities?")));
        for (String id : ids) {
            calls.add(new ToolCall(id, "get_weather", "{\"location\":\"City " + calls.size() + "\"}"));
        }
        turns.add(Message.assistant(null, calls));
        for (int i = ids.size() - 1; i >= 0; i--) { // results in another order than the calls
            turns.add(Message.toolResult(ids.get(i), "{\"temperature\":" + i + "}"));
        }
        ChatRequest r = toolRequest().withMessages(turns);
        client.validate(r, fullDescriptor());
        respondJson(200, "plain.response.json");
        client.complete(r, options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        JsonNode messages = server.takeRequest().bodyJson().get("messages");
        List<String> sentCallIds = new ArrayList<>();
        for (JsonNode block : messages.get(1).get("content")) {
            assertEquals("tool_use", block.get("type").asText());
            sentCallIds.add(block.get("id").asText());
        }
        assertEquals(ids.size(), sentCallIds.size());
        for (String id : sentCallIds) {
            assertTrue(id.matches("^[a-zA-Z0-9_-]+$"), "tool_use.id " + id + " does not match Anthropic's pattern");
        }
        assertEquals(ids.size(), new HashSet<>(sentCallIds).size(), "distinct ids stay distinct: " + sentCallIds);
        assertEquals("functions_get_weather_0", sentCallIds.get(2), "a valid id is sent as it is");
        JsonNode results = messages.get(2).get("content");
        for (int k = 0; k < ids.size(); k++) {
            JsonNode block = results.get(k);
            int i = ids.size() - 1 - k;
            assertEquals("{\"temperature\":" + i + "}", block.get("content").asText());
            assertEquals(sentCallIds.get(i), block.get("tool_use_id").asText(), "the result of call " + i + " answers its tool_use");
        }
        // The same request encodes the same way again (prompt caching needs a stable prefix).
        respondJson(200, "plain.response.json");
        client.complete(r, options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(messages, server.takeRequest().bodyJson().get("messages"));
    }
}
