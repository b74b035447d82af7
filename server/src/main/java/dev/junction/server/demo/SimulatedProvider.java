package dev.junction.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A SIMULATED LLM provider on loopback that speaks the OpenAI Chat Completions or the Anthropic Messages wire
 * protocol, so that Junction's real plugins talk to it exactly as they would to the real API.
 *
 * <p>Nothing here is a real model: answers are canned text derived from the prompt, token counts are estimated
 * (about 4 characters per token), and every model's latency and failure rate are the {@link Model} values given at
 * construction. Failures are drawn from a seeded random generator, so a run is repeatable. Thread-safe; one virtual
 * thread per request. Close it to stop listening.
 */
public final class SimulatedProvider implements AutoCloseable {

    /** The wire protocol a simulated provider speaks. */
    public enum Wire { OPENAI, ANTHROPIC }

    /**
     * One simulated model.
     *
     * @param id              the model id
     * @param latency         the time before the answer starts
     * @param perOutputToken  extra time per generated token
     * @param failureRate     the probability in [0, 1] that a call fails (503 for OpenAI, 529 overloaded for Anthropic)
     * @param outputTokens    how many tokens an answer has
     */
    public record Model(String id, Duration latency, Duration perOutputToken, double failureRate, int outputTokens) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Wire wire;
    private final Map<String, Model> models;
    private final Random random;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /**
     * Starts listening on 127.0.0.1 at an ephemeral port.
     *
     * @param seed the seed of the failure draws
     */
    public SimulatedProvider(Wire wire, Map<String, Model> models, long seed) {
        this(wire, models, seed, 0);
    }

    /**
     * Starts listening on 127.0.0.1 at the given port (0 for an ephemeral one).
     *
     * @param seed the seed of the failure draws
     */
    public SimulatedProvider(Wire wire, Map<String, Model> models, long seed, int port) {
        this.wire = wire;
        this.models = Map.copyOf(models);
        this.random = new Random(seed);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback", e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(wire == Wire.OPENAI ? "/v1/chat/completions" : "/v1/messages", this::handle);
        server.start();
    }

