package dev.junction.cache;

import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Test data: entries, queries and unit vectors. */
final class Entries {
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    static final int DIMS = 16;

    private Entries() {
    }

    static ChronicleCacheConfig.Builder config(Path file) {
        return ChronicleCacheConfig.custom(file).maxEntries(10_000).averageEntryBytes(512).dimensions(DIMS)
                .similarityThreshold(0.9);
    }

    static float[] unit(long seed) {
        return unit(new Random(seed), DIMS);
    }

    static float[] unit(Random random, int dims) {
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
            v[i] *= inv;
        }
        return v;
    }

    /** A unit vector close to {@code v}: similarity about {@code 1 - noise^2 / 2}. */
    static float[] near(float[] v, double noise, long seed) {
        Random random = new Random(seed);
        float[] out = new float[v.length];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] + noise * random.nextGaussian() / Math.sqrt(v.length));
            norm += out[i] * out[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            out[i] *= inv;
        }
        return out;
    }

    static ChatResponse response(String text) {
        return new ChatResponse("resp-" + text.hashCode(), text, List.of(new ToolCall("call-1", "lookup", "{\"q\":1}")),
                FinishReason.STOP, new Usage(12, 34, 5, 0, 7), "openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18");
    }

    static CacheEntry entry(String id, String tenant, String namespace, String prompt, float[] embedding) {
        return entry(id, tenant, namespace, prompt, embedding, 0.9, Duration.ofHours(1));
    }

    static CacheEntry entry(String id, String tenant, String namespace, String prompt, float[] embedding,
                            double quality, Duration ttl) {
        return new CacheEntry(id, tenant, namespace, "exact-" + prompt, prompt, embedding, response("answer to " + prompt),
                quality, 0.01, T0, T0.plus(ttl), 0);
    }

    static CacheQuery similar(String tenant, String namespace, String prompt, float[] embedding) {
        return new CacheQuery(tenant, namespace, "exact-other-" + prompt, prompt, embedding, null, 0.0, T0.plusSeconds(1));
    }

    static CacheQuery exact(String tenant, String namespace, String prompt) {
        return new CacheQuery(tenant, namespace, "exact-" + prompt, null, null, null, 0.0, T0.plusSeconds(1));
    }
}
