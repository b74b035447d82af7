package dev.junction.plugin.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.plugin.common.HttpErrors;
import dev.junction.plugin.common.HttpProviderClient;
import dev.junction.plugin.common.Json;
import dev.junction.plugin.common.RequestChecks;
import dev.junction.plugin.common.StreamDecoder;
import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ResponseFormat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A client for one OpenAI-compatible account. Thread-safe; see {@link HttpProviderClient} for the lifecycle.
 */
public final class OpenAiClient extends HttpProviderClient {
    /** Which request field carries the output-token cap; default {@value #DEFAULT_MAX_TOKENS_FIELD}. */
    public static final String OPTION_MAX_TOKENS_FIELD = "max-tokens-field";
    /** Whether streams ask for a usage chunk; default true. */
    public static final String OPTION_STREAM_USAGE = "stream-usage";
    /** OpenAI's current name for the output cap; {@code max_tokens} is deprecated there and refused by o-series. */
    public static final String DEFAULT_MAX_TOKENS_FIELD = "max_completion_tokens";

    private final URI endpoint;
    private final String maxTokensField;
    private final boolean streamUsage;

    public OpenAiClient(ProviderConfig config, Clock clock) {
        super(config, clock);
        String base = config.baseUrl().toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/chat/completions");
        this.maxTokensField = config.options().getOrDefault(OPTION_MAX_TOKENS_FIELD, DEFAULT_MAX_TOKENS_FIELD);
        if (!maxTokensField.equals("max_tokens") && !maxTokensField.equals("max_completion_tokens")) {
            throw new IllegalArgumentException(OPTION_MAX_TOKENS_FIELD + " must be max_tokens or max_completion_tokens, was "
                    + maxTokensField);
        }
        this.streamUsage = Boolean.parseBoolean(config.options().getOrDefault(OPTION_STREAM_USAGE, "true"));
    }

    @Override
    public void validate(ChatRequest request, ModelDescriptor model) {
        RequestChecks.checkCommon(request, model);
        for (Message m : request.messages()) {
            String unsupported = OpenAiCodec.unsupportedPart(m);
            if (unsupported != null) {
                throw RequestChecks.unsupported(model, unsupported);
            }
        }
        ResponseFormat rf = request.responseFormat();
        if (rf.type() == ResponseFormat.Type.JSON_SCHEMA) {
            ObjectNode schema = Json.sharedObject(rf.jsonSchema(), "the response JSON schema");
            if (!"object".equals(Json.text(schema, "type"))) {
                throw RequestChecks.unsupported(model, "OpenAI structured outputs need a root schema of type object");
            }
            if (rf.strict()) {
                String bad = firstNonStrictObject(schema, "$");
                if (bad != null) {
                    throw RequestChecks.unsupported(model, "a strict JSON schema needs \"additionalProperties\": false and every "
                            + "property required on each object; " + bad + " does not");
                }
            }
        }
    }

    /** The path of the first object schema strict mode would reject, or null. */
    private static String firstNonStrictObject(JsonNode schema, String path) {
        if (schema == null || !schema.isObject()) {
            return null;
        }
        JsonNode props = schema.get("properties");
        if ("object".equals(Json.text(schema, "type")) || props != null) {
            JsonNode additional = schema.get("additionalProperties");
            if (additional == null || !additional.isBoolean() || additional.asBoolean()) {
                return path;
            }
            if (props != null && props.isObject()) {
                JsonNode required = schema.get("required");
                for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    boolean listed = false;
                    if (required != null && required.isArray()) {
                        for (JsonNode r : required) {
                            listed |= name.equals(r.asText());
                        }
                    }
                    if (!listed) {
                        return path + "." + name;
                    }
                }
                for (Map.Entry<String, JsonNode> e : props.properties()) {
                    String bad = firstNonStrictObject(e.getValue(), path + "." + e.getKey());
                    if (bad != null) {
                        return bad;
                    }
                }
            }
        }
        String bad = firstNonStrictObject(schema.get("items"), path + "[]");
        if (bad != null) {
            return bad;
        }
        for (String key : new String[]{"$defs", "definitions"}) {
            JsonNode defs = schema.get(key);
            if (defs != null && defs.isObject()) {
                for (Map.Entry<String, JsonNode> e : defs.properties()) {
                    bad = firstNonStrictObject(e.getValue(), path + "." + key + "." + e.getKey());
                    if (bad != null) {
                        return bad;
                    }
                }
            }
        }
        return null;
    }

    @Override
    protected URI endpoint(CallOptions options, boolean stream) {
        return endpoint;
    }

    @Override
    protected void addProviderHeaders(HttpRequest.Builder builder) {
        if (config.apiKey() != null) {
            builder.header("authorization", "Bearer " + config.apiKey().value());
        }
    }

    @Override
    protected byte[] encode(ChatRequest request, CallOptions options, boolean stream) {
        return OpenAiCodec.encode(request, options.model(), stream, maxTokensField, streamUsage);
    }

    @Override
    protected ChatResponse decode(byte[] body, ChatRequest request, CallOptions options) throws IOException {
        OpenAiCodec.Decoded d = OpenAiCodec.decode(body, provider(), options.model());
        if (d.response() == null) {
            throw errors.of(d.errorKind(), options.model(), 200, d.errorMessage());
        }
        return d.response();
    }

    @Override
    protected StreamDecoder streamDecoder(ChatRequest request, CallOptions options) {
        return new OpenAiStreamDecoder(provider(), options.model(), (kind, message) -> errors.of(kind, options.model(), 200, message));
    }

    @Override
    protected HttpErrors.ProviderErrorBody readError(int status, byte[] body) {
        JsonNode root;
        try {
            root = Json.read(body);
        } catch (IOException e) {
            return HttpErrors.ProviderErrorBody.NONE;
        }
        JsonNode error = root.get("error");
        if (error == null) {
            return HttpErrors.ProviderErrorBody.NONE;
        }
        if (error.isTextual()) {
            return new HttpErrors.ProviderErrorBody(null, error.asText(), null, null);
        }
        String code = Json.text(error, "code");
        String type = Json.text(error, "type");
        String message = Json.text(error, "message");
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        ErrorKind kind = null;
        if ("context_length_exceeded".equals(code) || lower.contains("maximum context length")
                || lower.contains("context length") || lower.contains("context_length_exceeded")) {
            kind = ErrorKind.CONTEXT_LENGTH_EXCEEDED;
        } else if ("content_filter".equals(code) || "content_policy_violation".equals(code)
                || "content_filter".equals(type)) {
            kind = ErrorKind.CONTENT_FILTERED;
        }
        String label = code != null ? code : type;
        // Status decides for throttling, auth and server errors; the body refines only a client error.
        boolean clientError = status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429;
        return new HttpErrors.ProviderErrorBody(label, message, clientError ? kind : null, null);
    }
}