    /** The base URL to configure the matching plugin with. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + (wire == Wire.OPENAI ? "/v1" : ""));
    }

    public long calls() {
        return calls.get();
    }

    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private boolean fails(Model m) {
        if (m.failureRate() <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < m.failureRate();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            calls.incrementAndGet();
            JsonNode body;
            try (InputStream in = ex.getRequestBody()) {
                body = JSON.readTree(in);
            } catch (IOException e) {
                send(ex, 400, error("invalid_request_error", "malformed JSON"));
                return;
            }
            String modelId = body.path("model").asText("");
            Model m = models.get(modelId);
            if (m == null) {
                send(ex, 404, error("not_found_error", "model " + modelId + " does not exist"));
                return;
            }
            String prompt = lastUserText(body);
            int inputTokens = Math.max(1, body.toString().length() / 4);
            sleep(m.latency());
            if (fails(m)) {
                failures.incrementAndGet();
                if (wire == Wire.OPENAI) {
                    send(ex, 503, error("server_error", "SIMULATED outage: the upstream is unavailable"));
                } else {
                    send(ex, 529, error("overloaded_error", "SIMULATED overload"));
                }
                return;
            }
            sleep(m.perOutputToken().multipliedBy(m.outputTokens()));
            String text = "SIMULATED answer from " + modelId + ": " + summary(prompt);
            boolean stream = body.path("stream").asBoolean(false);
            boolean toolCall = body.path("tools").isArray() && !body.path("tools").isEmpty()
                    && !lastRole(body).equals(wire == Wire.OPENAI ? "tool" : "user_tool_result");
            String toolName = toolCall ? body.path("tools").get(0).path(wire == Wire.OPENAI ? "function" : "")
                    .path("name").asText(body.path("tools").get(0).path("name").asText("tool")) : null;
            if (wire == Wire.OPENAI) {
                if (stream) {
                    openAiStream(ex, modelId, text, toolName, inputTokens, m.outputTokens(),
                            body.path("stream_options").path("include_usage").asBoolean(false));
                } else {
                    send(ex, 200, openAiCompletion(modelId, text, toolName, inputTokens, m.outputTokens()));
                }
            } else {
                send(ex, 200, anthropicMessage(modelId, text, toolName, inputTokens, m.outputTokens()));
            }
        }
    }

    private static String lastRole(JsonNode body) {
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return "";
        }
        JsonNode last = messages.get(messages.size() - 1);
        String role = last.path("role").asText("");
        if (role.equals("user") && last.path("content").isArray()) {
            for (JsonNode block : last.path("content")) {
                if (block.path("type").asText("").equals("tool_result")) {
                    return "user_tool_result";
                }
            }
        }
        return role;
    }

    private static String lastUserText(JsonNode body) {
        JsonNode messages = body.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m.path("role").asText("").equals("user")) {
                JsonNode c = m.path("content");
                if (c.isTextual()) {
                    return c.textValue();
                }
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : c) {
                    sb.append(part.path("text").asText(""));
                }
                return sb.toString();
            }
        }
        return "";
    }

    private static String summary(String prompt) {
        String p = prompt.strip();
        return p.length() > 60 ? "about \"" + p.substring(0, 57) + "...\"" : "about \"" + p + "\"";
    }

    private static void sleep(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] error(String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        if (wire == Wire.ANTHROPIC) {
            root.put("type", "error");
        }
        ObjectNode err = root.putObject("error");
        err.put("type", type);
        err.put("message", message);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] openAiCompletion(String model, String text, String toolName, int in, int out) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-sim");
        root.put("object", "chat.completion");
        root.put("created", 0);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        if (toolName != null) {
            msg.putNull("content");
            ObjectNode call = msg.putArray("tool_calls").addObject();
            call.put("id", "call_sim_1");
            call.put("type", "function");
            call.putObject("function").put("name", toolName).put("arguments", "{\"city\":\"Paris\"}");
            choice.put("finish_reason", "tool_calls");
        } else {
            msg.put("content", text);
            choice.put("finish_reason", "stop");
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", in);
        usage.put("completion_tokens", out);
        usage.put("total_tokens", in + out);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void openAiStream(HttpExchange ex, String model, String text, String toolName, int in, int out,
                                     boolean includeUsage) throws IOException {
        ex.getResponseHeaders().set("content-type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream os = ex.getResponseBody()) {
            ObjectNode first = chunk(model);
            first.withArray("choices").addObject().put("index", 0).putObject("delta").put("role", "assistant").put("content", "");
            event(os, first);
            if (toolName != null) {
                ObjectNode c1 = chunk(model);
                ObjectNode call = c1.withArray("choices").addObject().put("index", 0).putObject("delta")
                        .putArray("tool_calls").addObject();
                call.put("index", 0).put("id", "call_sim_1").put("type", "function");
                call.putObject("function").put("name", toolName).put("arguments", "");
                event(os, c1);
                ObjectNode c2 = chunk(model);
                c2.withArray("choices").addObject().put("index", 0).putObject("delta").putArray("tool_calls").addObject()
                        .put("index", 0).putObject("function").put("arguments", "{\"city\":\"Paris\"}");
                event(os, c2);
            } else {
                String[] words = text.split("(?<= )");
                for (String w : words) {
                    ObjectNode c = chunk(model);
                    c.withArray("choices").addObject().put("index", 0).putObject("delta").put("content", w);
                    event(os, c);
                }
            }
            ObjectNode done = chunk(model);
            ObjectNode fc = done.withArray("choices").addObject().put("index", 0);
            fc.putObject("delta");
            fc.put("finish_reason", toolName != null ? "tool_calls" : "stop");
            event(os, done);
            if (includeUsage) {
                ObjectNode u = chunk(model);
                u.putArray("choices");
                u.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
                event(os, u);
            }
            os.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            os.flush();
        }
    }

    private static ObjectNode chunk(String model) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "chatcmpl-sim");
        c.put("object", "chat.completion.chunk");
        c.put("created", 0);
        c.put("model", model);
        return c;
    }

    private static void event(OutputStream os, JsonNode node) throws IOException {
        os.write(("data: " + node + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private static byte[] anthropicMessage(String model, String text, String toolName, int in, int out) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "msg_sim");
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", model);
        ArrayNode content = root.putArray("content");
        if (toolName != null) {
            ObjectNode use = content.addObject();
            use.put("type", "tool_use").put("id", "toolu_sim_1").put("name", toolName);
            use.putObject("input").put("city", "Paris");
            root.put("stop_reason", "tool_use");
        } else {
            content.addObject().put("type", "text").put("text", text);
            root.put("stop_reason", "end_turn");
        }
        root.putNull("stop_sequence");
        root.putObject("usage").put("input_tokens", in).put("output_tokens", out);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
