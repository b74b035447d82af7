package dev.junction.plugin.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.plugin.testkit.LoopbackProviderServer;
import dev.junction.plugin.testkit.ScriptedResponse;
import dev.junction.spi.CallOptions;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ContentPart;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Role;
import dev.junction.spi.Secret;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests generateContent would reject with a 400: validate() refuses them as UNSUPPORTED (so the router picks
 * another model), or the body is written the way the API requires.
 */
@Timeout(30)
class GeminiRequestRulesTest {
    private final ProviderClient client = new GeminiPlugin().create(new ProviderConfig("gemini", GeminiPlugin.ID,
            URI.create("http://127.0.0.1:9/v1beta"), null, Map.of(), null, Map.of()));

    @AfterEach
    void close() {
        client.close();
    }

    private static ModelDescriptor model(String id) {
        return new ModelDescriptor("gemini", id, 1_048_576, 65_536, Prices.FREE, EnumSet.allOf(Capability.class),
                Set.of(), DataRetention.UNKNOWN, Map.of());
    }

    private void assertRefused(ChatRequest request, String modelId, String why) {
        ProviderException e = assertThrows(ProviderException.class, () -> client.validate(request, model(modelId)));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    private static final String WEATHER = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    // GenerationConfig.stopSequences: "The set of character sequences (up to 5)"; more is a 400
    // ("the number of stop_sequences must not exceed 5").
    @Test
    void moreThanFiveStopSequencesAreNotSent() throws Exception {
        ChatRequest r = ChatRequest.ofUser("Count to ten").withStop(List.of("1", "2", "3", "4", "5", "6"));
        assertRefused(r, "gemini-2.5-flash", "at most 5 stop sequences");
        client.validate(r.withStop(List.of("1", "2", "3", "4", "5")), model("gemini-2.5-flash"));
    }

    // Schema.enum is `repeated string` in the API: a number is "Invalid value at '...enum[0]' (TYPE_STRING), 1".
    @Test
    void nonStringEnumValuesAreNotSent() throws Exception {
        ChatRequest r = ChatRequest.ofUser("Set the level").withTools(List.of(ToolDefinition.of("set_level", "Sets a level",
                "{\"type\":\"object\",\"properties\":{\"level\":{\"type\":\"integer\",\"enum\":[1,2,3]}},"
                        + "\"required\":[\"level\"]}")), ToolChoice.AUTO);
        assertRefused(r, "gemini-2.5-flash", "only string enum values");
        ChatRequest constant = ChatRequest.ofUser("Switch").withTools(List.of(ToolDefinition.of("switch", "Switches",
                "{\"type\":\"object\",\"properties\":{\"on\":{\"type\":\"boolean\",\"const\":true}}}")),
                ToolChoice.AUTO);
        assertRefused(constant, "gemini-2.5-flash", "only string enum values");
    }

    // Gemini 2.5: "Function calling with a response mime type: 'application/json' is unsupported" (400).
    @Test
    void jsonOutputWithToolsIsNotSentToGemini25() throws Exception {
        ChatRequest r = ChatRequest.ofUser("Weather in Paris?")
                .withTools(List.of(ToolDefinition.of("get_weather", "Gets the weather", WEATHER)), ToolChoice.AUTO)
                .withResponseFormat(ResponseFormat.JSON_OBJECT);
        assertRefused(r, "gemini-2.5-flash", "does not combine function calling with JSON output");
        client.validate(r, model("gemini-3-flash"));
    }

    // Gemini 3: every functionCall of the current turn must carry its thoughtSignature, else 400
    // "Function call is missing a thought_signature in functionCall parts". Recorded as the client sends it.
    @Test
    void gemini3FunctionCallsOfTheCurrentTurnCarryAThoughtSignature() throws Exception {
        ChatRequest r = ChatRequest.of(List.of(Message.user("Weather in Paris?"),
                        Message.assistant(null, List.of(new ToolCall("call_0_get_weather", "get_weather", "{\"city\":\"Paris\"}"))),
                        Message.toolResult("call_0_get_weather", "{\"temp_c\":18}")))
                .withTools(List.of(ToolDefinition.of("get_weather", "Gets the weather", WEATHER)), ToolChoice.AUTO);
        client.validate(r, model("gemini-3-pro-preview"));
        JsonNode body = sentToGemini3(r);
        JsonNode modelTurn = body.get("contents").get(1);
        assertEquals("model", modelTurn.get("role").asText());
        JsonNode part = modelTurn.get("parts").get(0);
        assertTrue(part.has("functionCall"));
        assertTrue(part.has("thoughtSignature"), "current-turn functionCall without thoughtSignature: " + body);
    }

    // Multimodal function responses are a Gemini 3 feature: images go in functionResponse.parts as inlineData.
    // Older models have no place for them, and systemInstruction is text only on every model.
    @Test
    void imagesInAToolResultAreSentInTheFunctionResponseToGemini3AndRefusedElsewhere() throws Exception {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        ChatRequest r = ChatRequest.of(List.of(Message.user("Show me the weather map of Paris."),
                        Message.assistant(null, List.of(new ToolCall("call_0_get_map", "get_map", "{\"city\":\"Paris\"}"))),
                        new Message(Role.TOOL, List.of(new ContentPart.Text("{\"status\":\"ok\"}"),
                                ContentPart.Image.ofBase64("image/png", png)), List.of(), "call_0_get_map", null)))
                .withTools(List.of(ToolDefinition.of("get_map", "Gets a weather map", WEATHER)), ToolChoice.AUTO);
        assertRefused(r, "gemini-2.5-flash", "image");
        client.validate(r, model("gemini-3-pro-preview"));
        JsonNode response = sentToGemini3(r).get("contents").get(2).get("parts").get(0).get("functionResponse");
        assertEquals("get_map", response.get("name").asText());
        assertEquals("ok", response.get("response").get("status").asText());
        JsonNode inline = response.get("parts").get(0).get("inlineData");
        assertEquals("image/png", inline.get("mimeType").asText());
        assertEquals(png, inline.get("data").asText());
    }

    /** The body Gemini 3 receives for {@code r}, sent through a real client to a loopback server. */
    private static JsonNode sentToGemini3(ChatRequest r) throws Exception {
        try (LoopbackProviderServer server = LoopbackProviderServer.start();
             ProviderClient live = new GeminiPlugin().create(new ProviderConfig("gemini", GeminiPlugin.ID,
                     server.baseUri().resolve("/v1beta"), new Secret("k"), Map.of(), null, Map.of()))) {
            server.enqueue(ScriptedResponse.json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
                    + "[{\"text\":\"ok\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":5,"
                    + "\"candidatesTokenCount\":2,\"totalTokenCount\":7}}"));
            live.complete(r, new CallOptions("gemini-3-pro-preview", Duration.ofSeconds(10), null)).get(15, TimeUnit.SECONDS);
            return server.takeRequest().bodyJson();
        }
    }
}
