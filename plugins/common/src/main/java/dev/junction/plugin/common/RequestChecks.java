package dev.junction.plugin.common;

import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.ToolDefinition;

import java.util.regex.Pattern;

/**
 * Checks every plugin makes in {@code validate} before anything is sent. Thread-safe: its only state is a memo of the
 * last request's own facts, so that validating one request for several models reads it once.
 */
public final class RequestChecks {
    /** Tool names OpenAI, Anthropic and Gemini all accept. */
    public static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private RequestChecks() {
    }

    /** The exception {@code validate} throws. */
    public static ProviderException unsupported(ModelDescriptor model, String what) {
        return new ProviderException(ErrorKind.UNSUPPORTED, model.provider(), model.model(), 0,
                model.id() + ": " + what);
    }

    /**
     * Refuses tools on a model without {@link Capability#TOOLS}, images without {@link Capability#VISION}, a JSON
     * schema without {@link Capability#JSON_SCHEMA}, tool names the providers reject, and tool schemas or a response
     * schema that are not JSON objects.
     */
    public static void checkCommon(ChatRequest request, ModelDescriptor model) {
        Facts f = facts(request);
        if (f.tools > 0 && !model.supports(Capability.TOOLS)) {
            throw unsupported(model, "the model does not support tools (the request has " + f.tools + ")");
        }
        if (f.image && !model.supports(Capability.VISION)) {
            throw unsupported(model, "the model does not accept images");
        }
        if (f.jsonSchema && !model.supports(Capability.JSON_SCHEMA)) {
            throw unsupported(model, "the model does not support JSON-schema output");
        }
        if (f.problem != null) {
            throw unsupported(model, f.problem);
        }
    }

    /**
     * What {@link #checkCommon} needs to know of a request whatever the model: the router validates up to eight
     * candidates per request, so the request's own checks (tool names, schemas, images) are made once.
     *
     * @param problem the first tool or response-schema problem, or null
     */
    private record Facts(ChatRequest request, int tools, boolean image, boolean jsonSchema, String problem) {
    }

    /**
     * The facts of the last request checked (any thread). Requests are immutable, so the same instance has the same
     * facts; holding it keeps at most one request reachable.
     */
    private static volatile Facts last;

    private static Facts facts(ChatRequest request) {
        Facts f = last;
        if (f != null && f.request == request) {
            return f;
        }
        boolean image = false;
        for (int i = 0; i < request.messages().size() && !image; i++) {
            image = request.messages().get(i).hasImage();
        }
        String problem = null;
        for (int i = 0; i < request.tools().size() && problem == null; i++) {
            ToolDefinition t = request.tools().get(i);
            if (!isToolName(t.name())) {
                problem = "tool name '" + t.name() + "' must match " + TOOL_NAME.pattern();
            } else {
                String bad = Json.notAnObject(t.parametersJsonSchema());
                if (bad != null) {
                    problem = "the parameters schema of tool '" + t.name() + "'" + bad;
                }
            }
        }
        boolean jsonSchema = request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA;
        if (problem == null && jsonSchema) {
            String bad = Json.notAnObject(request.responseFormat().jsonSchema());
            if (bad != null) {
                problem = "the response JSON schema" + bad;
            }
        }
        f = new Facts(request, request.tools().size(), image, jsonSchema, problem);
        last = f;
        return f;
    }

    /** {@link #TOOL_NAME} without a {@link java.util.regex.Matcher} per call. */
    static boolean isToolName(String name) {
        int n = name.length();
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
