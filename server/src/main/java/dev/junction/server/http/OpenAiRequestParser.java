package dev.junction.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ContentPart;
import dev.junction.spi.Message;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Role;
import dev.junction.spi.SamplingParameters;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads OpenAI Chat Completions and Embeddings request bodies into the normalized model, strictly.
 *
 * <p>Every problem becomes a 400 {@link ApiError} naming the parameter (e.g. {@code messages[2].role}), as OpenAI
 * does: malformed JSON, invalid UTF-8, wrong types, unknown roles, missing fields. Stateless and thread-safe.
 */
final class OpenAiRequestParser {

    /** The shared mapper: strict duplicates, no trailing tokens, invalid UTF-8 rejected by Jackson's decoder. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private OpenAiRequestParser() {
    }

    /** Parses a body into a JSON object, or throws a 400 saying where the JSON is broken. */
    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw ApiError.invalid(null, "The request body is empty; expected a JSON object.");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiError.invalid(null, "We could not parse the JSON body of your request" + where + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.invalid(null, "We could not read the body of your request: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.invalid(null, "The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    static ParsedChatRequest chat(byte[] body) {
        ObjectNode root = parseObject(body);
        String model = requiredText(root, "model");
        List<Message> messages = messages(root.get("messages"));
        List<ToolDefinition> tools = tools(root.get("tools"));
        ToolChoice toolChoice = toolChoice(root.get("tool_choice"));
        ResponseFormat format = responseFormat(root.get("response_format"));
        SamplingParameters sampling;
        try {
            sampling = new SamplingParameters(optDouble(root, "temperature"), optDouble(root, "top_p"),
                    optInt(root, "top_k"), optLong(root, "seed"), optDouble(root, "presence_penalty"),
                    optDouble(root, "frequency_penalty"));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(null, e.getMessage());
        }
        String maxField = root.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        Integer maxTokens = optInt(root, maxField);
        if (maxTokens != null && maxTokens < 1) {
            throw ApiError.invalid(maxField, maxField + " must be at least 1, was " + maxTokens + ".");
        }
        // Answering without the log-probabilities asked for would look like success; say so instead.
        if (optBoolean(root, "logprobs", false)) {
            throw ApiError.invalid("logprobs", "logprobs are not supported by this gateway; send logprobs: false.");
        }
        Integer topLogprobs = optInt(root, "top_logprobs");
        if (topLogprobs != null && topLogprobs > 0) {
            throw ApiError.invalid("top_logprobs", "top_logprobs are not supported by this gateway.");
        }
        Integer n = optInt(root, "n");
        if (n != null && n != 1) {
            throw ApiError.invalid("n", "Only n=1 is supported, was " + n + ".");
        }
        List<String> stop = stop(root.get("stop"));
        boolean stream = optBoolean(root, "stream", false);
        boolean includeUsage = false;
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw ApiError.invalid("stream_options", "stream_options must be an object.");
            }
            includeUsage = optBoolean((ObjectNode) streamOptions, "include_usage", false);
        }
        String user = optText(root, "user");
        Map<String, String> metadata = metadata(root.get("metadata"));
        JsonNode intent = root.get("intent");
        if (intent != null && !intent.isNull() && !intent.isObject()) {
            throw ApiError.invalid("intent", "intent must be an object.");
        }
        ChatRequest request;
        try {
            request = new ChatRequest(messages, tools, toolChoice, format, sampling, maxTokens, stop, null, user, metadata);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(null, e.getMessage());
        }
        return new ParsedChatRequest(request, model, stream, includeUsage,
                intent == null || intent.isNull() ? null : intent);
    }

    /** OpenAI's limit on the items of an embeddings request's {@code input}. */
    static final int MAX_EMBEDDING_INPUTS = 2048;

