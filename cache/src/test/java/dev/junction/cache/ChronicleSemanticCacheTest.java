package dev.junction.cache;

import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.CacheStats;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.ChatResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static dev.junction.cache.Entries.T0;
import static dev.junction.cache.Entries.config;
import static dev.junction.cache.Entries.entry;
import static dev.junction.cache.Entries.exact;
import static dev.junction.cache.Entries.near;
import static dev.junction.cache.Entries.similar;
import static dev.junction.cache.Entries.unit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleSemanticCacheTest {
    @TempDir
    Path dir;

    private ChronicleSemanticCache create() {
        return ChronicleSemanticCache.create(config(dir.resolve("cache.dat")).build());
    }

    @Test
    void aFileIsUsedByOneOpenCacheAtATime() {
        ChronicleCacheConfig config = config(dir.resolve("cache.dat")).build();
        try (ChronicleSemanticCache first = ChronicleSemanticCache.create(config)) {
            first.put(entry("e1", "acme", "ns", "kept", unit(1)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChronicleSemanticCache.open(config));
            assertTrue(e.getMessage().contains("cache.dat is in use"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> ChronicleSemanticCache.openOrCreate(config));
            assertTrue(first.lookupExact(exact("acme", "ns", "kept")).isPresent(), "the refused open left the file alone");
        }
        try (ChronicleSemanticCache again = ChronicleSemanticCache.open(config)) {
            assertTrue(again.lookupExact(exact("acme", "ns", "kept")).isPresent(), "closing released the lock");
        }
    }

    @Test
    void exactTierReturnsTheWholeStoredEntry() {
        try (ChronicleSemanticCache cache = create()) {
            CacheEntry stored = entry("e1", "acme", "ns", "What is the capital of France?", unit(1));
            cache.put(stored);
            CacheHit hit = cache.lookupExact(exact("acme", "ns", "What is the capital of France?")).orElseThrow();
            assertEquals(CacheStatus.EXACT_HIT, hit.status());
            assertEquals(1.0, hit.similarity());
            CacheEntry e = hit.entry();
            assertEquals(stored.response(), e.response());
            assertEquals(stored.prompt(), e.prompt());
            assertArrayEquals(stored.embedding(), e.embedding());
            assertEquals(stored.modelQuality(), e.modelQuality());
            assertEquals(stored.costUsd(), e.costUsd());
            assertEquals(stored.createdAt(), e.createdAt());
            assertEquals(stored.expiresAt(), e.expiresAt());
            assertEquals(1, e.hitCount());
            assertTrue(cache.lookupExact(exact("acme", "ns", "another prompt")).isEmpty());
            CacheStats stats = cache.stats();
            assertEquals(1, stats.exactHits());
            assertEquals(1, stats.misses());
            assertEquals(1, stats.entries());
            assertTrue(stats.bytes() > 100, "bytes " + stats.bytes());
            assertEquals(0.01, stats.costSavedUsd(), 1e-12);
        }
    }

    @Test
    void semanticTierHitsAboveTheThresholdAndMissesBelowIt() {
        try (ChronicleSemanticCache cache = create()) {
            float[] v = unit(7);
            cache.put(entry("e1", "acme", "ns", "How do I reset my password", v));
            float[] close = near(v, 0.2, 1);
            CacheHit hit = cache.lookupSimilar(similar("acme", "ns", "How can I reset my password", close)).orElseThrow();
            assertEquals(CacheStatus.SEMANTIC_HIT, hit.status());
            assertEquals("e1", hit.entry().id());
            assertTrue(hit.similarity() >= 0.9);
            float[] far = near(v, 1.5, 2);
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "How can I reset my password", far)).isEmpty());
            // A per-query threshold overrides the configured one.
            CacheQuery strict = new CacheQuery("acme", "ns", "x", "How can I reset my password", close, 0.9999, 0.0,
                    T0.plusSeconds(1));
            assertTrue(cache.lookupSimilar(strict).isEmpty());
            assertEquals(1, cache.stats().semanticHits());
            assertEquals(2, cache.stats().misses());
        }
    }

    @Test
    void aTenantNeverReceivesAnotherTenantsEntry() {
        try (ChronicleSemanticCache cache = create()) {
            float[] v = unit(3);
            cache.put(entry("a1", "tenant-a", "shared-ns", "What is our refund policy?", v));
            assertTrue(cache.lookupExact(exact("tenant-b", "shared-ns", "What is our refund policy?")).isEmpty());
            assertTrue(cache.lookupSimilar(similar("tenant-b", "shared-ns", "What is our refund policy?", v)).isEmpty());
            cache.put(entry("b1", "tenant-b", "shared-ns", "What is our refund policy?", v));
            assertEquals("a1", cache.lookupExact(exact("tenant-a", "shared-ns", "What is our refund policy?"))
                    .orElseThrow().entry().id());
            assertEquals("b1", cache.lookupSimilar(similar("tenant-b", "shared-ns", "What is our refund policy?", v))
                    .orElseThrow().entry().id());
            assertEquals(1, cache.invalidateTenant("tenant-a"));
            assertTrue(cache.lookupSimilar(similar("tenant-a", "shared-ns", "What is our refund policy?", v)).isEmpty());
            assertEquals("b1", cache.lookupSimilar(similar("tenant-b", "shared-ns", "What is our refund policy?", v))
                    .orElseThrow().entry().id());
        }
    }

    @Test
    void guardRefusesANegatedPromptEvenAtHighSimilarity() {
        try (ChronicleSemanticCache cache = create()) {
            float[] v = unit(11);
            cache.put(entry("e1", "acme", "ns", "Can I take ibuprofen with alcohol?", v));
            Optional<CacheHit> negated = cache.lookupSimilar(similar("acme", "ns", "Can I not take ibuprofen with alcohol?", v));
            assertTrue(negated.isEmpty());
            Optional<CacheHit> number = cache.lookupSimilar(similar("acme", "ns", "Can I take 2 ibuprofen with alcohol?", v));
            assertTrue(number.isEmpty());
            assertEquals(2, cache.stats().guardRejects());
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "Can I take ibuprofen with alcohol", v)).isPresent());
        }
    }

    @Test
    void guardCanBeTurnedOff() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(
                config(dir.resolve("c.dat")).guardEnabled(false).build())) {
            float[] v = unit(11);
            cache.put(entry("e1", "acme", "ns", "Can I take ibuprofen with alcohol?", v));
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "Can I not take ibuprofen with alcohol?", v)).isPresent());
        }
    }

    @Test
    void entryServesOnlyRequestsWhoseQualityFloorItsModelMeets() {
        try (ChronicleSemanticCache cache = create()) {
            float[] v = unit(5);
            cache.put(entry("weak", "acme", "ns", "Summarize this contract", v, 0.6, Duration.ofHours(1)));
            CacheQuery demanding = new CacheQuery("acme", "ns", "exact-Summarize this contract", "Summarize this contract",
                    v, null, 0.8, T0.plusSeconds(1));
            assertTrue(cache.lookupSimilar(demanding).isEmpty());
            assertTrue(cache.lookupExact(demanding).isEmpty());
            CacheQuery lenient = new CacheQuery("acme", "ns", "exact-Summarize this contract", "Summarize this contract",
                    v, null, 0.5, T0.plusSeconds(1));
            assertTrue(cache.lookupSimilar(lenient).isPresent());
            assertTrue(cache.lookupExact(lenient).isPresent());
        }
    }

    @Test
    void expiredEntriesAreNotServedAndMaxTtlCapsExpiry() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(
                config(dir.resolve("c.dat")).maxTtl(Duration.ofHours(2)).build())) {
            float[] v = unit(9);
            cache.put(entry("short", "acme", "ns", "short lived", v, 0.9, Duration.ofMinutes(10)));
            cache.put(entry("long", "acme", "ns", "long lived", unit(10), 0.9, Duration.ofDays(365)));
            assertTrue(cache.lookupExact(exact("acme", "ns", "short lived")).isPresent());
            CacheQuery later = new CacheQuery("acme", "ns", "exact-short lived", null, null, null, 0, T0.plus(Duration.ofMinutes(11)));
            assertTrue(cache.lookupExact(later).isEmpty());
            assertEquals(1, cache.stats().expirations());
            CacheHit longHit = cache.lookupExact(exact("acme", "ns", "long lived")).orElseThrow();
            assertEquals(T0.plus(Duration.ofHours(2)), longHit.entry().expiresAt());
            assertEquals(1, cache.purgeExpired(T0.plus(Duration.ofHours(3))));
            assertEquals(0, cache.stats().entries());
        }
    }

    @Test
    void capacityBoundEvictsEntriesNotHitSinceTheHandPassed() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(
                config(dir.resolve("c.dat")).maxEntries(10).build())) {
            for (int i = 0; i < 10; i++) {
                cache.put(entry("e" + i, "acme", "ns", "prompt " + i, unit(i)));
            }
            assertTrue(cache.lookupExact(exact("acme", "ns", "prompt 0")).isPresent());
            cache.put(entry("e10", "acme", "ns", "prompt 10", unit(10)));
            CacheStats stats = cache.stats();
            assertEquals(10, stats.entries());
            assertEquals(1, stats.evictions());
            assertTrue(cache.lookupExact(exact("acme", "ns", "prompt 0")).isPresent(), "the recently hit entry stays");
            assertTrue(cache.lookupExact(exact("acme", "ns", "prompt 10")).isPresent());
            for (int i = 11; i < 40; i++) {
                cache.put(entry("e" + i, "acme", "ns", "prompt " + i, unit(i)));
            }
            assertEquals(10, cache.stats().entries());
            int found = 0;
            for (int i = 0; i < 40; i++) {
                if (cache.lookupSimilar(similar("acme", "ns", "prompt " + i, unit(i))).isPresent()) {
                    found++;
                }
            }
            assertEquals(10, found, "the index holds exactly the entries the file holds");
        }
    }

    @Test
    void expiredEntriesAreEvictedBeforeLiveOnes() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(
                config(dir.resolve("c.dat")).maxEntries(3).build())) {
            cache.put(entry("live1", "acme", "ns", "a", unit(1), 0.9, Duration.ofDays(1)));
            cache.put(entry("old", "acme", "ns", "b", unit(2), 0.9, Duration.ofSeconds(1)));
            cache.put(entry("live2", "acme", "ns", "c", unit(3), 0.9, Duration.ofDays(1)));
            cache.lookupExact(new CacheQuery("acme", "ns", "none", null, null, null, 0, T0.plusSeconds(60)));
            cache.put(entry("live3", "acme", "ns", "d", unit(4), 0.9, Duration.ofDays(1)));
            assertTrue(cache.lookupExact(exact("acme", "ns", "a")).isPresent());
            assertTrue(cache.lookupExact(exact("acme", "ns", "c")).isPresent());
            assertEquals(1, cache.stats().expirations());
            assertEquals(0, cache.stats().evictions());
        }
    }

    @Test
    void invalidationByEntryNamespaceAndTenantAndWrongHitReports() {
        try (ChronicleSemanticCache cache = create()) {
            cache.put(entry("a", "t1", "ns1", "p a", unit(1)));
            cache.put(entry("b", "t1", "ns1", "p b", unit(2)));
            cache.put(entry("c", "t1", "ns2", "p c", unit(3)));
            cache.put(entry("d", "t2", "ns3", "p d", unit(4)));
            cache.put(entry("e", "t2", "ns3", "p e", unit(5)));
            assertTrue(cache.invalidate("a"));
            assertFalse(cache.invalidate("a"));
            assertEquals(1, cache.invalidateNamespace("ns1"));
            assertEquals(0, cache.invalidateNamespace("ns1"));
            assertFalse(cache.reportWrongHit("t1", "d"), "t1 cannot remove t2's entry");
            assertTrue(cache.lookupExact(exact("t2", "ns3", "p d")).isPresent(), "and it is still served");
            assertTrue(cache.reportWrongHit("t2", "d"));
            assertFalse(cache.reportWrongHit("t2", "d"));
            assertEquals(2, cache.invalidateTenant("t1") + cache.invalidateTenant("t2"));
            CacheStats stats = cache.stats();
            assertEquals(1, stats.wrongHitReports());
            assertEquals(0, stats.entries());
            assertEquals(0, stats.bytes());
            assertTrue(cache.lookupSimilar(similar("t2", "ns3", "p d", unit(4))).isEmpty());
        }
    }

    @Test
    void putReplacesTheEntryWithTheSameExactKey() {
        try (ChronicleSemanticCache cache = create()) {
            cache.put(entry("v1", "acme", "ns", "same", unit(1)));
            cache.put(entry("v2", "acme", "ns", "same", unit(2)));
            assertEquals(1, cache.stats().entries());
            assertEquals("v2", cache.lookupExact(exact("acme", "ns", "same")).orElseThrow().entry().id());
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "same", unit(1))).isEmpty());
            assertFalse(cache.invalidate("v1"));
        }
    }

    @Test
    void reopeningRebuildsTheIndexAndKeepsHitCounts() {
        Path file = dir.resolve("c.dat");
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config(file).build())) {
            for (int i = 0; i < 50; i++) {
                cache.put(entry("e" + i, "acme", "ns", "prompt " + i, unit(i)));
            }
            cache.lookupExact(exact("acme", "ns", "prompt 3"));
            cache.lookupExact(exact("acme", "ns", "prompt 3"));
        }
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config(file).build())) {
            assertEquals(50, cache.stats().entries());
            CacheHit hit = cache.lookupSimilar(similar("acme", "ns", "prompt 3", unit(3))).orElseThrow();
            assertEquals("e3", hit.entry().id());
            assertEquals(3, hit.entry().hitCount());
        }
    }

    @Test
    void lifecycleIsExplicit() {
        Path file = dir.resolve("c.dat");
        assertThrows(IllegalStateException.class, () -> ChronicleSemanticCache.open(config(file).build()));
        ChronicleSemanticCache cache = ChronicleSemanticCache.create(config(file).build());
        assertThrows(IllegalStateException.class, () -> ChronicleSemanticCache.create(config(file).build()));
        cache.close();
        cache.close();
        assertThrows(IllegalStateException.class, () -> cache.lookupExact(exact("a", "b", "c")));
        assertThrows(IllegalStateException.class, () -> cache.put(entry("x", "a", "b", "c", unit(1))));
        assertThrows(IllegalStateException.class, cache::stats);
        assertThrows(IllegalStateException.class, () -> cache.invalidate("x"));
    }

    @Test
    void configRequiresSizingHintsAndEchoesBadValues() {
        ChronicleCacheConfig.Builder b = ChronicleCacheConfig.custom(dir.resolve("x"));
        assertThrows(IllegalStateException.class, b::build);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.maxEntries(0));
        assertTrue(e.getMessage().contains("was 0"));
        ChronicleCacheConfig defaults = b.maxEntries(1).averageEntryBytes(100).dimensions(384).build();
        assertEquals(ChronicleCacheConfig.CALIBRATED_THRESHOLDS.get("all-minilm-l6-v2-q"), defaults.similarityThreshold());
    }

    @Test
    void reopeningWithOtherDimensionsIsRefusedAndLeavesTheFileUsable() {
        ChronicleCacheConfig config = config(dir.resolve("dims.dat")).build();
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config)) {
            cache.put(entry("e1", "acme", "ns", "kept", unit(1)));
        }
        ChronicleCacheConfig other = config(dir.resolve("dims.dat")).dimensions(Entries.DIMS * 2).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChronicleSemanticCache.open(other));
        assertTrue(e.getMessage().contains("holds " + Entries.DIMS + "-dimension embeddings, the config says "
                + Entries.DIMS * 2), e.getMessage());
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config)) {
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "kept", unit(1))).isPresent());
        }
    }

    @Test
    void answersLargerThanTheAverageFillTheCacheSoonerInsteadOfFailingPuts() {
        ChronicleCacheConfig config = config(dir.resolve("big.dat")).maxEntries(200).averageEntryBytes(512).build();
        long budget = 200L * (22 + 512);
        java.util.Random random = new java.util.Random(7);
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config)) {
            for (int i = 0; i < 3000; i++) {
                // Up to 10x the average: without the byte bound, Chronicle refused a put ("extra segment tier")
                // once its growth allowance ran out.
                cache.put(sized(i, random.nextInt(5000), T0));
                assertTrue(cache.lookupExact(exact("acme", "ns", "prompt " + i)).isPresent(), "put " + i + " is stored");
                CacheStats stats = cache.stats();
                assertTrue(stats.entries() <= 200 && stats.bytes() <= budget, stats.toString());
            }
            assertTrue(cache.stats().evictions() > 2000, cache.stats().toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cache.put(sized(-1, (int) budget, T0)));
            assertTrue(e.getMessage().contains("larger than the whole cache"), e.getMessage());
        }
    }

    @Test
    void reopeningWithOtherSizesCopiesTheNewestEntriesIntoAFileOfThoseSizes() throws Exception {
        Path file = dir.resolve("sized.dat");
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config(file).maxEntries(100).build())) {
            for (int i = 0; i < 100; i++) {
                cache.put(sized(i, 100, T0.plusSeconds(i)));
            }
        }
        java.nio.file.Files.writeString(file.resolveSibling("sized.dat.resizing"), "left by a crashed resize");
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config(file).maxEntries(2000).build())) {
            for (int i = 0; i < 100; i++) {
                assertTrue(cache.lookupExact(exact("acme", "ns", "prompt " + i)).isPresent(), "kept " + i);
            }
            // The 100-entry file refused the 941st put when a bigger maxEntries was only a number in the config.
            for (int i = 100; i < 2000; i++) {
                cache.put(sized(i, 100, T0.plusSeconds(i)));
            }
            assertEquals(2000, cache.stats().entries());
            assertEquals(0, cache.stats().evictions());
        }
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config(file).maxEntries(10).build())) {
            assertEquals(10, cache.stats().entries());
            for (int i = 1990; i < 2000; i++) {
                assertTrue(cache.lookupSimilar(similar("acme", "ns", "prompt " + i, unit(i))).isPresent(), "newest " + i);
            }
            assertTrue(cache.lookupExact(exact("acme", "ns", "prompt 1989")).isEmpty());
        }
        assertFalse(java.nio.file.Files.exists(file.resolveSibling("sized.dat.resizing")));
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config(file).maxEntries(10).build())) {
            assertEquals(10, cache.stats().entries(), "the same sizes open the file as it is");
        }
    }

    @Test
    void aResizeLeavesOutAnEntryTheNewLayoutCannotHold() {
        Path file = dir.resolve("layout.dat");
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(
                config(file).maxEntries(10).averageEntryBytes(1_000_000).build())) {
            cache.put(sized(1, 4_000_000, T0));
            cache.put(sized(2, 100, T0));
        }
        // 16 segments of about 3 MB: within the new byte bound, but larger than a segment, so Chronicle refuses it.
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(
                config(file).maxEntries(10_000).averageEntryBytes(4096).build())) {
            assertEquals(1, cache.stats().entries());
            assertTrue(cache.lookupExact(exact("acme", "ns", "prompt 2")).isPresent());
        }
    }

    /** An entry for "prompt i" with an answer of {@code answerChars} characters, created at {@code created}. */
    private static CacheEntry sized(int i, int answerChars, java.time.Instant created) {
        CacheEntry e = entry("e" + i, "acme", "ns", "prompt " + i, unit(i));
        dev.junction.spi.ChatResponse r = e.response();
        dev.junction.spi.ChatResponse answer = new dev.junction.spi.ChatResponse(r.id(), "x".repeat(answerChars),
                r.toolCalls(), r.finishReason(), r.usage(), r.provider(), r.model(), r.modelVersion());
        return new CacheEntry(e.id(), e.tenantId(), e.namespace(), e.exactKey(), e.prompt(), e.embedding(), answer,
                e.modelQuality(), e.costUsd(), created, created.plus(Duration.ofDays(1)), 0);
    }

    @Test
    void aFailedCreateLeavesNoFileBehind() {
        ChronicleCacheConfig huge = config(dir.resolve("huge.dat")).maxEntries(Long.MAX_VALUE).build();
        assertThrows(RuntimeException.class, () -> ChronicleSemanticCache.create(huge));
        assertFalse(java.nio.file.Files.exists(huge.file()), "a retried create is not told the file already exists");
    }

    @Test
    void rejectsEmbeddingsOfTheWrongLength() {
        try (ChronicleSemanticCache cache = create()) {
            assertThrows(IllegalArgumentException.class, () -> cache.put(entry("x", "a", "b", "c", new float[3])));
        }
    }

    @Test
    void aNanOrNonUnitVectorIsRefusedAndANanQueryMisses() {
        try (ChronicleSemanticCache cache = create()) {
            float[] nan = unit(3);
            nan[0] = Float.NaN;
            float[] long10 = unit(4);
            for (int i = 0; i < long10.length; i++) {
                long10[i] *= 10;
            }
            // A dot product with either would have made it "similar" to every query (NaN passed "< threshold").
            assertThrows(IllegalArgumentException.class, () -> cache.put(entry("n", "acme", "ns", "nan", nan)));
            assertThrows(IllegalArgumentException.class, () -> cache.put(entry("l", "acme", "ns", "long", long10)));
            cache.put(entry("e1", "acme", "ns", "kept", unit(1)));
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "kept", unit(1))).isPresent());
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "other", nan)).isEmpty());
            assertTrue(cache.lookupSimilar(new CacheQuery("acme", "ns", "exact-q", "kept", unit(1), Double.NaN, 0.0,
                    T0.plusSeconds(1))).isEmpty(), "a NaN threshold is a miss");
        }
        assertThrows(IllegalArgumentException.class, () -> config(dir.resolve("y")).maxTtl(Duration.ofDays(40_000)));
    }

    @Test
    void aQueryVectorThatIsNotAFiniteUnitVectorIsAMiss() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config(dir.resolve("a.dat")).build())) {
            float[] stored = unit(1);
            cache.put(entry("e1", "acme", "ns", "kept", stored));
            // A unit vector about 60 degrees from the stored one (cosine ~0.5, far below the threshold 0.9) ...
            float[] other = unit(2);
            float[] q = new float[stored.length];
            double dot = ChronicleSemanticCache.similarity(stored, other);
            double norm = 0;
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) (stored[i] + (other[i] - dot * stored[i]) * Math.sqrt(3) / Math.sqrt(1 - dot * dot));
                norm += q[i] * q[i];
            }
            for (int i = 0; i < q.length; i++) {
                q[i] /= (float) Math.sqrt(norm);
            }
            assertEquals(0.5, ChronicleSemanticCache.similarity(stored, q), 1e-3);
            assertTrue(cache.lookupSimilar(query(q)).isEmpty(), "a cosine of 0.5 is a miss");
            // ... scaled by 2: the "similarity" becomes 1.0 and the unrelated entry is served.
            float[] scaled = q.clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= 2;
            }
            Optional<CacheHit> hit = cache.lookupSimilar(query(scaled));
            assertTrue(hit.isEmpty(), "served at similarity " + hit.map(CacheHit::similarity).orElse(null));
        }
    }

    @Test
    void aNanQueryIsAMissInGraphModeToo() {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(
                config(dir.resolve("g.dat")).graphThreshold(64).build())) {
            for (int i = 0; i < 100; i++) {
                cache.put(entry("e" + i, "acme", "ns", "prompt " + i, unit(i)));
            }
            assertTrue(cache.usesGraphIndex("acme", "ns"));
            float[] nan = unit(3);
            nan[0] = Float.NaN;
            // With -ea (as in these tests) JVector's GraphSearcher fails an assertion: AssertionError escapes.
            assertTrue(cache.lookupSimilar(query(nan)).isEmpty());
        }
    }

    private static CacheQuery query(float[] embedding) {
        return new CacheQuery("acme", "ns", "exact-q", null, embedding, null, 0.0, T0.plusSeconds(1));
    }

    @Test
    void aPutTheFileCannotHoldDoesNotEvictEntriesFirst() {
        ChronicleCacheConfig config = config(dir.resolve("b.dat")).maxEntries(10_000).averageEntryBytes(512).build();
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config)) {
            int i = 0;
            while (cache.stats().evictions() == 0) { // fill up to the byte bound
                cache.put(withAnswer(entry("e" + i, "acme", "ns", "prompt " + i, null), 300));
                i++;
            }
            CacheStats before = cache.stats();
            // 1 MB: under the byte bound (5.3 MB), but more chunks than this file's layout allows for one entry.
            CacheEntry big = withAnswer(entry("big", "acme", "ns", "big", null), 1_000_000);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> cache.put(big));
            assertTrue(refused.getMessage().contains("allows for one entry"), refused.getMessage());
            CacheStats after = cache.stats();
            assertEquals(before.entries(), after.entries(), "a refused put evicted entries: " + before + " -> " + after);
            assertEquals(before.evictions(), after.evictions());
        }
    }

    private static CacheEntry withAnswer(CacheEntry e, int chars) {
        ChatResponse r = e.response();
        ChatResponse answer = new ChatResponse(r.id(), "x".repeat(chars), r.toolCalls(), r.finishReason(), r.usage(),
                r.provider(), r.model(), r.modelVersion());
        return new CacheEntry(e.id(), e.tenantId(), e.namespace(), e.exactKey(), e.prompt(), e.embedding(), answer,
                e.modelQuality(), e.costUsd(), e.createdAt(), e.expiresAt(), 0);
    }
}
