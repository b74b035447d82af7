package dev.junction.plugin.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.plugin.common.Json;
import dev.junction.plugin.common.StreamDecoder;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.Usage;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes the Messages API event sequence: {@code message_start}, {@code content_block_start/delta/stop},
 * {@code message_delta}, {@code message_stop}, {@code ping} and {@code error}. Text and tool-input deltas are
 * forwarded as they arrive; usage (input from {@code message_start}, output from {@code message_delta}) is reported
 * once before the finish. Not thread-safe: one per stream.
 */
public final class AnthropicStreamDecoder implements StreamDecoder {
    /** Makes the exception for an error the provider reports inside the stream. */
    @FunctionalInterface
    public interface ExceptionFactory {
        ProviderException create(ErrorKind kind, String message);
    }

    private final String provider;
    private final String model;
    private final String structuredTool;
    private final ExceptionFactory errors;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private int structuredBlock = -1;
    private boolean started;
    private boolean sawContent;
    private JsonNode startUsage;
    private long outputTokens;
    private JsonNode deltaUsage;
    private String stopReason;

    public AnthropicStreamDecoder(String provider, String model, String structuredTool, ExceptionFactory errors) {
        this.provider = provider;
        this.model = model;
        this.structuredTool = structuredTool;
        this.errors = errors;
    }

    @Override
    public void onEvent(String event, String data, Consumer<StreamEvent> out) {
        JsonNode e = Json.read(data);
        String type = Json.text(e, "type");
        if (type == null) {
            type = event;
        }
        if (type == null) {
            throw new IllegalArgumentException("event without a type");
        }
        switch (type) {
            case "message_start" -> {
                JsonNode message = e.get("message");
                startUsage = message == null ? null : message.get("usage");
                started = true;
                out.accept(new StreamEvent.Start(Json.text(message, "id"), provider, model,
                        message == null || Json.text(message, "model") == null ? model : Json.text(message, "model")));
            }
            case "content_block_start" -> {
                ensureStarted(out);
                int index = e.path("index").asInt();
                JsonNode block = e.get("content_block");
                String blockType = Json.text(block, "type");
                if ("tool_use".equals(blockType)) {
                    String name = Json.text(block, "name");
                    if (structuredTool != null && structuredTool.equals(name)) {
                        structuredBlock = index;
                    } else {
                        int toolIndex = toolIndexByBlock.size();
                        toolIndexByBlock.put(index, toolIndex);
                        sawContent = true;
                        out.accept(new StreamEvent.ToolCallDelta(toolIndex, Json.text(block, "id"), name, ""));
                    }
                } else if ("text".equals(blockType)) {
                    String text = Json.text(block, "text");
                    if (text != null && !text.isEmpty()) {
                        sawContent = true;
                        out.accept(new StreamEvent.TextDelta(text));
                    }
                }
            }
            case "content_block_delta" -> {
                ensureStarted(out);
                int index = e.path("index").asInt();
                JsonNode delta = e.get("delta");
                String deltaType = Json.text(delta, "type");
                if ("text_delta".equals(deltaType)) {
                    String text = Json.text(delta, "text");
                    if (text != null && !text.isEmpty()) {
                        sawContent = true;
                        out.accept(new StreamEvent.TextDelta(text));
                    }
                } else if ("input_json_delta".equals(deltaType)) {
                    String partial = Json.text(delta, "partial_json");
                    if (partial != null && !partial.isEmpty()) {
                        sawContent = true;
                        if (index == structuredBlock) {
                            out.accept(new StreamEvent.TextDelta(partial));
                        } else {
                            Integer toolIndex = toolIndexByBlock.get(index);
                            if (toolIndex == null) {
                                throw new IllegalArgumentException("input_json_delta for unknown block " + index);
                            }
                            out.accept(new StreamEvent.ToolCallDelta(toolIndex, null, null, partial));
                        }
                    }
                }
                // thinking_delta and signature_delta carry hidden reasoning: not part of the answer.
            }
            case "message_delta" -> {
                JsonNode delta = e.get("delta");
                String reason = Json.text(delta, "stop_reason");
                if (reason != null) {
                    stopReason = reason;
                }
                JsonNode u = e.get("usage");
                if (u != null && u.isObject()) {
                    deltaUsage = u;
                    outputTokens = Math.max(outputTokens, Json.count(u, "output_tokens"));
                }
            }
            case "message_stop" -> finish(out);
            case "error" -> {
                JsonNode err = e.get("error");
                String errType = Json.text(err, "type");
                String message = Json.text(err, "message");
                ErrorKind kind = AnthropicCodec.errorKind(errType, message);
                throw errors.create(kind == null ? ErrorKind.SERVER_ERROR : kind,
                        "error in stream: " + errType + ": " + message);
            }
            default -> {
                // ping, content_block_stop and event types added later carry nothing we report.
            }
        }
    }

    private void ensureStarted(Consumer<StreamEvent> out) {
        if (!started) {
            started = true;
            out.accept(new StreamEvent.Start(null, provider, model, model));
        }
    }

    private void finish(Consumer<StreamEvent> out) {
        ensureStarted(out);
        FinishReason reason = structuredBlock >= 0 && "tool_use".equals(stopReason) ? FinishReason.STOP
                : AnthropicCodec.finishReason(stopReason);
        if (reason == FinishReason.CONTENT_FILTER && !sawContent) {
            throw errors.create(ErrorKind.CONTENT_FILTERED, "the model refused to answer (stop_reason refusal)");
        }
        Usage start = AnthropicCodec.usage(startUsage, 0);
        Usage usage = start;
        if (deltaUsage != null && deltaUsage.has("input_tokens")) {
            usage = AnthropicCodec.usage(deltaUsage, outputTokens);
        } else {
            usage = new Usage(start.inputTokens(), Math.max(outputTokens, start.outputTokens()), start.cachedInputTokens(),
                    start.cacheWriteInputTokens(), 0);
        }
        out.accept(new StreamEvent.UsageReport(usage));
        out.accept(new StreamEvent.Finish(reason));
    }

    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        // Anthropic always ends with message_stop; a stream closed before it was cut.
    }
}