    /** The texts of an embeddings request's {@code input} (a string or an array of at most 2048 strings). */
    static List<String> embeddingInputs(ObjectNode root) {
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) {
            throw ApiError.invalid("input", "Missing required parameter: 'input'.");
        }
        if (input.isTextual()) {
            return List.of(input.textValue());
        }
        if (!input.isArray() || input.isEmpty()) {
            throw ApiError.invalid("input", "input must be a string or a non-empty array of strings.");
        }
        if (input.size() > MAX_EMBEDDING_INPUTS) {
            throw ApiError.invalid("input", "input must have at most " + MAX_EMBEDDING_INPUTS + " items, has "
                    + input.size() + ".");
        }
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!item.isTextual()) {
                throw ApiError.invalid("input[" + i + "]", "input[" + i + "] must be a string (token arrays are not supported).");
            }
            texts.add(item.textValue());
        }
        return texts;
    }

    private static List<Message> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiError.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!node.isArray()) {
            throw ApiError.invalid("messages", "messages must be an array.");
        }
        if (node.isEmpty()) {
            throw ApiError.invalid("messages", "messages must contain at least one message.");
        }
        List<Message> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(message(node.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    private static Message message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw ApiError.invalid(path, path + " must be an object.");
        }
        ObjectNode m = (ObjectNode) node;
        String roleText = requiredText(m, "role", path + ".role");
        Role role = switch (roleText) {
            case "system", "developer" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            default -> throw ApiError.invalid(path + ".role", "Invalid value for '" + path + ".role': '" + roleText
                    + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
        };
        List<ContentPart> content = content(m.get("content"), path + ".content", role);
        List<ToolCall> toolCalls = List.of();
        JsonNode calls = m.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (role != Role.ASSISTANT) {
                throw ApiError.invalid(path + ".tool_calls", "Only assistant messages may carry tool_calls.");
            }
            if (!calls.isArray()) {
                throw ApiError.invalid(path + ".tool_calls", path + ".tool_calls must be an array.");
            }
            toolCalls = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                String p = path + ".tool_calls[" + i + "]";
                JsonNode call = calls.get(i);
                if (!call.isObject()) {
                    throw ApiError.invalid(p, p + " must be an object.");
                }
                JsonNode function = call.get("function");
                if (function == null || !function.isObject()) {
                    throw ApiError.invalid(p + ".function", "Missing required parameter: '" + p + ".function'.");
                }
                toolCalls.add(new ToolCall(requiredText((ObjectNode) call, "id", p + ".id"),
                        requiredText((ObjectNode) function, "name", p + ".function.name"),
                        optText((ObjectNode) function, "arguments", p + ".function.arguments")));
            }
        }
        String toolCallId = optText(m, "tool_call_id", path + ".tool_call_id");
        if (role == Role.TOOL && toolCallId == null) {
            throw ApiError.invalid(path + ".tool_call_id", "Missing required parameter: '" + path + ".tool_call_id'.");
        }
        if (role != Role.ASSISTANT && content.isEmpty()) {
            throw ApiError.invalid(path + ".content", "Missing required parameter: '" + path + ".content'.");
        }
        String name = optText(m, "name", path + ".name");
        return new Message(role, content, toolCalls, role == Role.TOOL ? toolCallId : null, name);
    }

    private static List<ContentPart> content(JsonNode node, String path, Role role) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(new ContentPart.Text(node.textValue()));
        }
        if (!node.isArray()) {
            throw ApiError.invalid(path, path + " must be a string or an array of content parts.");
        }
        List<ContentPart> parts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode part = node.get(i);
            if (!part.isObject()) {
                throw ApiError.invalid(p, p + " must be an object.");
            }
            String type = requiredText((ObjectNode) part, "type", p + ".type");
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(requiredText((ObjectNode) part, "text", p + ".text")));
                case "image_url" -> {
                    if (role != Role.USER) {
                        throw ApiError.invalid(p, "Image content is only allowed in user messages.");
                    }
                    JsonNode image = part.get("image_url");
                    if (image == null || !image.isObject()) {
                        throw ApiError.invalid(p + ".image_url", "Missing required parameter: '" + p + ".image_url'.");
                    }
                    parts.add(image(requiredText((ObjectNode) image, "url", p + ".image_url.url"),
                            optText((ObjectNode) image, "detail", p + ".image_url.detail"), p));
                }
                default -> throw ApiError.invalid(p + ".type", "Invalid value for '" + p + ".type': '" + type
                        + "'. Supported values are: 'text' and 'image_url'.");
            }
        }
        return parts;
    }

    private static ContentPart.Image image(String url, String detail, String path) {
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            int semi = url.indexOf(";base64");
            if (comma < 0 || semi < 0 || semi > comma) {
                throw ApiError.invalid(path + ".image_url.url", "An inline image must be a data URL with ;base64.");
            }
            return new ContentPart.Image(null, url.substring(5, semi), url.substring(comma + 1), detail);
        }
        return new ContentPart.Image(url, null, null, detail);
    }

    private static List<ToolDefinition> tools(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiError.invalid("tools", "tools must be an array.");
        }
        List<ToolDefinition> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String p = "tools[" + i + "]";
            JsonNode tool = node.get(i);
            if (!tool.isObject()) {
                throw ApiError.invalid(p, p + " must be an object.");
            }
            String type = optText((ObjectNode) tool, "type", p + ".type");
            if (type != null && !type.equals("function")) {
                throw ApiError.invalid(p + ".type", "Invalid value for '" + p + ".type': '" + type
                        + "'. Supported values are: 'function'.");
            }
            JsonNode fn = tool.get("function");
            if (fn == null || !fn.isObject()) {
                throw ApiError.invalid(p + ".function", "Missing required parameter: '" + p + ".function'.");
            }
            JsonNode params = fn.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw ApiError.invalid(p + ".function.parameters", p + ".function.parameters must be a JSON Schema object.");
            }
            String name = requiredText((ObjectNode) fn, "name", p + ".function.name");
            if (name.isBlank()) {
                throw ApiError.invalid(p + ".function.name", p + ".function.name must not be blank.");
            }
            tools.add(new ToolDefinition(name, optText((ObjectNode) fn, "description", p + ".function.description"),
                    params == null || params.isNull() ? null : params.toString(),
                    optBoolean((ObjectNode) fn, "strict", false)));
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return switch (node.textValue()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw ApiError.invalid("tool_choice", "Invalid value for 'tool_choice': '" + node.textValue()
                        + "'. Supported values are: 'auto', 'none', 'required' or a function object.");
            };
        }
        if (node.isObject() && node.get("function") instanceof ObjectNode fn) {
            return ToolChoice.named(requiredText(fn, "name", "tool_choice.function.name"));
        }
        throw ApiError.invalid("tool_choice", "tool_choice must be a string or {\"type\":\"function\",\"function\":{\"name\":...}}.");
    }

    private static ResponseFormat responseFormat(JsonNode node) {
        if (node == null || node.isNull()) {
            return ResponseFormat.TEXT;
        }
        if (!node.isObject()) {
            throw ApiError.invalid("response_format", "response_format must be an object.");
        }
        String type = requiredText((ObjectNode) node, "type", "response_format.type");
        return switch (type) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> ResponseFormat.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode js = node.get("json_schema");
                if (js == null || !js.isObject()) {
                    throw ApiError.invalid("response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.");
                }
                JsonNode schema = js.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw ApiError.invalid("response_format.json_schema.schema", "response_format.json_schema.schema must be an object.");
                }
                yield new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA,
                        requiredText((ObjectNode) js, "name", "response_format.json_schema.name"), schema.toString(),
                        optBoolean((ObjectNode) js, "strict", false));
            }
            default -> throw ApiError.invalid("response_format.type", "Invalid value for 'response_format.type': '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        };
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw ApiError.invalid("stop", "stop must be a string or an array of strings.");
        }
        List<String> stop = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw ApiError.invalid("stop[" + i + "]", "stop[" + i + "] must be a string.");
            }
            stop.add(node.get(i).textValue());
        }
        return stop;
    }

    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiError.invalid("metadata", "metadata must be an object of string values.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw ApiError.invalid("metadata." + e.getKey(), "metadata values must be strings.");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    static String requiredText(ObjectNode node, String field) {
        return requiredText(node, field, field);
    }

    static String requiredText(ObjectNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw ApiError.invalid(path, "Missing required parameter: '" + path + "'.");
        }
        if (!v.isTextual()) {
            throw ApiError.invalid(path, "Invalid type for '" + path + "': expected a string, but got " + kind(v) + ".");
        }
        return v.textValue();
    }

    static String optText(ObjectNode node, String field) {
        return optText(node, field, field);
    }

    static String optText(ObjectNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.invalid(path, "Invalid type for '" + path + "': expected a string, but got " + kind(v) + ".");
        }
        return v.textValue();
    }

    static Double optDouble(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiError.invalid(field, "Invalid type for '" + field + "': expected a number, but got " + kind(v) + ".");
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw ApiError.invalid(field, "'" + field + "' must be a finite number.");
        }
        return d;
    }

    static Integer optInt(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.invalid(field, "Invalid type for '" + field + "': expected an integer, but got " + kind(v) + ".");
        }
        return v.intValue();
    }

    static Long optLong(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.invalid(field, "Invalid type for '" + field + "': expected an integer, but got " + kind(v) + ".");
        }
        return v.longValue();
    }

    static boolean optBoolean(ObjectNode node, String field, boolean defaultValue) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw ApiError.invalid(field, "Invalid type for '" + field + "': expected a boolean, but got " + kind(v) + ".");
        }
        return v.booleanValue();
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

}
