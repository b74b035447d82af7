package dev.junction.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.junction.engine.Attempt;
import dev.junction.engine.Candidate;
import dev.junction.engine.RouteDecision;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes OpenAI wire JSON: chat completions (whole and as stream chunks), model lists, embeddings and errors.
 *
 * <p>Stateless and thread-safe; every method returns a fresh byte array.
 */
final class OpenAiResponseWriter {

    private static final JsonFactory JSON = OpenAiRequestParser.MAPPER.getFactory();

    private OpenAiResponseWriter() {
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] error(ApiError e) {
        return json(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", e.getMessage());
            g.writeStringField("type", e.type());
            g.writeStringField("param", e.param());
            g.writeStringField("code", e.code());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    static byte[] completion(ChatResponse r, RouteDecision d, long created) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("id", completionId(r.id()));
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", r.provider() + "/" + r.model());
            g.writeStringField("system_fingerprint", null);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (r.text().isEmpty() && !r.toolCalls().isEmpty()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", r.text());
            }
            g.writeNullField("refusal");
            if (!r.toolCalls().isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (ToolCall c : r.toolCalls()) {
                    g.writeStartObject();
                    g.writeStringField("id", c.id());
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name());
                    g.writeStringField("arguments", c.argumentsJson());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason(r.finishReason()));
            g.writeEndObject();
            g.writeEndArray();
            usage(g, r.usage());
            g.writeFieldName("junction");
            decision(g, d, r);
            g.writeEndObject();
        });
    }

    static void usage(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.inputTokens());
        g.writeNumberField("completion_tokens", u.outputTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedInputTokens());
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", u.reasoningTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The {@code junction} extension object: what was decided and what happened. */
    static void decision(JsonGenerator g, RouteDecision d, ChatResponse r) throws IOException {
        g.writeStartObject();
        g.writeStringField("request_id", d.requestId());
        if (r != null) {
            g.writeStringField("provider", r.provider());
            g.writeStringField("model", r.model());
            g.writeStringField("model_version", r.modelVersion());
        }
        g.writeNumberField("cost_usd", d.costUsd());
        g.writeObjectFieldStart("cache");
        g.writeStringField("status", d.cacheStatus().name().toLowerCase(Locale.ROOT));
        if (!Double.isNaN(d.cacheSimilarity())) {
            g.writeNumberField("similarity", d.cacheSimilarity());
        }
        if (d.cacheEntryId() != null) {
            g.writeStringField("entry_id", d.cacheEntryId());
        }
        g.writeEndObject();
        if (d.assessment() != null) {
            g.writeObjectFieldStart("assessment");
            g.writeStringField("category", d.assessment().category().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("difficulty", d.assessment().difficulty());
            g.writeNumberField("input_tokens", d.assessment().inputTokens());
            g.writeEndObject();
        }
        if (d.degraded()) {
            g.writeStringField("degraded", d.violated().toString());
        }
        g.writeArrayFieldStart("candidates");
        List<Candidate> candidates = d.candidates();
        for (int i = 0; i < Math.min(candidates.size(), 5); i++) {
            Candidate c = candidates.get(i);
            g.writeStartObject();
            g.writeStringField("model", c.modelId());
            g.writeNumberField("estimated_cost_usd", c.estimatedCostUsd());
            g.writeNumberField("estimated_latency_ms", c.estimatedLatency().toMillis());
            g.writeNumberField("predicted_quality", c.predictedQuality());
            g.writeNumberField("score", c.score());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("excluded", d.exclusions().size());
        g.writeArrayFieldStart("attempts");
        for (Attempt a : d.attempts()) {
            g.writeStartObject();
            g.writeStringField("model", a.modelId());
            g.writeStringField("outcome", a.outcome().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("duration_ms", a.duration().toMillis());
            if (a.error() != null) {
                g.writeStringField("error", a.error().name().toLowerCase(Locale.ROOT));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP, OTHER, ERROR -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
        };
    }

    static String completionId(String id) {
        return id.startsWith("chatcmpl-") ? id : "chatcmpl-" + id;
    }

    static byte[] models(List<ModelDescriptor> models, long created) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            model(g, IntentParser.AUTO_MODEL, "junction", created, null);
            for (ModelDescriptor m : models) {
                model(g, m.id(), m.provider(), created, m);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static byte[] model(String id, String owner, long created, ModelDescriptor m) {
        return json(g -> model(g, id, owner, created, m));
    }

    private static void model(JsonGenerator g, String id, String owner, long created, ModelDescriptor m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "model");
        g.writeNumberField("created", created);
        g.writeStringField("owned_by", owner);
        if (m != null) {
            g.writeObjectFieldStart("junction");
            g.writeNumberField("context_window", m.contextWindow());
            g.writeNumberField("max_output_tokens", m.maxOutputTokens());
            g.writeNumberField("input_usd_per_million", m.prices().inputPerMillion());
            g.writeNumberField("output_usd_per_million", m.prices().outputPerMillion());
            g.writeArrayFieldStart("capabilities");
            for (var c : m.capabilities().stream().sorted().toList()) {
                g.writeString(c.name().toLowerCase(Locale.ROOT));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    static byte[] embeddings(List<float[]> vectors, String model, long promptTokens, boolean base64) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < vectors.size(); i++) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                float[] v = vectors.get(i);
                if (base64) {
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (float f : v) {
                        buf.putFloat(f);
                    }
                    g.writeStringField("embedding", Base64.getEncoder().encodeToString(buf.array()));
                } else {
                    g.writeArrayFieldStart("embedding");
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", promptTokens);
            g.writeNumberField("total_tokens", promptTokens);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** Any JSON-serializable admin view, through Jackson's data binding. */
    static byte[] view(Object view) {
        try {
            return OpenAiRequestParser.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(view);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] map(Map<String, Object> map) {
        return view(map);
    }
}
