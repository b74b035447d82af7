package dev.junction.plugin.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.junction.spi.CallOptions;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ContentPart;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Role;
import dev.junction.spi.Secret;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;
import dev.junction.spi.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compatibility contract every provider plugin passes: it runs the plugin against a {@link LoopbackProviderServer}
 * that replays the plugin's fixture files, and checks both what the plugin sent and what it made of the answer.
 *
 * <p>A plugin's test class extends this and says where its fixtures are, how to configure it, which path it calls
 * and how it authenticates. Fixture files live under {@link #fixtureRoot()} and are written from the provider's
 * documented examples; they follow these conventions so one contract fits every provider:
 * <ul>
 *   <li>{@code <scenario>.request.json}: the fields the request body must contain ({@link JsonSubset}).</li>
 *   <li>{@code <scenario>.response.json} / {@code <scenario>.sse}: the provider's answer.</li>
 *   <li>{@code plain}: answers {@value #PLAIN_TEXT} with usage 12 in / 9 out. {@code stream.sse} streams the same
 *       text in several deltas with the same usage.</li>
 *   <li>{@code system}: the request has system prompt {@value #SYSTEM_PROMPT}; answers {@value #SYSTEM_ANSWER}.</li>
 *   <li>{@code multi-turn}: the three-turn conversation below; answers {@value #MULTI_TURN_ANSWER}.</li>
 *   <li>{@code tool-call}: two parallel {@code get_weather} calls, for Paris then London; {@code tool-result}: the
 *       follow-up with both results; answers {@value #TOOL_ANSWER}. {@code stream-tools.sse} streams the two calls.</li>
 *   <li>{@code json-schema}: answers {@value #JSON_ANSWER}.</li>
 *   <li>{@code image}: a user turn with text and an inline PNG; answers {@value #IMAGE_ANSWER}.</li>
 *   <li>{@code error-429}, {@code error-500}, {@code error-overloaded}, {@code error-401} (may contain
 *       {@code ${API_KEY}}, replaced by the key the client was given, to check it is redacted),
 *       {@code error-context-length}: the provider's error bodies. {@code content-filtered.response.json}: a 200 whose
 *       answer the provider's safety system withheld.</li>
 *   <li>{@code large.response.json}: a plain answer whose text is {@code ${TEXT}}; {@code stream-delta.sse}: one
 *       text-delta event whose text is {@code ${TEXT}}; {@code stream-head.sse}/{@code stream-tail.sse}: what comes
 *       before the first and after the last delta (finish, usage {@code 12/9}, end marker).</li>
 * </ul>
 *
 * <p>Time: deadlines in these tests are short (hundreds of milliseconds) against servers that stall for up to
 * {@link ScriptedResponse#MAX_WAIT}; nothing asserts how fast anything was.
 */
public abstract class ProviderPluginContract {
    public static final String PLAIN_TEXT = "Hello! How can I help you today?";
    public static final String SYSTEM_PROMPT = "You are a terse assistant. Answer in one word.";
    public static final String SYSTEM_ANSWER = "Hello.";
    public static final String MULTI_TURN_ANSWER = "Your name is Ada.";
    public static final String TOOL_ANSWER = "It is 22°C in Paris and 16°C in London.";
    public static final String JSON_ANSWER = "{\"city\":\"Paris\",\"population\":2102650}";
    public static final String IMAGE_ANSWER = "A red square.";
    /** A 2x2 red PNG. */
    public static final String RED_PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==";
    /** The key the tests configure; it must never appear in an error. */
    public static final String API_KEY = "sk-test-6f1e0c2a9b8d4e7f-SECRET";

    protected static final Duration AWAIT = Duration.ofSeconds(15);
    protected static final Duration SHORT_DEADLINE = Duration.ofMillis(400);
    /**
     * The deadline of a test that asserts the server sees the connection close: the server can only see that for a
     * request it received, and on a loaded machine a new client's first request has taken longer than
     * {@link #SHORT_DEADLINE} to arrive (the client then rightly gives up before sending anything). Shorter than the
     * server's delays and stalls in those tests (10 and 20 s).
     */
    protected static final Duration ARRIVAL_DEADLINE = Duration.ofSeconds(2);
    /**
     * More than any one server-sent-event line or event a client should hold: a client must give up on a stream
     * before it has buffered this much of one line or event.
     */
    protected static final int ENDLESS_BYTES = 24 * 1024 * 1024;
    private static final String ENDLESS_PIECE = "x".repeat(1024 * 1024);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\",\"description\":\"City name\"}},"
                    + "\"required\":[\"location\"]}";
    private static final String CITY_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"population\":{\"type\":\"integer\"}},"
                    + "\"required\":[\"city\",\"population\"],\"additionalProperties\":false}";

    protected LoopbackProviderServer server;
    protected ProviderClient client;
    protected Fixtures fixtures;

    /** For subclasses. */
    protected ProviderPluginContract() {
    }

    // ---- what a plugin's test supplies

    /** A new instance of the plugin under test. */
    protected abstract ProviderPlugin plugin();

    /** The fixture folder on the test class path, e.g. {@code /fixtures/openai}. */
    protected abstract String fixtureRoot();

    /** A config that points the plugin at {@code baseUri} with {@code apiKey} and the extra options. */
    protected abstract ProviderConfig config(URI baseUri, Secret apiKey, Map<String, String> options);

    /** The path (without query) the plugin must call. */
    protected abstract String expectedPath(String model, boolean stream);

    /** Asserts the request carries the key the provider's way (and any protocol headers). */
    protected abstract void assertAuthenticated(RecordedRequest request, String apiKey);

    /** The status the provider uses for "overloaded" (Anthropic: 529). */
    protected int overloadedStatus() {
        return 503;
    }

    /** The model id the tests call. */
    protected String model() {
        return "test-model";
    }

    // ---- set-up

    @BeforeEach
    void startServer() {
        server = LoopbackProviderServer.start();
        fixtures = new Fixtures(getClass(), fixtureRoot());
        client = plugin().create(config(server.baseUri(), new Secret(API_KEY), Map.of()));
    }

    @AfterEach
    void stopServer() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    protected CallOptions options() {
        return new CallOptions(model(), Duration.ofSeconds(10), "idem-" + getClass().getSimpleName());
    }

    protected CallOptions options(Duration timeout) {
        return new CallOptions(model(), timeout, null);
    }

    protected ModelDescriptor descriptor(Set<Capability> capabilities) {
        return new ModelDescriptor(client.providerId(), model(), 128_000, 8_192, Prices.FREE, capabilities, Set.of(),
                DataRetention.UNKNOWN, Map.of());
    }

    protected ModelDescriptor fullDescriptor() {
        return descriptor(EnumSet.allOf(Capability.class));
    }

    protected ScriptedResponse respondJson(int status, String fixture) {
        return server.enqueue(ScriptedResponse.json(status, fixtures.text(fixture).replace("${API_KEY}", API_KEY)));
    }

    protected ChatResponse complete(ChatRequest request) throws Exception {
        client.validate(request, fullDescriptor());
        return client.complete(request, options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
    }

    protected ProviderException completeFails(ChatRequest request, CallOptions options) throws Exception {
        CompletableFuture<ChatResponse> f = client.complete(request, options);
        try {
            ChatResponse r = f.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + r);
        } catch (ExecutionException e) {
            return assertInstanceOf(ProviderException.class, e.getCause());
        }
    }

    protected CollectingSubscriber stream(ChatRequest request, CallOptions options, CollectingSubscriber subscriber) {
        client.stream(request, options).subscribe(subscriber);
        return subscriber;
    }

    /** Checks the recorded request's method, path, authentication and the body fields of the named fixture. */
    protected RecordedRequest assertSent(String requestFixture, boolean stream) throws Exception {
        RecordedRequest r = server.takeRequest();
        assertEquals("POST", r.method());
        assertEquals(expectedPath(model(), stream), r.path(), "path");
        assertAuthenticated(r, API_KEY);
        assertTrue(r.header("content-type").startsWith("application/json"), "content-type: " + r.header("content-type"));
        if (requestFixture != null) {
            JsonSubset.assertContains(MAPPER.readTree(fixtures.text(requestFixture)), r.bodyJson());
        }
        return r;
    }

    protected static ChatRequest plainRequest() {
        return ChatRequest.ofUser("Hello!");
    }

    protected static List<ToolDefinition> weatherTool() {
        return List.of(ToolDefinition.of("get_weather", "Get the current weather in a city", WEATHER_SCHEMA));
    }

    protected static ChatRequest toolRequest() {
        return ChatRequest.ofUser("What is the weather in Paris and London?").withTools(weatherTool(), ToolChoice.AUTO);
    }

    @Test
    void anAssistantToolCallTurnWithEmptyTextSendsNoEmptyTextPart() throws Exception {
        // OpenAI clients send that turn as {"role": "assistant", "content": "", "tool_calls": [...]}, which the gateway
        // parses into an empty text part; Anthropic and Gemini reject a request with empty text in it.
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"location\":\"Paris\"}");
        ChatRequest r = toolRequest().withMessages(List.of(Message.user("What is the weather in Paris?"),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Text("")), List.of(call), null, null),
                Message.toolResult("call_1", "{\"temperature\":22}")));
        respondJson(200, "plain.response.json");
        complete(r);
        JsonNode body = server.takeRequest().bodyJson();
        assertTrue(body.toString().contains("get_weather"), "the tool call is sent: " + body);
        List<JsonNode> nodes = new ArrayList<>(List.of(body));
        while (!nodes.isEmpty()) {
            JsonNode n = nodes.remove(nodes.size() - 1);
            assertFalse(n.isObject() && n.path("text").isTextual() && n.path("text").asText().isEmpty(),
                    "an empty text part was sent: " + body);
            n.forEach(nodes::add);
        }
    }

    // ---- discovery and lifecycle

    @Test
    void isFoundByServiceLoaderUnderItsId() {
        String id = plugin().id();
        List<ProviderPlugin> found = new ArrayList<>();
        for (ProviderPlugin p : ServiceLoader.load(ProviderPlugin.class)) {
            if (p.id().equals(id)) {
                found.add(p);
            }
        }
        assertEquals(1, found.size(), "exactly one plugin with id " + id);
        assertEquals(plugin().getClass(), found.get(0).getClass());
    }

    @Test
    void presetsHaveDistinctProviderIds() {
        Set<String> ids = new java.util.HashSet<>();
        plugin().presets().forEach(p -> assertTrue(ids.add(p.providerId()), "duplicate preset " + p.providerId()));
        assertFalse(ids.isEmpty(), "a plugin ships at least one preset");
    }

    @Test
    void refusesCallsAfterClose() {
        client.close();
        assertThrows(IllegalStateException.class, () -> client.complete(plainRequest(), options()));
        assertThrows(IllegalStateException.class, () -> client.stream(plainRequest(), options()));
    }

    // ---- completions

    @Test
    void plainCompletion() throws Exception {
        respondJson(200, "plain.response.json");
        ChatResponse r = complete(plainRequest());
        assertEquals(PLAIN_TEXT, r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(12, r.usage().inputTokens());
        assertEquals(9, r.usage().outputTokens());
        assertEquals(client.providerId(), r.provider());
        assertEquals(model(), r.model());
        assertNotNull(r.modelVersion());
        assertFalse(r.id().isBlank());
        assertTrue(r.toolCalls().isEmpty());
        assertSent("plain.request.json", false);
    }

    @Test
    void systemPrompt() throws Exception {
        respondJson(200, "system.response.json");
        ChatResponse r = complete(ChatRequest.of(List.of(Message.system(SYSTEM_PROMPT), Message.user("Say hello."))));
        assertEquals(SYSTEM_ANSWER, r.text());
        assertSent("system.request.json", false);
    }

    @Test
    void multiTurnConversation() throws Exception {
        respondJson(200, "multi-turn.response.json");
        ChatResponse r = complete(ChatRequest.of(List.of(Message.user("My name is Ada."),
                Message.assistant("Nice to meet you, Ada."), Message.user("What is my name?"))));
        assertEquals(MULTI_TURN_ANSWER, r.text());
        assertSent("multi-turn.request.json", false);
    }

    @Test
    void toolCallRoundTrip() throws Exception {
        respondJson(200, "tool-call.response.json");
        ChatRequest first = toolRequest();
        ChatResponse calls = complete(first);
        assertEquals(FinishReason.TOOL_CALLS, calls.finishReason());
        assertEquals(2, calls.toolCalls().size(), "two parallel calls: " + calls.toolCalls());
        ToolCall paris = calls.toolCalls().get(0);
        ToolCall london = calls.toolCalls().get(1);
        assertEquals("get_weather", paris.name());
        assertEquals("Paris", MAPPER.readTree(paris.argumentsJson()).get("location").asText());
        assertEquals("London", MAPPER.readTree(london.argumentsJson()).get("location").asText());
        assertFalse(paris.id().equals(london.id()), "distinct call ids");
        assertSent("tool-call.request.json", false);

        respondJson(200, "tool-result.response.json");
        List<Message> turns = new ArrayList<>(first.messages());
        turns.add(Message.assistant(calls.text(), calls.toolCalls()));
        turns.add(Message.toolResult(paris.id(), "{\"temperature\":22,\"unit\":\"celsius\"}"));
        turns.add(Message.toolResult(london.id(), "{\"temperature\":16,\"unit\":\"celsius\"}"));
        ChatResponse answer = complete(first.withMessages(turns));
        assertEquals(TOOL_ANSWER, answer.text());
        assertEquals(FinishReason.STOP, answer.finishReason());
        assertSent("tool-result.request.json", false);
    }

    @Test
    void jsonSchemaOutput() throws Exception {
        respondJson(200, "json-schema.response.json");
        ChatResponse r = complete(ChatRequest.ofUser("Which city is the capital of France, and how many people live there?")
                .withResponseFormat(ResponseFormat.jsonSchema("city_info", CITY_SCHEMA)));
        JsonNode json = MAPPER.readTree(r.text());
        assertEquals(MAPPER.readTree(JSON_ANSWER), json);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertSent("json-schema.request.json", false);
    }

    @Test
    void imageInput() throws Exception {
        respondJson(200, "image.response.json");
        ChatResponse r = complete(ChatRequest.of(List.of(Message.user(List.of(new ContentPart.Text("What is in this image?"),
                ContentPart.Image.ofBase64("image/png", RED_PNG_BASE64))))));
        assertEquals(IMAGE_ANSWER, r.text());
        assertSent("image.request.json", false);
    }

    @Test
    void veryLargeResponse() throws Exception {
        String text = "All work and no play makes Jack a dull boy. ".repeat(100_000); // 4.4 MB
        server.enqueue(ScriptedResponse.json(200, fixtures.text("large.response.json").replace("${TEXT}", text)));
        ChatResponse r = client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(text.length(), r.text().length());
        assertEquals(text, r.text());
    }

    @Test
    void sendsTheIdempotencyKeyWhenConfigured() throws Exception {
        client.close();
        client = plugin().create(config(server.baseUri(), new Secret(API_KEY), Map.of("idempotency-header", "Idempotency-Key")));
        respondJson(200, "plain.response.json");
        client.complete(plainRequest(), new CallOptions(model(), Duration.ofSeconds(10), "req-42")).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("req-42", server.takeRequest().header("idempotency-key"));
    }

    @Test
    void reusesItsConnection() throws Exception {
        respondJson(200, "plain.response.json");
        respondJson(200, "plain.response.json");
        respondJson(200, "plain.response.json");
        for (int i = 0; i < 3; i++) {
            client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertEquals(3, server.requestCount());
        assertEquals(1, server.connectionCount(), "one pooled connection for sequential calls");
    }

    // ---- errors

    @Test
    void rateLimitedWithRetryAfterSeconds() throws Exception {
        respondJson(429, "error-429.json").header("retry-after", "7");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(429, e.httpStatus());
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        assertEquals(client.providerId(), e.provider());
        assertEquals(model(), e.model());
        assertTrue(e.retryable());
    }

    @Test
    void rateLimitedWithRetryAfterMilliseconds() throws Exception {
        respondJson(429, "error-429.json").header("retry-after-ms", "1500").header("retry-after", "2");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofMillis(1500), e.retryAfter());
    }

    @Test
    void serverError() throws Exception {
        respondJson(500, "error-500.json");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.SERVER_ERROR, e.kind());
        assertEquals(500, e.httpStatus());
        assertTrue(e.retryable());
    }

    @Test
    void overloaded() throws Exception {
        respondJson(overloadedStatus(), "error-overloaded.json");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.OVERLOADED, e.kind());
        assertEquals(overloadedStatus(), e.httpStatus());
        assertTrue(e.retryable());
    }

    @Test
    void authenticationErrorNeverShowsTheKey() throws Exception {
        respondJson(401, "error-401.json");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.AUTHENTICATION, e.kind());
        assertFalse(e.retryable());
        assertFalse(e.getMessage().contains(API_KEY), "key in message: " + e.getMessage());
        assertFalse(e.toString().contains(API_KEY), "key in toString: " + e);
        assertFalse(client.toString().contains(API_KEY), "key in client toString");
    }

    @Test
    void contextLengthExceeded() throws Exception {
        respondJson(400, "error-context-length.json");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.CONTEXT_LENGTH_EXCEEDED, e.kind());
        assertFalse(e.retryable());
    }

    @Test
    void contentFiltered() throws Exception {
        respondJson(200, "content-filtered.response.json");
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.CONTENT_FILTERED, e.kind());
    }

    @Test
    void malformedJson() throws Exception {
        String plain = fixtures.text("plain.response.json");
        server.enqueue(ScriptedResponse.json(200, plain.substring(0, plain.length() / 2)));
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.SERVER_ERROR, e.kind());
        assertTrue(e.retryable());
    }

    @Test
    void responseSlowerThanTheDeadline() throws Exception {
        ScriptedResponse slow = respondJson(200, "plain.response.json").delayHeaders(Duration.ofSeconds(10));
        ProviderException e = completeFails(plainRequest(), options(ARRIVAL_DEADLINE));
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        assertTrue(slow.awaitClientClosed(AWAIT), "the client abandons the exchange");
    }

    @Test
    void cancellingTheFutureAbortsTheExchange() throws Exception {
        ScriptedResponse slow = respondJson(200, "plain.response.json").delayHeaders(Duration.ofSeconds(15));
        CompletableFuture<ChatResponse> f = client.complete(plainRequest(), options());
        server.takeRequest();
        assertTrue(f.cancel(true));
        assertThrows(CancellationException.class, () -> f.get(1, TimeUnit.SECONDS));
        assertTrue(slow.awaitClientClosed(AWAIT), "the server sees the connection close");
    }

    @Test
    void connectionRefusedIsANetworkError() throws Exception {
        URI dead;
        try (LoopbackProviderServer other = LoopbackProviderServer.start()) {
            dead = other.baseUri();
        }
        client.close();
        client = plugin().create(config(dead, new Secret(API_KEY), Map.of()));
        ProviderException e = completeFails(plainRequest(), options());
        assertEquals(ErrorKind.NETWORK, e.kind());
        assertFalse(e.getMessage().contains(API_KEY));
    }

    // ---- validation before sending

    @Test
    void refusesToolsOnAModelWithoutTools() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> client.validate(toolRequest(), descriptor(EnumSet.of(Capability.STREAMING))));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertEquals(0, server.requestCount(), "nothing is sent");
    }

    @Test
    void refusesImagesOnATextOnlyModel() {
        ChatRequest r = ChatRequest.of(List.of(Message.user(List.of(new ContentPart.Text("What is this?"),
                ContentPart.Image.ofBase64("image/png", RED_PNG_BASE64)))));
        ProviderException e = assertThrows(ProviderException.class,
                () -> client.validate(r, descriptor(EnumSet.of(Capability.TOOLS))));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("image"), e.getMessage());
    }

    @Test
    void refusesJsonSchemaWithoutTheCapability() {
        ChatRequest r = plainRequest().withResponseFormat(ResponseFormat.jsonSchema("city_info", CITY_SCHEMA));
        ProviderException e = assertThrows(ProviderException.class,
                () -> client.validate(r, descriptor(EnumSet.of(Capability.TOOLS))));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
    }

    @Test
    void refusesAToolSchemaThatIsNotAnObject() {
        ChatRequest r = plainRequest().withTools(List.of(ToolDefinition.of("broken", null, "[1,2]")), ToolChoice.AUTO);
        ProviderException e = assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor()));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
    }

    @Test
    void refusesAToolNameTheProviderRejects() {
        ChatRequest r = plainRequest().withTools(List.of(ToolDefinition.of("get weather!", null, WEATHER_SCHEMA)), ToolChoice.AUTO);
        ProviderException e = assertThrows(ProviderException.class, () -> client.validate(r, fullDescriptor()));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
    }

    // ---- no content is lost silently: every part is sent, or the request is refused before anything is sent

    @Test
    void anImageInAToolResultIsSentOrRefused() throws Exception {
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"location\":\"Paris\"}");
        assertSentOrRefused(toolRequest().withMessages(List.of(Message.user("Show me the weather map of Paris."),
                Message.assistant(null, List.of(call)),
                new Message(Role.TOOL, List.of(new ContentPart.Text("{\"map\":\"attached\"}"),
                        ContentPart.Image.ofBase64("image/png", RED_PNG_BASE64)), List.of(), "call_1", null))));
    }

    @Test
    void anImageInASystemMessageIsSentOrRefused() throws Exception {
        assertSentOrRefused(ChatRequest.of(List.of(
                new Message(Role.SYSTEM, List.of(new ContentPart.Text("Our logo:"),
                        ContentPart.Image.ofBase64("image/png", RED_PNG_BASE64)), List.of(), null, null),
                Message.user("What colour is our logo?"))));
    }

    @Test
    void anImageInAnAssistantMessageIsSentOrRefused() throws Exception {
        assertSentOrRefused(ChatRequest.of(List.of(Message.user("Draw a red square."),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Here it is:"),
                        ContentPart.Image.ofBase64("image/png", RED_PNG_BASE64)), List.of(), null, null),
                Message.user("What colour is it?"))));
    }

    /**
     * Either {@code validate} refuses the request as {@link ErrorKind#UNSUPPORTED} with a message that names the image
     * and the provider (so the router can pick another model) and nothing is sent, or the image is in the request body.
     */
    private void assertSentOrRefused(ChatRequest request) throws Exception {
        try {
            client.validate(request, fullDescriptor());
        } catch (ProviderException e) {
            assertEquals(ErrorKind.UNSUPPORTED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("image"), "names the part: " + e.getMessage());
            assertTrue(e.getMessage().contains(client.providerId()), "names the provider: " + e.getMessage());
            assertEquals(0, server.requestCount(), "nothing is sent");
            return;
        }
        respondJson(200, "plain.response.json");
        client.complete(request, options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        String body = server.takeRequest().bodyText();
        assertTrue(body.contains(RED_PNG_BASE64), "validate accepted the request but the image was not sent: " + body);
    }

    // ---- streaming

    @Test
    void streamsTextWithUsage() throws Exception {
        server.enqueue(ScriptedResponse.sse(fixtures.events("stream.sse")));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        List<StreamEvent> events = s.events();
        StreamEvent.Start start = assertInstanceOf(StreamEvent.Start.class, events.get(0));
        assertEquals(client.providerId(), start.provider());
        assertNotNull(start.modelVersion());
        assertEquals(PLAIN_TEXT, s.text());
        assertTrue(events.stream().filter(e -> e instanceof StreamEvent.TextDelta).count() > 1, "several deltas");
        List<StreamEvent.UsageReport> usage = events.stream().filter(e -> e instanceof StreamEvent.UsageReport)
                .map(e -> (StreamEvent.UsageReport) e).toList();
        assertEquals(1, usage.size(), "exactly one usage report: " + events);
        assertEquals(12, usage.get(0).usage().inputTokens());
        assertEquals(9, usage.get(0).usage().outputTokens());
        assertEquals(new StreamEvent.Finish(FinishReason.STOP), s.last());
        assertInstanceOf(StreamEvent.UsageReport.class, events.get(events.size() - 2), "usage right before finish");
        RecordedRequest r = assertSent("stream.request.json", true);
        assertTrue(r.header("accept").contains("text/event-stream"));
    }

    /** The two calls of the tool fixtures, assembled from stream events: weather in Paris, then in London. */
    private List<ToolCall> assertParisAndLondonWeatherCalls(List<StreamEvent> events) throws Exception {
        List<ToolCall> calls = assembleToolCalls(events);
        assertEquals(2, calls.size(), "two calls from " + events);
        assertEquals("get_weather", calls.get(0).name());
        assertEquals("Paris", MAPPER.readTree(calls.get(0).argumentsJson()).get("location").asText());
        assertEquals("London", MAPPER.readTree(calls.get(1).argumentsJson()).get("location").asText());
        return calls;
    }

    @Test
    void streamsParallelToolCalls() throws Exception {
        server.enqueue(ScriptedResponse.sse(fixtures.events("stream-tools.sse")));
        CollectingSubscriber s = stream(toolRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        List<ToolCall> calls = assertParisAndLondonWeatherCalls(s.events());
        assertEquals(new StreamEvent.Finish(FinishReason.TOOL_CALLS), s.last());
    }

    @Test
    void streamHonoursBackpressureOneEventAtATime() throws Exception {
        server.enqueue(ScriptedResponse.sse(generatedStream(2_000)));
        CollectingSubscriber s = stream(plainRequest(), options(), new CollectingSubscriber(1, -1)).awaitDone(AWAIT);
        assertEquals(expectedGeneratedText(2_000), s.text());
        assertEquals(new StreamEvent.Finish(FinishReason.STOP), s.last());
    }

    @Test
    void streamsAVeryLargeAnswer() throws Exception {
        server.enqueue(ScriptedResponse.sse(generatedStream(10_000)));
        CollectingSubscriber s = stream(plainRequest(), options(), new CollectingSubscriber(256, -1)).awaitDone(AWAIT);
        assertEquals(expectedGeneratedText(10_000), s.text());
        assertInstanceOf(StreamEvent.Finish.class, s.last());
    }

    @Test
    void streamCutMidwayEndsWithANetworkError() throws Exception {
        List<String> events = fixtures.events("stream.sse");
        server.enqueue(ScriptedResponse.sse(events).cutAfter(3));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, s.last(), "events: " + s.events());
        assertEquals(ErrorKind.NETWORK, error.error().kind());
        assertTrue(error.error().retryable());
        assertTrue(s.events().stream().noneMatch(e -> e instanceof StreamEvent.Finish));
    }

    @Test
    void streamThatStallsTimesOutAndClosesTheConnection() throws Exception {
        ScriptedResponse stalled = server.enqueue(ScriptedResponse.sse(fixtures.events("stream.sse")).stallAfter(2));
        CollectingSubscriber s = stream(plainRequest(), options(ARRIVAL_DEADLINE), CollectingSubscriber.all()).awaitDone(AWAIT);
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, s.last(), "events: " + s.events());
        assertEquals(ErrorKind.TIMEOUT, error.error().kind());
        assertTrue(stalled.awaitClientClosed(AWAIT), "the server sees the connection close");
    }

    @Test
    void streamSlowerThanTheDeadlineTimesOut() throws Exception {
        server.enqueue(ScriptedResponse.sse(fixtures.events("stream.sse")).delayHeaders(Duration.ofSeconds(10)));
        CollectingSubscriber s = stream(plainRequest(), options(SHORT_DEADLINE), CollectingSubscriber.all()).awaitDone(AWAIT);
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, s.last());
        assertEquals(ErrorKind.TIMEOUT, error.error().kind());
    }

    @Test
    void cancellingTheStreamClosesTheConnection() throws Exception {
        List<String> head = fixtures.events("stream-head.sse");
        String delta = fixtures.events("stream-delta.sse").get(0).replace("${TEXT}", "more ");
        ScriptedResponse endless = server.enqueue(ScriptedResponse.sse(head).thenRepeat(delta, Duration.ofMillis(5)));
        CollectingSubscriber s = stream(plainRequest(), options(), new CollectingSubscriber(1, 4));
        assertTrue(s.awaitCancelled(AWAIT), "received 4 events: " + s.events());
        assertTrue(endless.awaitClientClosed(AWAIT), "the server sees the connection close");
        assertTrue(s.violations().isEmpty(), s.violations().toString());
        int seen = s.events().size();
        assertTrue(seen <= 4, "no events after cancel beyond the requested: " + seen);
    }

    @Test
    void streamRateLimitedArrivesAsAnErrorEvent() throws Exception {
        respondJson(429, "error-429.json").header("retry-after", "3");
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(1, s.events().size(), "only the error: " + s.events());
        ProviderException e = assertInstanceOf(StreamEvent.Error.class, s.last()).error();
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(3), e.retryAfter());
    }

    @Test
    void streamOverloadedArrivesAsAnErrorEvent() throws Exception {
        respondJson(overloadedStatus(), "error-overloaded.json");
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(ErrorKind.OVERLOADED, assertInstanceOf(StreamEvent.Error.class, s.last()).error().kind());
    }

    @Test
    void streamWithMalformedJsonEndsWithAnError() throws Exception {
        List<String> events = new ArrayList<>(fixtures.events("stream.sse").subList(0, 2));
        events.add("data: {\"broken\n\n");
        events.addAll(fixtures.events("stream.sse").subList(2, fixtures.events("stream.sse").size()));
        server.enqueue(ScriptedResponse.sse(events));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(ErrorKind.SERVER_ERROR, assertInstanceOf(StreamEvent.Error.class, s.last()).error().kind());
    }

    @Test
    void streamWithALineThatNeverEndsFailsInsteadOfBufferingIt() throws Exception {
        // After the head, ENDLESS_BYTES of one data line without a line end, then silence: a client that buffers the
        // line whole would keep growing as long as the provider keeps sending.
        List<String> events = new ArrayList<>(fixtures.events("stream-head.sse"));
        events.add("data: {\"text\":\"");
        for (int sent = 0; sent < ENDLESS_BYTES; sent += ENDLESS_PIECE.length()) {
            events.add(ENDLESS_PIECE);
        }
        assertStreamRefusesEndlessInput(events);
    }

    @Test
    void streamWithAnEventThatNeverEndsFailsInsteadOfBufferingIt() throws Exception {
        // Data lines that each end, but no blank line ever ends the event.
        List<String> events = new ArrayList<>(fixtures.events("stream-head.sse"));
        for (int sent = 0; sent < ENDLESS_BYTES; sent += ENDLESS_PIECE.length()) {
            events.add("data: " + ENDLESS_PIECE + "\n");
        }
        assertStreamRefusesEndlessInput(events);
    }

    private void assertStreamRefusesEndlessInput(List<String> events) throws Exception {
        ScriptedResponse endless = server.enqueue(ScriptedResponse.sse(events).stallAfter(events.size()));
        CollectingSubscriber s = stream(plainRequest(), options(Duration.ofSeconds(10)), CollectingSubscriber.all())
                .awaitDone(AWAIT);
        ProviderException e = assertInstanceOf(StreamEvent.Error.class, s.last(), "events: " + s.events()).error();
        assertEquals(ErrorKind.SERVER_ERROR, e.kind(), "a provider error, not a timeout: " + e.getMessage());
        assertTrue(endless.awaitClientClosed(AWAIT), "the client closes the connection");
    }

    // A stream request answered with one whole JSON answer (servers that ignore "stream": true) is that answer's events.

    @Test
    void streamAnsweredWithAWholeJsonAnswerArrivesAsThatAnswersEvents() throws Exception {
        respondJson(200, "plain.response.json");
        ChatResponse r = complete(plainRequest());
        respondJson(200, "plain.response.json");
        CollectingSubscriber s = stream(plainRequest(), options(), new CollectingSubscriber(1, -1)).awaitDone(AWAIT);
        List<StreamEvent> events = s.events();
        StreamEvent.Start start = assertInstanceOf(StreamEvent.Start.class, events.get(0), "events: " + events);
        assertNotNull(start.id());
        assertEquals(new StreamEvent.Start(start.id(), r.provider(), r.model(), r.modelVersion()), start);
        assertEquals(List.of(new StreamEvent.TextDelta(PLAIN_TEXT), new StreamEvent.UsageReport(r.usage()),
                new StreamEvent.Finish(FinishReason.STOP)), events.subList(1, events.size()));
        assertPlainUsage(r.usage());
        assertTrue(s.violations().isEmpty(), s.violations().toString());
    }

    @Test
    void streamAnsweredWithAWholeJsonToolCallAnswerArrivesAsToolCallDeltas() throws Exception {
        respondJson(200, "tool-call.response.json");
        CollectingSubscriber s = stream(toolRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        List<ToolCall> calls = assertParisAndLondonWeatherCalls(s.events());
        assertFalse(calls.get(0).id().equals(calls.get(1).id()), "distinct call ids");
        assertEquals(new StreamEvent.Finish(FinishReason.TOOL_CALLS), s.last());
    }

    @Test
    void streamAnsweredWithAWholeJsonFilteredAnswerIsContentFiltered() throws Exception {
        respondJson(200, "content-filtered.response.json");
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(1, s.events().size(), "only the error: " + s.events());
        assertEquals(ErrorKind.CONTENT_FILTERED, assertInstanceOf(StreamEvent.Error.class, s.last()).error().kind());
    }

    @Test
    void streamAnsweredWithMalformedWholeJsonIsAServerError() throws Exception {
        String plain = fixtures.text("plain.response.json");
        server.enqueue(ScriptedResponse.json(200, plain.substring(0, plain.length() / 2)));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(1, s.events().size(), "only the error: " + s.events());
        assertEquals(ErrorKind.SERVER_ERROR, assertInstanceOf(StreamEvent.Error.class, s.last()).error().kind());
    }

    @Test
    void streamLabelledTextPlainIsStillReadAsEvents() throws Exception {
        // Some servers label their event streams text/plain: only JSON, or a body with no events, is treated apart.
        server.enqueue(ScriptedResponse.body(200, "text/plain; charset=utf-8",
                String.join("", fixtures.events("stream.sse")).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(PLAIN_TEXT, s.text(), "events: " + s.events());
        assertInstanceOf(StreamEvent.Finish.class, s.last());
    }

    @Test
    void streamAnsweredWithNeitherEventsNorJsonIsAServerErrorNamingTheType() throws Exception {
        server.enqueue(ScriptedResponse.body(200, "text/html; charset=utf-8",
                "<html><body>Welcome to the proxy</body></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        CollectingSubscriber s = stream(plainRequest(), options(), CollectingSubscriber.all()).awaitDone(AWAIT);
        assertEquals(1, s.events().size(), "only the error: " + s.events());
        ProviderException e = assertInstanceOf(StreamEvent.Error.class, s.last()).error();
        assertEquals(ErrorKind.SERVER_ERROR, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("text/html"), e.getMessage());
    }

    @Test
    void oneClientServesConcurrentStreamsAndCalls() throws Exception {
        List<String> events = fixtures.events("stream.sse");
        String plain = fixtures.text("plain.response.json");
        server.whenIdle(r -> r.path().equals(expectedPath(model(), true)) && r.target().contains("alt=sse")
                || r.bodyText().contains("\"stream\":true") ? ScriptedResponse.sse(events) : ScriptedResponse.json(200, plain));
        List<CollectingSubscriber> streams = new ArrayList<>();
        List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            streams.add(stream(plainRequest(), options(), CollectingSubscriber.all()));
            calls.add(client.complete(plainRequest(), options()));
        }
        for (CollectingSubscriber s : streams) {
            assertEquals(PLAIN_TEXT, s.awaitDone(AWAIT).text());
        }
        for (CompletableFuture<ChatResponse> c : calls) {
            assertEquals(PLAIN_TEXT, c.get(AWAIT.toSeconds(), TimeUnit.SECONDS).text());
        }
        assertEquals(12, server.requestCount());
    }

    @Test
    void nothingIsSentUntilSubscribed() throws Exception {
        client.stream(plainRequest(), options());
        respondJson(200, "plain.response.json");
        client.complete(plainRequest(), options()).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, server.requestCount(), "the unsubscribed stream sent nothing");
    }

    // ---- helpers

    /** Head, {@code n} deltas {@code "w<i> "}, tail. */
    protected List<String> generatedStream(int n) {
        List<String> events = new ArrayList<>(fixtures.events("stream-head.sse"));
        String delta = fixtures.events("stream-delta.sse").get(0);
        for (int i = 0; i < n; i++) {
            events.add(delta.replace("${TEXT}", "w" + i + " "));
        }
        events.addAll(fixtures.events("stream-tail.sse"));
        return events;
    }

    protected static String expectedGeneratedText(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append('w').append(i).append(' ');
        }
        return sb.toString();
    }

    /** Joins tool-call deltas by index into calls, in index order. */
    protected static List<ToolCall> assembleToolCalls(List<StreamEvent> events) {
        Map<Integer, String[]> byIndex = new TreeMap<>();
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.ToolCallDelta d) {
                String[] c = byIndex.computeIfAbsent(d.index(), i -> new String[]{null, null, ""});
                if (d.id() != null) {
                    c[0] = d.id();
                }
                if (d.name() != null) {
                    c[1] = d.name();
                }
                c[2] = c[2] + d.argumentsDelta();
            }
        }
        List<ToolCall> calls = new ArrayList<>();
        for (String[] c : byIndex.values()) {
            if (c[0] == null || c[1] == null) {
                fail("a tool call without id or name: id=" + c[0] + " name=" + c[1]);
            }
            calls.add(new ToolCall(c[0], c[1], c[2]));
        }
        return calls;
    }

    /** Fails unless the usage is the one the fixtures use. */
    protected static void assertPlainUsage(Usage usage) {
        assertEquals(12, usage.inputTokens());
        assertEquals(9, usage.outputTokens());
    }

    /** Reads a fixture as JSON. */
    protected JsonNode fixtureJson(String name) throws IOException {
        return MAPPER.readTree(fixtures.text(name));
    }

    /** Waits for a future that must not complete normally. */
    protected static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
