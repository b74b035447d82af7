package dev.junction.cache;

import dev.junction.spi.CacheHit;
import dev.junction.spi.CacheQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static dev.junction.cache.Entries.T0;
import static dev.junction.cache.Entries.config;
import static dev.junction.cache.Entries.entry;
import static dev.junction.cache.Entries.near;
import static dev.junction.cache.Entries.similar;
import static dev.junction.cache.Entries.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The semantic tier's hit decision: the nearest servable entry decides, and near rivals make a hit ambiguous. */
class HitDecisionTest {
    @TempDir
    Path dir;

    @Test
    void aFartherEntryIsNeverServedInPlaceOfANearerOneTheGuardRefused() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(
                config(dir.resolve("c.dat")).ambiguityMargin(0).build())) {
            float[] v = unit(21);
            float[] w = near(v, 0.3, 22);
            assertTrue(ChronicleSemanticCache.similarity(v, w) >= 0.9, "premise: both entries above the threshold");
            cache.put(entry("near", "acme", "ns", "Can I take ibuprofen with alcohol?", v));
            cache.put(entry("far", "acme", "ns", "Why can't I sleep after drinking alcohol?", w));
            // The guard refuses the nearest entry (negation); the farther one passes the guard but answers another question.
            Optional<CacheHit> hit = cache.lookupSimilar(similar("acme", "ns", "Can I not take ibuprofen with alcohol?", v));
            assertTrue(hit.isEmpty(), () -> "served " + hit.get().entry().id());
            assertEquals(1, cache.stats().guardRejects());
            assertEquals(1, cache.stats().misses());
        }
    }

    @Test
    void aNearerEntryForAnotherPromptSkippedForQualityMakesTheHitAmbiguous() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config(dir.resolve("c.dat")).build())) {
            float[] v = unit(31);
            float[] w = near(v, 0.1, 32);
            double sim = ChronicleSemanticCache.similarity(v, w);
            assertTrue(sim >= 1 - ChronicleCacheConfig.DEFAULT_AMBIGUITY_MARGIN && sim < 0.9999,
                    "premise: the two entries lie within the margin, was " + sim);
            cache.put(entry("weak", "acme", "ns", "How do I reset my password?", v, 0.5, Duration.ofHours(1)));
            cache.put(entry("strong", "acme", "ns", "How do I change my username?", w, 0.9, Duration.ofHours(1)));
            CacheQuery demanding = new CacheQuery("acme", "ns", "exact-q", "How do I reset my password?", v, null, 0.8,
                    T0.plusSeconds(1));
            assertTrue(cache.lookupSimilar(demanding).isEmpty(), "the nearest prompt is another one: a guess");
            CacheQuery lenient = new CacheQuery("acme", "ns", "exact-q", "How do I reset my password?", v, null, 0.0,
                    T0.plusSeconds(1));
            // Without the floor the nearest entry is served only if its rival is not within the margin either: it is.
            assertTrue(cache.lookupSimilar(lenient).isEmpty());
            assertEquals(2, cache.stats().guardRejects());
        }
    }

    @Test
    void theAmbiguityMarginAppliesWithTheGuardOff() {
        float[] v = unit(41);
        float[] w = near(v, 0.1, 42);
        for (double margin : new double[] {0.02, 0}) {
            try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config(dir.resolve("c" + margin + ".dat"))
                    .guardEnabled(false).ambiguityMargin(margin).build())) {
                cache.put(entry("a", "acme", "ns", "How do I reset my password?", v));
                cache.put(entry("b", "acme", "ns", "How do I change my username?", w));
                Optional<CacheHit> hit = cache.lookupSimilar(similar("acme", "ns", "How do I reset my password?", v));
                assertEquals(margin == 0, hit.isPresent(), "margin " + margin);
                hit.ifPresent(h -> assertEquals("a", h.entry().id()));
            }
        }
    }

    @Test
    void anEntryForTheSamePromptIsNoRival() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config(dir.resolve("c.dat")).build())) {
            float[] v = unit(51);
            cache.put(entry("a", "acme", "ns1", "How do I reset my password?", v));
            cache.put(new dev.junction.spi.CacheEntry("b", "acme", "ns1", "exact-other", "How do I reset my password?",
                    near(v, 0.05, 52), Entries.response("same"), 0.9, 0.01, T0, T0.plus(Duration.ofHours(1)), 0));
            assertTrue(cache.lookupSimilar(similar("acme", "ns1", "How do I reset my password?", v)).isPresent());
        }
    }
}
