package dev.junction.plugin.anthropic.internal;

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

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.Set;
import java.util.regex.Pattern;

/** A client for one Anthropic account. Thread-safe; see {@link HttpProviderClient} for the lifecycle. */
public final class AnthropicClient extends HttpProviderClient {
    public static final String OPTION_VERSION = "anthropic-version";
    public static final String OPTION_BETA = "anthropic-beta";
    public static final String OPTION_DEFAULT_MAX_TOKENS = "default-max-tokens";
    /** The API version this plugin speaks. */
    public static final String DEFAULT_VERSION = "2023-06-01";
    /** The output cap sent when a request sets none ({@code max_tokens} is required). */
    public static final int DEFAULT_MAX_TOKENS = 4096;
    /** The image types the Messages API accepts inline. */
    static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    /** Models that answer 400 "temperature and top_p cannot both be specified for this model" (Opus 4.1, 4.5 and later). */
    static final Pattern ONE_SAMPLER_MODELS =
            Pattern.compile("^claude-(opus|sonnet|haiku)-(4-[1-9]|[5-9])(-|$)");

    private final URI endpoint;
    private final String version;
    private final String beta;
    private final int defaultMaxTokens;

    public AnthropicClient(ProviderConfig config, Clock clock) {
        super(config, clock);
        String base = config.baseUrl().toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.endpoint = URI.create(base.endsWith("/v1") ? base + "/messages" : base + "/v1/messages");
        this.version = config.options().getOrDefault(OPTION_VERSION, DEFAULT_VERSION);
        this.beta = config.options().get(OPTION_BETA);
        String max = config.options().getOrDefault(OPTION_DEFAULT_MAX_TOKENS, Integer.toString(DEFAULT_MAX_TOKENS));
        try {
            this.defaultMaxTokens = Integer.parseInt(max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(OPTION_DEFAULT_MAX_TOKENS + " must be an integer, was " + max, e);
        }
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException(OPTION_DEFAULT_MAX_TOKENS + " must be >= 1, was " + defaultMaxTokens);
        }
    }

    @Override
    public void validate(ChatRequest request, ModelDescriptor model) {
        RequestChecks.checkCommon(request, model);
        if (request.responseFormat().type() != ResponseFormat.Type.TEXT && !request.tools().isEmpty()) {
            throw RequestChecks.unsupported(model, "JSON output is a forced tool on Anthropic and cannot be combined with tools");
        }
        if (request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA) {
            if (!"object".equals(Json.text(Json.sharedObject(request.responseFormat().jsonSchema(), "the response JSON schema"), "type"))) {
                throw RequestChecks.unsupported(model, "Anthropic tool input schemas (used for JSON output) must have type object");
            }
        }
        for (Message m : request.messages()) {
            String unsupported = AnthropicCodec.unsupportedPart(m);
            if (unsupported != null) {
                throw RequestChecks.unsupported(model, unsupported);
            }
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Image img && img.base64Data() != null && !IMAGE_TYPES.contains(img.mediaType())) {
                    throw RequestChecks.unsupported(model, "image type " + img.mediaType() + " is not one of " + IMAGE_TYPES);
                }
            }
        }
        if (request.sampling().seed() != null || request.sampling().presencePenalty() != null
                || request.sampling().frequencyPenalty() != null) {
            throw RequestChecks.unsupported(model, "Anthropic does not accept seed, presence or frequency penalties");
        }
        if (request.sampling().temperature() != null && request.sampling().topP() != null
                && ONE_SAMPLER_MODELS.matcher(model.model()).find()) {
            throw RequestChecks.unsupported(model, "this Claude model accepts temperature or top_p, not both");
        }
    }

    @Override
    protected URI endpoint(CallOptions options, boolean stream) {
        return endpoint;
    }

    @Override
    protected void addProviderHeaders(HttpRequest.Builder builder) {
        if (config.apiKey() != null) {
            builder.header("x-api-key", config.apiKey().value());
        }
        builder.header("anthropic-version", version);
        if (beta != null) {
            builder.header("anthropic-beta", beta);
        }
    }

    @Override
    protected byte[] encode(ChatRequest request, CallOptions options, boolean stream) {
        return AnthropicCodec.encode(request, options.model(), stream, defaultMaxTokens);
    }

    private static String structuredTool(ChatRequest request) {
        return AnthropicCodec.structuredToolName(request.responseFormat());
    }

    @Override
    protected ChatResponse decode(byte[] body, ChatRequest request, CallOptions options) throws IOException {
        AnthropicCodec.Decoded d = AnthropicCodec.decode(body, provider(), options.model(), structuredTool(request));
        if (d.response() == null) {
            throw errors.of(d.errorKind(), options.model(), 200, d.errorMessage());
        }
        return d.response();
    }

    @Override
    protected StreamDecoder streamDecoder(ChatRequest request, CallOptions options) {
        return new AnthropicStreamDecoder(provider(), options.model(), structuredTool(request),
                (kind, message) -> errors.of(kind, options.model(), 200, message));
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
        String type = Json.text(error, "type");
        String message = Json.text(error, "message");
        ErrorKind kind = AnthropicCodec.errorKind(type, message);
        // The status decides for throttling, auth and server errors, except that an overload is reported as such.
        boolean clientError = status >= 400 && status < 500 && status != 401 && status != 403 && status != 429;
        if (kind != ErrorKind.OVERLOADED && !clientError) {
            kind = null;
        }
        return new HttpErrors.ProviderErrorBody(type, message, kind, null);
    }
}
