package dev.junction.plugin.openai.internal;

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
import dev.junction.spi.SamplingParameters;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;
import dev.junction.spi.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Chat Completions wire format: the request body written with a streaming generator, the response read as a tree.
 * Stateless and thread-safe; public only so benchmarks can reach it (the module does not export it).
 */
public final class OpenAiCodec {

    private OpenAiCodec() {
    }

    /**
     * Serializes a request.
     *
     * @param maxTokensField {@code max_completion_tokens} or {@code max_tokens}
     * @param streamUsage    whether a stream asks for {@code stream_options.include_usage}
     */
    public static byte[] encode(ChatRequest request, String model, boolean stream, String maxTokensField, boolean streamUsage) {
        return Json.write(256 + 64 * request.messages().size(), g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("messages");
            for (Message m : request.messages()) {
                String unsupported = unsupportedPart(m);
                if (unsupported != null) {
                    throw new IllegalArgumentException(unsupported);
                }
                writeMessage(g, m);
            }
            g.writeEndArray();
            if (!request.tools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (ToolDefinition t : request.tools()) {
                    g.writeStartObject();
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", t.name());
                    if (t.description() != null) {
                        g.writeStringField("description", t.description());
                    }
                    Json.writeRawJsonField(g, "parameters", t.parametersJsonSchema());
                    if (t.strict()) {
                        g.writeBooleanField("strict", true);
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
                writeToolChoice(g, request.toolChoice());
            }
            ResponseFormat rf = request.responseFormat();
            if (rf.type() == ResponseFormat.Type.JSON_OBJECT) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_object");
                g.writeEndObject();
            } else if (rf.type() == ResponseFormat.Type.JSON_SCHEMA) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_schema");
                g.writeObjectFieldStart("json_schema");
                g.writeStringField("name", rf.schemaName() == null ? "response" : rf.schemaName());
                Json.writeRawJsonField(g, "schema", rf.jsonSchema());
                g.writeBooleanField("strict", rf.strict());
                g.writeEndObject();
                g.writeEndObject();
            }
            SamplingParameters s = request.sampling();
            if (s.temperature() != null) {
                g.writeNumberField("temperature", s.temperature());
            }
            if (s.topP() != null) {
                g.writeNumberField("top_p", s.topP());
            }
            if (s.seed() != null) {
                g.writeNumberField("seed", s.seed());
            }
            if (s.presencePenalty() != null) {
                g.writeNumberField("presence_penalty", s.presencePenalty());
            }
            if (s.frequencyPenalty() != null) {
                g.writeNumberField("frequency_penalty", s.frequencyPenalty());
            }
            if (request.maxOutputTokens() != null) {
                g.writeNumberField(maxTokensField, request.maxOutputTokens());
            }
            if (!request.stop().isEmpty()) {
                g.writeArrayFieldStart("stop");
                for (String stop : request.stop()) {
                    g.writeString(stop);
                }
                g.writeEndArray();
            }
            if (request.userId() != null) {
                g.writeStringField("user", request.userId());
            }
            if (stream) {
                g.writeBooleanField("stream", true);
                if (streamUsage) {
                    g.writeObjectFieldStart("stream_options");
                    g.writeBooleanField("include_usage", true);
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
        });
    }

    /**
     * Why a message cannot be sent as it is, or null. Chat Completions takes image parts only in user messages:
     * system and tool messages accept text parts, assistant messages text and refusal parts, so an image there
     * would be lost.
     */
    public static String unsupportedPart(Message m) {
        return m.role() != dev.junction.spi.Role.USER && m.hasImage()
                ? "Chat Completions accepts images only in user messages, and a "
                + m.role().name().toLowerCase(java.util.Locale.ROOT) + " message carries an image"
                : null;
    }

    private static void writeToolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
        if (choice == null) {
            return;
        }
        switch (choice.mode()) {
            case AUTO -> g.writeStringField("tool_choice", "auto");
            case NONE -> g.writeStringField("tool_choice", "none");
            case REQUIRED -> g.writeStringField("tool_choice", "required");
            case NAMED -> {
                g.writeObjectFieldStart("tool_choice");
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", choice.toolName());
                g.writeEndObject();
                g.writeEndObject();
            }
        }
    }

