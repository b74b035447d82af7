package dev.junction.plugin.anthropic.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.plugin.common.Json;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ContentPart;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.Message;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Role;
import dev.junction.spi.SamplingParameters;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;
import dev.junction.spi.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Messages API wire format. The system prompt goes top-level; consecutive user and tool-result turns merge into one
 * user turn of content blocks (Anthropic requires alternating roles and wants parallel tool results together); a
 * tool result with images is a list of text and image blocks; tool-call ids Anthropic would reject are mapped
 * ({@link ToolIds}); JSON output is a forced tool named {@link #structuredToolName}. Stateless, thread-safe; public
 * only for benchmarks.
 */
public final class AnthropicCodec {
    /** The schema accepted for {@link ResponseFormat.Type#JSON_OBJECT}: any object. */
    static final String ANY_OBJECT_SCHEMA = "{\"type\":\"object\"}";

    private AnthropicCodec() {
    }

    /** The forced tool that carries JSON output, or null for text output. */
    public static String structuredToolName(ResponseFormat rf) {
        return switch (rf.type()) {
            case TEXT -> null;
            case JSON_OBJECT -> "json_response";
            case JSON_SCHEMA -> rf.schemaName() != null && rf.schemaName().matches("[a-zA-Z0-9_-]{1,64}")
                    ? rf.schemaName() : "json_response";
        };
    }

    /** Serializes a request. */
    public static byte[] encode(ChatRequest request, String model, boolean stream, int defaultMaxTokens) {
        return Json.write(256 + 64 * request.messages().size(), g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeNumberField("max_tokens", request.maxOutputTokens() != null ? request.maxOutputTokens() : defaultMaxTokens);
            StringBuilder system = new StringBuilder();
            for (Message m : request.messages()) {
                String unsupported = unsupportedPart(m);
                if (unsupported != null) {
                    throw new IllegalArgumentException(unsupported);
                }
                if (m.role() == Role.SYSTEM) {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(m.text());
                }
            }
            if (!system.isEmpty()) {
                g.writeStringField("system", system.toString());
            }
            g.writeArrayFieldStart("messages");
            writeMessages(g, request.messages());
            g.writeEndArray();

            String structured = structuredToolName(request.responseFormat());
            if (!request.tools().isEmpty() || structured != null) {
                g.writeArrayFieldStart("tools");
                for (ToolDefinition t : request.tools()) {
                    g.writeStartObject();
                    g.writeStringField("name", t.name());
                    if (t.description() != null) {
                        g.writeStringField("description", t.description());
                    }
                    Json.writeRawJsonField(g, "input_schema", t.parametersJsonSchema());
                    g.writeEndObject();
                }
                if (structured != null) {
                    ResponseFormat rf = request.responseFormat();
                    g.writeStartObject();
                    g.writeStringField("name", structured);
                    g.writeStringField("description", "Answer by calling this tool with the response as its input.");
                    Json.writeRawJsonField(g, "input_schema", rf.type() == ResponseFormat.Type.JSON_SCHEMA ? rf.jsonSchema() : ANY_OBJECT_SCHEMA);
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (structured != null) {
                    g.writeObjectFieldStart("tool_choice");
                    g.writeStringField("type", "tool");
                    g.writeStringField("name", structured);
                    g.writeEndObject();
                } else {
                    writeToolChoice(g, request.toolChoice());
                }
            }
            SamplingParameters s = request.sampling();
            if (s.temperature() != null) {
                g.writeNumberField("temperature", Math.min(1.0, s.temperature()));
            }
            if (s.topP() != null) {
                g.writeNumberField("top_p", s.topP());
            }
            if (s.topK() != null) {
                g.writeNumberField("top_k", s.topK());
            }
            if (!request.stop().isEmpty()) {
                g.writeArrayFieldStart("stop_sequences");
                for (String stop : request.stop()) {
                    g.writeString(stop);
                }
                g.writeEndArray();
            }
            if (request.userId() != null) {
                g.writeObjectFieldStart("metadata");
                g.writeStringField("user_id", request.userId());
                g.writeEndObject();
            }
            if (stream) {
                g.writeBooleanField("stream", true);
            }
            g.writeEndObject();
        });
    }

    private static void writeToolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
        if (choice == null) {
            return;
        }
        g.writeObjectFieldStart("tool_choice");
        switch (choice.mode()) {
            case AUTO -> g.writeStringField("type", "auto");
            case NONE -> g.writeStringField("type", "none");
            case REQUIRED -> g.writeStringField("type", "any");
            case NAMED -> {
                g.writeStringField("type", "tool");
                g.writeStringField("name", choice.toolName());
            }
        }
        g.writeEndObject();
    }

    private static void writeMessages(JsonGenerator g, List<Message> messages) throws IOException {
        ToolIds ids = new ToolIds(messages);
        String openRole = null;
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                continue;
            }
            String role = m.role() == Role.ASSISTANT ? "assistant" : "user";
            if (!role.equals(openRole)) {
                if (openRole != null) {
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeStartObject();
                g.writeStringField("role", role);
                g.writeArrayFieldStart("content");
                openRole = role;
            }
            writeBlocks(g, m, ids);
        }
        if (openRole != null) {
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /**
     * Why the system prompt cannot be sent as it is, or null: Anthropic's {@code system} field takes text only, so an
     * image in a system message would be lost.
     */
    public static String unsupportedPart(Message m) {
        return m.role() == Role.SYSTEM && m.hasImage()
                ? "Anthropic's system prompt accepts only text, and a system message carries an image" : null;
    }

    private static void writeBlocks(JsonGenerator g, Message m, ToolIds ids) throws IOException {
        if (m.role() == Role.TOOL) {
            g.writeStartObject();
            g.writeStringField("type", "tool_result");
            g.writeStringField("tool_use_id", ids.of(m.toolCallId()));
            if (m.hasImage()) {
                // tool_result content is a string or a list of text and image blocks
                g.writeArrayFieldStart("content");
                writeParts(g, m);
                g.writeEndArray();
            } else {
                g.writeStringField("content", m.text());
            }
            g.writeEndObject();
            return;
        }
        writeParts(g, m);
        for (ToolCall c : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", ids.of(c.id()));
            g.writeStringField("name", c.name());
            Json.writeRawJsonField(g, "input", c.argumentsJson());
            g.writeEndObject();
        }
    }

    private static void writeParts(JsonGenerator g, Message m) throws IOException {
        for (ContentPart part : m.content()) {
            if (part instanceof ContentPart.Text t && t.text().isEmpty()) {
                continue; // OpenAI clients send a tool-call turn as content ""; Anthropic rejects empty text blocks
            }
            g.writeStartObject();
            if (part instanceof ContentPart.Text t) {
                g.writeStringField("type", "text");
                g.writeStringField("text", t.text());
            } else if (part instanceof ContentPart.Image img) {
                g.writeStringField("type", "image");
                g.writeObjectFieldStart("source");
                if (img.base64Data() != null) {
                    g.writeStringField("type", "base64");
                    g.writeStringField("media_type", img.mediaType());
                    g.writeStringField("data", img.base64Data());
                } else {
                    g.writeStringField("type", "url");
                    g.writeStringField("url", img.url());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }

    /**
     * The tool-call ids sent for one request. Anthropic requires {@code tool_use.id} (and so the
     * {@code tool_use_id} answering it) to match {@code ^[a-zA-Z0-9_-]+$}; ids made by other providers may not
     * (OpenAI-compatible servers send {@code functions.get_weather:0}, some none at all). Such an id is sent as
     * {@code toolu_}, the id with every other character replaced by {@code _}, then {@code _} and the hex of its
     * {@link String#hashCode()} (so the same conversation encodes the same way each turn); valid ids are sent as they
     * are. Every occurrence of an id maps to the same valid id, and distinct ids stay distinct (a suffix resolves a
     * clash).
     */
    static final class ToolIds {
        private final Map<String, String> mapped = new HashMap<>();

        ToolIds(List<Message> messages) {
            if (!anyInvalid(messages)) {
                return; // the usual case: nothing to map
            }
            Set<String> taken = new HashSet<>();
            for (Message m : messages) {
                for (ToolCall c : m.toolCalls()) {
                    if (isValid(c.id())) {
                        taken.add(c.id());
                    }
                }
                if (m.toolCallId() != null && isValid(m.toolCallId())) {
                    taken.add(m.toolCallId());
                }
            }
            for (Message m : messages) {
                for (ToolCall c : m.toolCalls()) {
                    map(c.id(), taken);
                }
                if (m.toolCallId() != null) {
                    map(m.toolCallId(), taken);
                }
            }
        }

        private static boolean anyInvalid(List<Message> messages) {
            for (Message m : messages) {
                for (ToolCall c : m.toolCalls()) {
                    if (!isValid(c.id())) {
                        return true;
                    }
                }
                if (m.toolCallId() != null && !isValid(m.toolCallId())) {
                    return true;
                }
            }
            return false;
        }

        private void map(String id, Set<String> taken) {
            if (isValid(id) || mapped.containsKey(id)) {
                return;
            }
            StringBuilder sb = new StringBuilder(id.length() + 16).append("toolu_");
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                sb.append(isValidChar(c) ? c : '_');
            }
            sb.append('_').append(Integer.toHexString(id.hashCode()));
            String base = sb.toString();
            String candidate = base;
            for (int n = 2; !taken.add(candidate); n++) {
                candidate = base + "_" + n;
            }
            mapped.put(id, candidate);
        }

        /** The id to send for {@code id}. */
        String of(String id) {
            return mapped.getOrDefault(id, id);
        }

        static boolean isValid(String id) {
            if (id.isEmpty()) {
                return false;
            }
            for (int i = 0; i < id.length(); i++) {
                if (!isValidChar(id.charAt(i))) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isValidChar(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
        }
    }

    /** What decoding a 2xx body produced: the response, or why it is an error. */
    public record Decoded(ChatResponse response, ErrorKind errorKind, String errorMessage) {
    }

    /** Reads a {@code message} object. */
    public static Decoded decode(byte[] body, String provider, String model, String structuredTool) throws IOException {
        JsonNode root = Json.read(body);
        if (!root.isObject()) {
            throw new IOException("not a JSON object");
        }
        if ("error".equals(Json.text(root, "type"))) {
            return new Decoded(null, ErrorKind.SERVER_ERROR, Json.text(root.get("error"), "message"));
        }
        JsonNode content = root.get("content");
        if (content == null || !content.isArray()) {
            throw new IOException("no content");
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        boolean structuredAnswer = false;
        for (JsonNode block : content) {
            String type = Json.text(block, "type");
            if ("text".equals(type)) {
                text.append(Json.text(block, "text"));
            } else if ("tool_use".equals(type)) {
                String name = Json.text(block, "name");
                JsonNode input = block.get("input");
                String args = input == null ? "{}" : Json.MAPPER.writeValueAsString(input);
                if (structuredTool != null && structuredTool.equals(name)) {
                    text.setLength(0);
                    text.append(args);
                    structuredAnswer = true;
                } else {
                    calls.add(new ToolCall(Json.text(block, "id"), name, args));
                }
            }
        }
        String stopReason = Json.text(root, "stop_reason");
        FinishReason finish = structuredAnswer && "tool_use".equals(stopReason) ? FinishReason.STOP : finishReason(stopReason);
        if (finish == FinishReason.CONTENT_FILTER && text.isEmpty() && calls.isEmpty()) {
            return new Decoded(null, ErrorKind.CONTENT_FILTERED, "the model refused to answer (stop_reason refusal)");
        }
        return new Decoded(new ChatResponse(Json.text(root, "id"), text.toString(), calls, finish, usage(root.get("usage"), 0),
                provider, model, Json.text(root, "model")), null, null);
    }

    /**
     * Reads a {@code usage} object. Anthropic's {@code input_tokens} excludes cache reads and writes; Junction's
     * input count includes them.
     */
    public static Usage usage(JsonNode u, long outputFloor) {
        if (u == null || !u.isObject()) {
            return Usage.of(0, outputFloor);
        }
        long read = Json.count(u, "cache_read_input_tokens");
        long write = Json.count(u, "cache_creation_input_tokens");
        long input = Json.count(u, "input_tokens") + read + write;
        return new Usage(input, Math.max(outputFloor, Json.count(u, "output_tokens")), read, write, 0);
    }

    /** Maps {@code stop_reason}. */
    public static FinishReason finishReason(String reason) {
        if (reason == null) {
            return FinishReason.OTHER;
        }
        return switch (reason) {
            case "end_turn", "stop_sequence" -> FinishReason.STOP;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    /** The kind an Anthropic error type names, or null to let the HTTP status decide. */
    public static ErrorKind errorKind(String type, String message) {
        if (type == null) {
            return null;
        }
        String lower = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        return switch (type) {
            case "overloaded_error" -> ErrorKind.OVERLOADED;
            case "rate_limit_error" -> ErrorKind.RATE_LIMITED;
            case "authentication_error", "permission_error" -> ErrorKind.AUTHENTICATION;
            case "api_error" -> ErrorKind.SERVER_ERROR;
            case "timeout_error" -> ErrorKind.TIMEOUT;
            case "invalid_request_error", "request_too_large" ->
                    lower.contains("prompt is too long") || lower.contains("context window") || lower.contains("context length")
                            || lower.contains("context limit")
                            ? ErrorKind.CONTEXT_LENGTH_EXCEEDED : ErrorKind.BAD_REQUEST;
            default -> null;
        };
    }
}
