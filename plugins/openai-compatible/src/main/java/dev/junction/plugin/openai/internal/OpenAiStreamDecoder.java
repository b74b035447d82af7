package dev.junction.plugin.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.junction.plugin.common.Json;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.Usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes {@code chat.completion.chunk} events with a streaming JSON parser (no tree per chunk): deltas of text (a
 * string, or a list of chunks) and tool calls, the finish reason, and the usage chunk
 * {@code stream_options.include_usage} adds before {@code [DONE]}. Not thread-safe: one per stream.
 */
public final class OpenAiStreamDecoder implements dev.junction.plugin.common.StreamDecoder {
    private final String provider;
    private final String model;
    private final ExceptionFactory errors;
    private boolean started;
    private boolean sawContent;
    private FinishReason finish;
    private Usage usage;
    private StringBuilder refusal;
    private int slots;
    /**
     * Tool calls get the decoder's own numbering: some servers give every parallel call index 0 (Ollama) or no index
     * (Gemini's OpenAI endpoint), each whole call with its own id. A provider index's slot, and the id last seen there.
     */
    private final Map<Integer, Integer> slotOfIndex = new HashMap<>();
    private final Map<Integer, String> idAtIndex = new HashMap<>();

    /** Makes the exception for an error the provider reports inside the stream. */
    @FunctionalInterface
    public interface ExceptionFactory {
        ProviderException create(ErrorKind kind, String message);
    }

    public OpenAiStreamDecoder(String provider, String model, ExceptionFactory errors) {
        this.provider = provider;
        this.model = model;
        this.errors = errors;
    }

    @Override
    public void onEvent(String event, String data, Consumer<StreamEvent> out) {
        if ("[DONE]".equals(data)) {
            finishNow(out);
            return;
        }
        try (JsonParser p = Json.FACTORY.createParser(data)) {
            chunk(p, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void chunk(JsonParser p, Consumer<StreamEvent> out) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("chunk is not an object");
        }
        String id = null;
        String version = null;
        // Members may come in any order (Azure writes them alphabetically, choices before id and model): the Start
        // event waits for the whole first chunk.
        List<StreamEvent> pending = started ? null : new ArrayList<>();
        Consumer<StreamEvent> sink = pending == null ? out : pending::add;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "id" -> id = p.getValueAsString();
                case "model" -> version = p.getValueAsString();
                case "choices" -> {
                    if (value == JsonToken.START_ARRAY) {
                        choices(p, sink);
                    } else {
                        p.skipChildren();
                    }
                }
                case "usage" -> {
                    if (value == JsonToken.START_OBJECT) {
                        usage = OpenAiCodec.usage(p.readValueAsTree());
                    }
                }
                case "error" -> {
                    if (value == JsonToken.START_OBJECT) {
                        com.fasterxml.jackson.databind.JsonNode err = Json.MAPPER.readTree(p);
                        String message = Json.text(err, "message");
                        throw errors.create(ErrorKind.SERVER_ERROR, "error in stream: " + (message == null ? err : message));
                    }
                    p.skipChildren();
                }
                default -> p.skipChildren();
            }
        }
        if (!started) {
            start(id, version, out);
            pending.forEach(out);
        }
    }

    private void start(String id, String version, Consumer<StreamEvent> out) {
        started = true;
        out.accept(new StreamEvent.Start(id, provider, model, version == null ? model : version));
    }

    private void choices(JsonParser p, Consumer<StreamEvent> out) throws IOException {
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("delta".equals(field) && value == JsonToken.START_OBJECT) {
                    delta(p, out);
                } else if ("finish_reason".equals(field)) {
                    if (value == JsonToken.VALUE_STRING) {
                        finish = OpenAiCodec.finishReason(p.getText());
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private void delta(JsonParser p, Consumer<StreamEvent> out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("refusal".equals(field) && value == JsonToken.VALUE_STRING) {
                if (refusal == null) {
                    refusal = new StringBuilder();
                }
                refusal.append(p.getText());
            } else if ("content".equals(field) && value == JsonToken.VALUE_STRING) {
                String text = p.getText();
                if (!text.isEmpty()) {
                    sawContent = true;
                    out.accept(new StreamEvent.TextDelta(text));
                }
            } else if ("content".equals(field) && value == JsonToken.START_ARRAY) {
                contentChunks(p, out);
            } else if ("tool_calls".equals(field) && value == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    toolCall(p, out);
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** Content as a list of chunks (Mistral's reasoning models): text chunks are the answer, thinking ones hidden. */
    private void contentChunks(JsonParser p, Consumer<StreamEvent> out) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                throw new IOException("a content chunk is not an object");
            }
            String type = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("type".equals(field) && value == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if ("text".equals(field) && value == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if ("text".equals(type) && text != null && !text.isEmpty()) {
                sawContent = true;
                out.accept(new StreamEvent.TextDelta(text));
            }
        }
    }

    private void toolCall(JsonParser p, Consumer<StreamEvent> out) throws IOException {
        int index = 0;
        String id = null;
        String name = null;
        String args = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> index = p.getIntValue();
                case "id" -> id = value == JsonToken.VALUE_NULL ? null : p.getText();
                case "function" -> {
                    if (value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("name".equals(f) && v == JsonToken.VALUE_STRING) {
                                name = p.getText();
                            } else if ("arguments".equals(f) && v == JsonToken.VALUE_STRING) {
                                args = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        Integer slot = slotOfIndex.get(index);
        String known = idAtIndex.get(index);
        if (slot == null || (id != null && known != null && !id.equals(known))) {
            slot = slots++; // a new call: first use of this index, or a different id reusing it
            slotOfIndex.put(index, slot);
        }
        if (id != null) {
            idAtIndex.put(index, id);
        }
        sawContent = true;
        out.accept(new StreamEvent.ToolCallDelta(slot, id, name, args));
    }

    private void finishNow(Consumer<StreamEvent> out) {
        if (!started) {
            start(null, null, out);
        }
        if (!sawContent && refusal != null && !refusal.isEmpty()) {
            throw errors.create(ErrorKind.CONTENT_FILTERED, "the model refused: " + refusal);
        }
        if (finish == FinishReason.CONTENT_FILTER && !sawContent) {
            throw errors.create(ErrorKind.CONTENT_FILTERED, "the provider's content filter withheld the answer");
        }
        if (usage != null) {
            out.accept(new StreamEvent.UsageReport(usage));
        }
        out.accept(new StreamEvent.Finish(finish == null ? FinishReason.OTHER : finish));
    }

    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        // Servers that close without [DONE] after a finish reason (and the usage chunk) still finished the answer.
        if (finish != null) {
            finishNow(out);
        }
    }
}
