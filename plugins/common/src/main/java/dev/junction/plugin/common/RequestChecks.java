package dev.junction.plugin.common;

import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ResponseFormat;
import dev.junction.spi.ToolDefinition;

import java.util.regex.Pattern;

/** Checks every plugin makes in {@code validate} before anything is sent. Stateless. */
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
        if (!request.tools().isEmpty() && !model.supports(Capability.TOOLS)) {
            throw unsupported(model, "the model does not support tools (the request has " + request.tools().size() + ")");
        }
        for (Message m : request.messages()) {
            if (m.hasImage() && !model.supports(Capability.VISION)) {
                throw unsupported(model, "the model does not accept images");
            }
        }
        if (request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA && !model.supports(Capability.JSON_SCHEMA)) {
            throw unsupported(model, "the model does not support JSON-schema output");
        }
        for (ToolDefinition t : request.tools()) {
            if (!isToolName(t.name())) {
                throw unsupported(model, "tool name '" + t.name() + "' must match " + TOOL_NAME.pattern());
            }
            String problem = Json.notAnObject(t.parametersJsonSchema());
            if (problem != null) {
                throw unsupported(model, "the parameters schema of tool '" + t.name() + "'" + problem);
            }
        }
        if (request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA) {
            String problem = Json.notAnObject(request.responseFormat().jsonSchema());
            if (problem != null) {
                throw unsupported(model, "the response JSON schema" + problem);
            }
        }
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
