package dev.junction.plugin.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.plugin.common.HttpErrors;
import dev.junction.plugin.common.HttpProviderClient;
import dev.junction.plugin.common.Json;
import dev.junction.plugin.common.RequestChecks;
import dev.junction.plugin.common.StreamDecoder;
import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ContentPart;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.Role;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Clock;
import java.util.Locale;

/** A client for one Gemini API key. Thread-safe; see {@link HttpProviderClient} for the lifecycle. */
public final class GeminiClient extends HttpProviderClient {
    /** GenerationConfig.stopSequences: "up to 5". */
    static final int MAX_STOP_SEQUENCES = 5;

    private final String base;

    public GeminiClient(ProviderConfig config, Clock clock) {
        super(config, clock);
        String b = config.baseUrl().toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    @Override
    public void validate(ChatRequest request, ModelDescriptor model) {
        RequestChecks.checkCommon(request, model);
        if (request.stop().size() > MAX_STOP_SEQUENCES) {
            throw RequestChecks.unsupported(model, "Gemini accepts at most " + MAX_STOP_SEQUENCES
                    + " stop sequences, the request has " + request.stop().size());
        }
        if (request.responseFormat().type() != ResponseFormat.Type.TEXT && !request.tools().isEmpty()
                && (request.toolChoice() == null || request.toolChoice().mode() != ToolChoice.Mode.NONE)
                && !isGemini3(model.model())) {
            throw RequestChecks.unsupported(model, "this Gemini model does not combine function calling with JSON output");
        }
        try {
            for (ToolDefinition t : request.tools()) {
                GeminiSchema.convertText(t.parametersJsonSchema(), "tool parameters");
            }
            if (request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA) {
                GeminiSchema.convertText(request.responseFormat().jsonSchema(), "the response JSON schema");
            }
        } catch (IllegalArgumentException e) {
            throw RequestChecks.unsupported(model, e.getMessage());
        }
        for (int i = 0; i < request.messages().size(); i++) {
            Message m = request.messages().get(i);
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Image img && img.url() != null) {
                    throw RequestChecks.unsupported(model, "Gemini needs images inline (base64); it does not fetch image URLs");
                }
            }
            if (m.role() == Role.SYSTEM && m.hasImage()) {
                throw RequestChecks.unsupported(model, GeminiCodec.SYSTEM_IMAGE);
            }
            if (m.role() == Role.TOOL && m.hasImage() && !isGemini3(model.model())) {
                throw RequestChecks.unsupported(model, "this Gemini model does not accept images in a function response "
                        + "(Gemini 3 does), and a tool result carries an image");
            }
            if (m.role() == Role.TOOL && m.name() == null) {
                try {
                    GeminiCodec.toolNameFor(m.toolCallId(), request.messages(), i);
                } catch (IllegalArgumentException e) {
                    throw RequestChecks.unsupported(model, e.getMessage());
                }
            }
        }
    }

    @Override
    protected URI endpoint(CallOptions options, boolean stream) {
        String model = URLEncoder.encode(options.model(), StandardCharsets.UTF_8);
        return URI.create(base + "/models/" + model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
    }

    @Override
    protected void addProviderHeaders(HttpRequest.Builder builder) {
        if (config.apiKey() != null) {
            builder.header("x-goog-api-key", config.apiKey().value());
        }
    }

    @Override
    protected byte[] encode(ChatRequest request, CallOptions options, boolean stream) {
        return GeminiCodec.encode(request, isGemini3(options.model()));
    }

    /** Gemini 3 models validate thought signatures on function calls and accept JSON output with tools. */
    static boolean isGemini3(String model) {
        return model.startsWith("gemini-3") || model.startsWith("models/gemini-3");
    }

    @Override
    protected ChatResponse decode(byte[] body, ChatRequest request, CallOptions options) throws IOException {
        GeminiCodec.Decoded d = GeminiCodec.decode(body, provider(), options.model());
        if (d.response() == null) {
            throw errors.of(d.errorKind(), options.model(), 200, d.errorMessage());
        }
        return d.response();
    }

    @Override
    protected StreamDecoder streamDecoder(ChatRequest request, CallOptions options) {
        return new GeminiStreamDecoder(provider(), options.model(), (kind, message) -> errors.of(kind, options.model(), 200, message));
    }

    @Override
    protected HttpErrors.ProviderErrorBody readError(int status, byte[] body) {
        JsonNode root;
        try {
            root = Json.read(body);
        } catch (IOException e) {
            return HttpErrors.ProviderErrorBody.NONE;
        }
        JsonNode error = root.isArray() && !root.isEmpty() ? root.get(0).get("error") : root.get("error");
        if (error == null) {
            return HttpErrors.ProviderErrorBody.NONE;
        }
        Duration retry = null;
        for (JsonNode detail : error.path("details")) {
            String delay = Json.text(detail, "retryDelay");
            if (delay != null && delay.endsWith("s")) {
                try {
                    retry = Duration.ofMillis((long) (Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000));
                } catch (NumberFormatException ignored) {
                    // no usable hint
                }
            }
        }
        boolean clientError = status >= 400 && status < 500 && status != 401 && status != 403 && status != 429;
        ErrorKind kind = clientError ? kindOf(error, null) : null;
        return new HttpErrors.ProviderErrorBody(Json.text(error, "status"), Json.text(error, "message"), kind, retry);
    }

    /** The kind a Google API error object names, or {@code fallback}. */
    static ErrorKind kindOf(JsonNode error, ErrorKind fallback) {
        String status = Json.text(error, "status");
        String message = Json.text(error, "message");
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        for (JsonNode detail : error.path("details")) {
            if ("API_KEY_INVALID".equals(Json.text(detail, "reason"))) {
                return ErrorKind.AUTHENTICATION;
            }
        }
        if (lower.contains("api key not valid")) {
            return ErrorKind.AUTHENTICATION;
        }
        if (lower.contains("exceeds the maximum number of tokens") || lower.contains("input token count")) {
            return ErrorKind.CONTEXT_LENGTH_EXCEEDED;
        }
        if (status == null) {
            return fallback;
        }
        return switch (status) {
            case "RESOURCE_EXHAUSTED" -> ErrorKind.RATE_LIMITED;
            case "UNAVAILABLE" -> ErrorKind.OVERLOADED;
            case "UNAUTHENTICATED", "PERMISSION_DENIED" -> ErrorKind.AUTHENTICATION;
            case "DEADLINE_EXCEEDED" -> ErrorKind.TIMEOUT;
            case "INTERNAL" -> ErrorKind.SERVER_ERROR;
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND" -> fallback == null ? null : ErrorKind.BAD_REQUEST;
            default -> fallback;
        };
    }
}