    private static void writeMessage(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        switch (m.role()) {
            case SYSTEM -> {
                g.writeStringField("role", "system");
                g.writeStringField("content", m.text());
            }
            case USER -> {
                g.writeStringField("role", "user");
                if (m.hasImage()) {
                    g.writeArrayFieldStart("content");
                    for (ContentPart part : m.content()) {
                        writePart(g, part);
                    }
                    g.writeEndArray();
                } else {
                    g.writeStringField("content", m.text());
                }
            }
            case ASSISTANT -> {
                g.writeStringField("role", "assistant");
                String text = m.text();
                if (text.isEmpty() && !m.toolCalls().isEmpty()) {
                    g.writeNullField("content");
                } else {
                    g.writeStringField("content", text);
                }
                if (!m.toolCalls().isEmpty()) {
                    g.writeArrayFieldStart("tool_calls");
                    for (ToolCall c : m.toolCalls()) {
                        g.writeStartObject();
                        g.writeStringField("id", c.id());
                        g.writeStringField("type", "function");
                        g.writeObjectFieldStart("function");
                        g.writeStringField("name", c.name());
                        g.writeStringField("arguments", c.argumentsJson());
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
            }
            case TOOL -> {
                g.writeStringField("role", "tool");
                g.writeStringField("tool_call_id", m.toolCallId());
                g.writeStringField("content", m.text());
            }
        }
        if (m.name() != null && m.role() != dev.junction.spi.Role.TOOL) {
            g.writeStringField("name", m.name());
        }
        g.writeEndObject();
    }

    private static void writePart(JsonGenerator g, ContentPart part) throws IOException {
        g.writeStartObject();
        if (part instanceof ContentPart.Text t) {
            g.writeStringField("type", "text");
            g.writeStringField("text", t.text());
        } else if (part instanceof ContentPart.Image img) {
            g.writeStringField("type", "image_url");
            g.writeObjectFieldStart("image_url");
            g.writeStringField("url", img.url() != null ? img.url()
                    : "data:" + img.mediaType() + ";base64," + img.base64Data());
            if (img.detail() != null) {
                g.writeStringField("detail", img.detail());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** What decoding a 2xx body produced: the response, or the reason it must be reported as an error. */
    public record Decoded(ChatResponse response, ErrorKind errorKind, String errorMessage) {
    }

    /** Reads a {@code chat.completion} object. */
    public static Decoded decode(byte[] body, String provider, String model) throws IOException {
        JsonNode root = Json.read(body);
        if (!root.isObject()) {
            throw new IOException("not a JSON object");
        }
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            return new Decoded(null, ErrorKind.SERVER_ERROR, Json.text(error, "message"));
        }
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw new IOException("no choices");
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.get("message");
        if (message == null || !message.isObject()) {
            throw new IOException("no message");
        }
        String text = contentText(message.get("content"));
        List<ToolCall> calls = new ArrayList<>();
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (JsonNode tc : toolCalls) {
                JsonNode fn = tc.get("function");
                String id = Json.text(tc, "id");
                calls.add(new ToolCall(id == null ? "call_" + UUID.randomUUID() : id, Json.text(fn, "name"),
                        Json.text(fn, "arguments")));
            }
        }
        FinishReason finish = finishReason(Json.text(choice, "finish_reason"));
        String refusal = Json.text(message, "refusal");
        boolean empty = (text == null || text.isEmpty()) && calls.isEmpty();
        if (empty && (finish == FinishReason.CONTENT_FILTER || refusal != null)) {
            return new Decoded(null, ErrorKind.CONTENT_FILTERED, refusal != null ? "the model refused: " + refusal
                    : "the provider's content filter withheld the answer");
        }
        String id = Json.text(root, "id");
        return new Decoded(new ChatResponse(id == null ? "chatcmpl-" + UUID.randomUUID() : id, text, calls, finish,
                usage(root.get("usage")), provider, model, Json.text(root, "model")), null, null);
    }

    /**
     * The answer's text: {@code content} is a string, or (Mistral's reasoning models) a list of chunks whose
     * {@code text} chunks are the answer and whose {@code thinking} chunks are hidden reasoning.
     *
     * @throws IOException when it is neither, so that no answer is silently read as empty
     */
    static String contentText(JsonNode content) throws IOException {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw new IOException("content is neither text nor a list of chunks");
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode chunk : content) {
            if ("text".equals(Json.text(chunk, "type"))) {
                String t = Json.text(chunk, "text");
                if (t != null) {
                    sb.append(t);
                }
            }
        }
        return sb.toString();
    }

    /** Reads a {@code usage} object: prompt/completion tokens, cached prompt tokens and reasoning tokens. */
    public static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return Usage.ZERO;
        }
        long cached = Json.count(u, "prompt_tokens_details", "cached_tokens");
        if (cached == 0) {
            cached = Json.count(u, "prompt_cache_hit_tokens"); // DeepSeek
        }
        long input = Json.count(u, "prompt_tokens");
        return new Usage(input, Json.count(u, "completion_tokens"), Math.min(cached, input), 0,
                Json.count(u, "completion_tokens_details", "reasoning_tokens"));
    }

    /** Maps {@code finish_reason}. */
    public static FinishReason finishReason(String reason) {
        if (reason == null) {
            return FinishReason.STOP;
        }
        return switch (reason) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }
}
