package dev.junction.plugin.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.plugin.common.Json;
import dev.junction.plugin.common.StreamDecoder;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Decodes {@code streamGenerateContent?alt=sse}: every event is a partial {@code GenerateContentResponse}. Text parts
 * become deltas, each {@code functionCall} part one complete tool-call delta; the last {@code usageMetadata} and the
 * finish reason are reported when the provider closes the stream, which is how Gemini ends one. Not thread-safe.
 */
public final class GeminiStreamDecoder implements StreamDecoder {
    /** Makes the exception for an error the provider reports inside the stream. */
    @FunctionalInterface
    public interface ExceptionFactory {
        ProviderException create(ErrorKind kind, String message);
    }

    private final String provider;
    private final String model;
    private final ExceptionFactory errors;
    private boolean started;
    private boolean sawContent;
    private int toolCalls;
    private String finishReason;
    private JsonNode usage;

    public GeminiStreamDecoder(String provider, String model, ExceptionFactory errors) {
        this.provider = provider;
        this.model = model;
        this.errors = errors;
    }

    @Override
    public void onEvent(String event, String data, Consumer<StreamEvent> out) {
        JsonNode chunk = Json.read(data);
        if (!chunk.isObject()) {
            throw new IllegalArgumentException("chunk is not an object");
        }
        JsonNode error = chunk.get("error");
        if (error != null) {
            throw errors.create(GeminiClient.kindOf(error, ErrorKind.SERVER_ERROR), "error in stream: " + Json.text(error, "message"));
        }
        if (!started) {
            started = true;
            String version = Json.text(chunk, "modelVersion");
            out.accept(new StreamEvent.Start(Json.text(chunk, "responseId"), provider, model, version == null ? model : version));
        }
        String blocked = Json.text(chunk.get("promptFeedback"), "blockReason");
        if (blocked != null) {
            throw errors.create(ErrorKind.CONTENT_FILTERED, "the prompt was blocked: " + blocked);
        }
        JsonNode u = chunk.get("usageMetadata");
        if (u != null && u.isObject()) {
            usage = u;
        }
        JsonNode candidates = chunk.get("candidates");
        if (candidates == null || candidates.isEmpty()) {
            return;
        }
        JsonNode candidate = candidates.get(0);
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.path("thought").asBoolean(false)) {
                continue;
            }
            String text = Json.text(part, "text");
            if (text != null && !text.isEmpty()) {
                sawContent = true;
                out.accept(new StreamEvent.TextDelta(text));
            }
            JsonNode fc = part.get("functionCall");
            if (fc != null) {
                try {
                    var call = GeminiCodec.toolCall(fc, toolCalls);
                    out.accept(new StreamEvent.ToolCallDelta(toolCalls++, call.id(), call.name(), call.argumentsJson()));
                    sawContent = true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        String reason = Json.text(candidate, "finishReason");
        if (reason != null) {
            finishReason = reason;
        }
    }

    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        if (finishReason == null) {
            return; // closed before the last chunk: cut
        }
        FinishReason reason = GeminiCodec.finishReason(finishReason, toolCalls > 0);
        if (reason == FinishReason.CONTENT_FILTER && !sawContent) {
            throw errors.create(ErrorKind.CONTENT_FILTERED, "the answer was blocked: " + finishReason);
        }
        if (usage != null) {
            out.accept(new StreamEvent.UsageReport(GeminiCodec.usage(usage)));
        }
        out.accept(new StreamEvent.Finish(reason));
    }
}
