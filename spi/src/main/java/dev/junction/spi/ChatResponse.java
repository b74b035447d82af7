package dev.junction.spi;

import java.util.List;
import java.util.Objects;

/**
 * A complete answer from a model.
 *
 * @param id           the provider's response id, or one Junction made
 * @param text         the generated text ({@code ""} when the model only called tools)
 * @param toolCalls    the tools the model called
 * @param finishReason why it stopped
 * @param usage        token counts the provider reported
 * @param provider     the provider that answered (e.g. {@code openai})
 * @param model        the model id that was asked for
 * @param modelVersion the exact model version that answered, as the provider reported it (may equal model)
 */
public record ChatResponse(String id, String text, List<ToolCall> toolCalls, FinishReason finishReason, Usage usage,
                           String provider, String model, String modelVersion) {
    public ChatResponse {
        Objects.requireNonNull(id, "id");
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
        usage = usage == null ? Usage.ZERO : usage;
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        modelVersion = modelVersion == null ? model : modelVersion;
    }
}
