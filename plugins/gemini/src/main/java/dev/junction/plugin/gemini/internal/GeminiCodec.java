package dev.junction.plugin.gemini.internal;

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
import java.util.List;
import java.util.UUID;

/**
 * Gemini {@code generateContent} wire format. System messages become {@code systemInstruction}; assistant turns are
 * role {@code model}; tool results become {@code functionResponse} parts (named after the call they answer, found by
 * id in the history) merged into one user turn, with a tool result's images in {@code functionResponse.parts}
 * (Gemini 3's multimodal function responses). Stateless, thread-safe; public only for benchmarks.
 */
public final class GeminiCodec {

    private GeminiCodec() {
    }

    /** Serializes a request (the model and streaming are in the URL, not the body). */
    public static byte[] encode(ChatRequest request) {
        return encode(request, false);
    }

    /**
     * The thought signature Gemini documents for function calls it did not itself produce (or whose signature was
     * not kept): Gemini 3 refuses a current-turn function call without one.
     */
    static final String DUMMY_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

    /** Why a system message with an image cannot be sent: {@code systemInstruction} is text only. */
    static final String SYSTEM_IMAGE =
            "Gemini's systemInstruction accepts only text, and a system message carries an image";

    /** Serializes a request; {@code signCalls} adds the dummy thought signature to each model turn's first call. */
    public static byte[] encode(ChatRequest request, boolean signCalls) {
        return Json.write(256 + 64 * request.messages().size(), g -> {
            g.writeStartObject();
            StringBuilder system = new StringBuilder();
            for (Message m : request.messages()) {
                if (m.role() == Role.SYSTEM && m.hasImage()) {
                    throw new IllegalArgumentException(SYSTEM_IMAGE);
                }
                if (m.role() == Role.SYSTEM) {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(m.text());
                }
            }
            g.writeArrayFieldStart("contents");
            writeContents(g, request.messages(), signCalls);
            g.writeEndArray();
            if (!system.isEmpty()) {
                g.writeObjectFieldStart("systemInstruction");
                g.writeArrayFieldStart("parts");
                g.writeStartObject();
                g.writeStringField("text", system.toString());
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }
            if (!request.tools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                g.writeStartObject();
                g.writeArrayFieldStart("functionDeclarations");
                for (ToolDefinition t : request.tools()) {
                    g.writeStartObject();
                    g.writeStringField("name", t.name());
                    if (t.description() != null) {
                        g.writeStringField("description", t.description());
                    }
                    g.writeFieldName("parameters");
                    g.writeTree(GeminiSchema.convertText(t.parametersJsonSchema(), "tool parameters"));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
                writeToolConfig(g, request.toolChoice());
            }
            writeGenerationConfig(g, request);
            g.writeEndObject();
        });
    }

    private static void writeToolConfig(JsonGenerator g, ToolChoice choice) throws IOException {
        if (choice == null) {
            return;
        }
        g.writeObjectFieldStart("toolConfig");
        g.writeObjectFieldStart("functionCallingConfig");
        switch (choice.mode()) {
            case AUTO -> g.writeStringField("mode", "AUTO");
            case NONE -> g.writeStringField("mode", "NONE");
            case REQUIRED -> g.writeStringField("mode", "ANY");
            case NAMED -> {
                g.writeStringField("mode", "ANY");
                g.writeArrayFieldStart("allowedFunctionNames");
                g.writeString(choice.toolName());
                g.writeEndArray();
            }
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeGenerationConfig(JsonGenerator g, ChatRequest request) throws IOException {
        SamplingParameters s = request.sampling();
        ResponseFormat rf = request.responseFormat();
        boolean any = s.temperature() != null || s.topP() != null || s.topK() != null || s.seed() != null
                || s.presencePenalty() != null || s.frequencyPenalty() != null || request.maxOutputTokens() != null
                || !request.stop().isEmpty() || rf.type() != ResponseFormat.Type.TEXT;
        if (!any) {
            return;
        }
        g.writeObjectFieldStart("generationConfig");
        if (s.temperature() != null) {
            g.writeNumberField("temperature", s.temperature());
        }
        if (s.topP() != null) {
            g.writeNumberField("topP", s.topP());
        }
        if (s.topK() != null) {
            g.writeNumberField("topK", s.topK());
        }
        if (s.seed() != null) {
            g.writeNumberField("seed", s.seed());
        }
        if (s.presencePenalty() != null) {
            g.writeNumberField("presencePenalty", s.presencePenalty());
        }
        if (s.frequencyPenalty() != null) {
            g.writeNumberField("frequencyPenalty", s.frequencyPenalty());
        }
        if (request.maxOutputTokens() != null) {
            g.writeNumberField("maxOutputTokens", request.maxOutputTokens());
        }
        if (!request.stop().isEmpty()) {
            g.writeArrayFieldStart("stopSequences");
            for (String stop : request.stop()) {
                g.writeString(stop);
            }
            g.writeEndArray();
        }
        if (rf.type() != ResponseFormat.Type.TEXT) {
            g.writeStringField("responseMimeType", "application/json");
            if (rf.type() == ResponseFormat.Type.JSON_SCHEMA) {
                g.writeFieldName("responseSchema");
                g.writeTree(GeminiSchema.convertText(rf.jsonSchema(), "the response JSON schema"));
            }
        }
        g.writeEndObject();
    }

    private static void writeContents(JsonGenerator g, List<Message> messages, boolean signCalls) throws IOException {
        String openRole = null;
        boolean signed = false;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.role() == Role.SYSTEM) {
                continue;
            }
            String role = m.role() == Role.ASSISTANT ? "model" : "user";
            if (!role.equals(openRole)) {
                if (openRole != null) {
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeStartObject();
                g.writeStringField("role", role);
                g.writeArrayFieldStart("parts");
                openRole = role;
                signed = !signCalls;
            }
            signed |= writeParts(g, m, messages, i, signed);
        }
        if (openRole != null) {
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Writes a message's parts; returns whether it wrote a thought signature. */
    private static boolean writeParts(JsonGenerator g, Message m, List<Message> history, int at, boolean signed) throws IOException {
        if (m.role() == Role.TOOL) {
            g.writeStartObject();
            g.writeObjectFieldStart("functionResponse");
            g.writeStringField("name", m.name() != null ? m.name() : toolNameFor(m.toolCallId(), history, at));
            g.writeFieldName("response");
            String text = m.text();
            JsonNode parsed = parseObjectOrNull(text);
            if (parsed != null) {
                g.writeTree(parsed);
            } else {
                g.writeStartObject();
                g.writeStringField("result", text);
                g.writeEndObject();
            }
            if (m.hasImage()) {
                // Multimodal function responses (Gemini 3): the images go in functionResponse.parts.
                g.writeArrayFieldStart("parts");
                for (ContentPart part : m.content()) {
                    if (part instanceof ContentPart.Image img) {
                        g.writeStartObject();
                        writeImage(g, img);
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
            return false;
        }
        for (ContentPart part : m.content()) {
            if (part instanceof ContentPart.Text t && t.text().isEmpty()) {
                continue; // OpenAI clients send a tool-call turn as content ""; Gemini rejects an empty text part
            }
            g.writeStartObject();
            if (part instanceof ContentPart.Text t) {
                g.writeStringField("text", t.text());
            } else if (part instanceof ContentPart.Image img) {
                writeImage(g, img);
            }
            g.writeEndObject();
        }
        boolean wrote = false;
        for (ToolCall c : m.toolCalls()) {
            g.writeStartObject();
            g.writeObjectFieldStart("functionCall");
            g.writeStringField("name", c.name());
            Json.writeRawJsonField(g, "args", c.argumentsJson());
            g.writeEndObject();
            if (!signed) {
                g.writeStringField("thoughtSignature", DUMMY_THOUGHT_SIGNATURE);
                signed = true;
                wrote = true;
            }
            g.writeEndObject();
        }
        return wrote;
    }

    private static void writeImage(JsonGenerator g, ContentPart.Image img) throws IOException {
        if (img.base64Data() != null) {
            g.writeObjectFieldStart("inlineData");
            g.writeStringField("mimeType", img.mediaType());
            g.writeStringField("data", img.base64Data());
        } else {
            g.writeObjectFieldStart("fileData");
            if (img.mediaType() != null) {
                g.writeStringField("mimeType", img.mediaType());
            }
            g.writeStringField("fileUri", img.url());
        }
        g.writeEndObject();
    }

    private static JsonNode parseObjectOrNull(String text) {
        String t = text.strip();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(t);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The name of the tool call {@code id} answers: the nearest earlier assistant call with that id. */
    static String toolNameFor(String id, List<Message> history, int before) {
        for (int i = before - 1; i >= 0; i--) {
            for (ToolCall c : history.get(i).toolCalls()) {
                if (c.id().equals(id)) {
                    return c.name();
                }
            }
        }
        throw new IllegalArgumentException("tool result " + id + " answers no earlier tool call; Gemini needs the function name");
    }

    /** What decoding a 2xx body produced: the response, or why it is an error. */
    public record Decoded(ChatResponse response, ErrorKind errorKind, String errorMessage) {
    }

    /** Reads a {@code GenerateContentResponse}. */
    public static Decoded decode(byte[] body, String provider, String model) throws IOException {
        JsonNode root = Json.read(body);
        if (!root.isObject()) {
            throw new IOException("not a JSON object");
        }
        String blocked = Json.text(root.get("promptFeedback"), "blockReason");
        JsonNode candidates = root.get("candidates");
        if (blocked != null && (candidates == null || candidates.isEmpty())) {
            return new Decoded(null, ErrorKind.CONTENT_FILTERED, "the prompt was blocked: " + blocked);
        }
        if (candidates == null || !candidates.isArray() || candidates.isEmpty()) {
            throw new IOException("no candidates");
        }
        JsonNode candidate = candidates.get(0);
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        JsonNode parts = candidate.path("content").path("parts");
        for (JsonNode part : parts) {
            if (part.path("thought").asBoolean(false)) {
                continue;
            }
            String t = Json.text(part, "text");
            if (t != null) {
                text.append(t);
            }
            JsonNode fc = part.get("functionCall");
            if (fc != null) {
                calls.add(toolCall(fc, calls.size()));
            }
        }
        String reason = Json.text(candidate, "finishReason");
        FinishReason finish = finishReason(reason, !calls.isEmpty());
        if (finish == FinishReason.CONTENT_FILTER && text.isEmpty() && calls.isEmpty()) {
            return new Decoded(null, ErrorKind.CONTENT_FILTERED, "the answer was blocked: " + reason);
        }
        String id = Json.text(root, "responseId");
        return new Decoded(new ChatResponse(id == null ? "gemini-" + UUID.randomUUID() : id, text.toString(), calls, finish,
                usage(root.get("usageMetadata")), provider, model, Json.text(root, "modelVersion")), null, null);
    }

    /** A {@code functionCall} part as a tool call; Gemini ids are optional, so a missing one is made from the index. */
    static ToolCall toolCall(JsonNode fc, int index) throws IOException {
        String id = Json.text(fc, "id");
        JsonNode args = fc.get("args");
        return new ToolCall(id == null ? "call_" + index + "_" + Json.text(fc, "name") : id, Json.text(fc, "name"),
                args == null ? "{}" : Json.MAPPER.writeValueAsString(args));
    }

    /** Reads {@code usageMetadata}; output includes thinking tokens, which are also reported as reasoning. */
    public static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return Usage.ZERO;
        }
        long thoughts = Json.count(u, "thoughtsTokenCount");
        long input = Json.count(u, "promptTokenCount");
        return new Usage(input, Json.count(u, "candidatesTokenCount") + thoughts,
                Math.min(input, Json.count(u, "cachedContentTokenCount")), 0, thoughts);
    }

    /** Maps a candidate's {@code finishReason}. */
    public static FinishReason finishReason(String reason, boolean calledTools) {
        if (reason == null) {
            return calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
        return switch (reason) {
            case "STOP" -> calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }
}
