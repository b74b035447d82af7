package dev.junction.cache.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorIndexTest {
    private static final int DIMS = 32;

    static float[] unit(Random random) {
        return unit(random, DIMS);
    }

    static float[] unit(Random random, int dims) {
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dims; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @Test
    void simdAndScalarDotProductsAgree() {
        Random random = new Random(1);
        for (int dims : new int[] {1, 7, 16, 33, 384}) {
            float[] a = new float[dims];
            float[] b = new float[dims];
            for (int i = 0; i < dims; i++) {
                a[i] = (float) random.nextGaussian();
                b[i] = (float) random.nextGaussian();
            }
            assertEquals(VectorMath.dotScalar(a, b), VectorMath.dot(a, b), 1e-4);
        }
    }

    @Test
    void switchesToTheGraphAndKeepsRecallAgainstTheExactScan() {
        Random random = new Random(42);
        try (VectorIndex<Integer> index = new VectorIndex<>(
                VectorIndex.Settings.of(DIMS).withGraphThreshold(500), ForkJoinPool.commonPool())) {
            for (int i = 0; i < 450; i++) {
                index.add(unit(random), i);
            }
            assertFalse(index.usesGraph());
            List<float[]> vectors = new ArrayList<>();
            List<Integer> payloads = new ArrayList<>();
            for (int i = 450; i < 2000; i++) {
                vectors.add(unit(random));
                payloads.add(i);
            }
            index.addAll(vectors, payloads);
            assertTrue(index.usesGraph());
            assertRecallAtOne(index, random, 0.95);
        }
    }

    /** Adds {@code n} random unit vectors with payloads 0 to n - 1 in one bulk load; returns them in that order. */
    private static List<float[]> addRandom(VectorIndex<Integer> index, Random random, int n) {
        List<float[]> vectors = new ArrayList<>();
        List<Integer> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            vectors.add(unit(random));
            payloads.add(i);
        }
        index.addAll(vectors, payloads);
        return vectors;
    }

    /** Asserts that the graph search's top hit is the exact scan's for at least {@code share} of 200 random queries. */
    private static void assertRecallAtOne(VectorIndex<Integer> index, Random random, double share) {
        int agree = 0;
        int queries = 200;
        for (int q = 0; q < queries; q++) {
            float[] query = unit(random);
            if (index.scan(query, 1).get(0).payload().equals(index.search(query, 1).get(0).payload())) {
                agree++;
            }
        }
        assertTrue(agree >= queries * share, "recall@1 " + agree + "/" + queries);
    }

    @Test
    void int8CodesApproximateTheDotProductAndScoreBatchesAsSingles() {
        Random random = new Random(3);
        for (int dims : new int[] {7, 32, 384}) {
            Int8Codes codes = new Int8Codes(dims);
            int n = Int8Codes.CHUNK + 5; // across a chunk boundary
            codes.ensureCapacity(n);
            float[][] vectors = new float[n][];
            for (int i = 0; i < n; i++) {
                vectors[i] = unit(random, dims);
                codes.set(i, vectors[i]);
            }
            float[] query = unit(random, dims);
            int[] ordinals = {0, 1, Int8Codes.CHUNK - 1, Int8Codes.CHUNK, n - 1};
            float[] batch = new float[ordinals.length];
            codes.dots(query, ordinals, ordinals.length, batch);
            for (int i = 0; i < ordinals.length; i++) {
                float single = codes.dot(query, ordinals[i]);
                // Equal but for the order of the lane sum, which the Vector API leaves to the JIT.
                assertEquals(single, batch[i], 1e-5, "batch and single scores of ordinal " + ordinals[i]);
                // The rounding error per component is at most half a step of max|x|/127.
                assertEquals(VectorMath.dot(query, vectors[ordinals[i]]), single, 0.02);
            }
            byte[] bytes = new byte[dims];
            random.nextBytes(bytes);
            float scalar = 0;
            for (int i = 0; i < dims; i++) {
                scalar += query[i] * bytes[i];
            }
            assertEquals(scalar, VectorMath.dotInt8(query, bytes, 0), 1e-3);
        }
    }

    @Test
    void anApproximateWalkOverTheWholeGraphReturnsExactlyTheScansTopK() {
        // With a beam as large as the graph the walk reaches every node; ranking by int8 codes and re-ranking the
        // best candidates exactly must then give the scan's own top-k, similarities included.
        Random random = new Random(11);
        try (VectorIndex<Integer> index = new VectorIndex<>(
                VectorIndex.Settings.of(DIMS).withGraphThreshold(200), ForkJoinPool.commonPool())) {
            addRandom(index, random, 600);
            assertTrue(index.usesGraph());
            // More than the recent-insert window, so most of these are found through the graph only.
            for (int i = 600; i < 1000; i++) {
                index.add(unit(random), i);
            }
            for (int q = 0; q < 50; q++) {
                float[] query = unit(random);
                List<VectorIndex.Neighbor<Integer>> exact = index.scan(query, 10);
                List<VectorIndex.Neighbor<Integer>> walked = index.search(query, 10, 2000);
                assertEquals(exact.stream().map(VectorIndex.Neighbor::payload).toList(),
                        walked.stream().map(VectorIndex.Neighbor::payload).toList(), "query " + q);
                for (int i = 0; i < exact.size(); i++) {
                    // The same dot product, up to the order of the lane sum (left to the JIT by the Vector API).
                    assertEquals(exact.get(i).similarity(), walked.get(i).similarity(), 1e-5, "query " + q);
                }
            }
        }
    }

    @Test
    void insertsAfterTheBuildAreFoundThroughTheGraphAtTheDefaultOverquery() {
        // The first 300 of these inserts fall out of the recent window (256): only the graph finds them, through
        // neighbour lists that changed after the flat copy was taken.
        Random random = new Random(13);
        try (VectorIndex<Integer> index = new VectorIndex<>(
                VectorIndex.Settings.of(DIMS).withGraphThreshold(200), ForkJoinPool.commonPool())) {
            addRandom(index, random, 1000);
            assertTrue(index.usesGraph());
            List<float[]> added = new ArrayList<>();
            for (int i = 0; i < 556; i++) {
                float[] v = unit(random);
                added.add(v);
                index.add(v, 1000 + i);
            }
            List<float[]> batch = new ArrayList<>();
            List<Integer> batchPayloads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(unit(random));
                batchPayloads.add(2000 + i);
            }
            index.addAll(batch, batchPayloads);
            for (int i = 0; i < 300; i++) {
                assertEquals(1000 + i, index.search(added.get(i), 1).get(0).payload(), "insert " + i);
            }
            for (int i = 0; i < 50; i++) {
                assertEquals(2000 + i, index.search(batch.get(i), 1).get(0).payload(), "batch insert " + i);
            }
        }
    }

    @Test
    void singleInsertsRetakeTheFlatNeighbourListsOnceAnEighthIsUnusable() {
        Random random = new Random(17);
        try (ForkJoinPool pool = new ForkJoinPool(2);
             VectorIndex<Integer> index = new VectorIndex<>(
                     VectorIndex.Settings.of(DIMS).withGraphThreshold(200), pool)) {
            List<float[]> vectors = new ArrayList<>(addRandom(index, random, 1000));
            assertTrue(index.usesGraph());
            // Each insert adds an unusable row and marks up to 38 more: far past 1/8 of the copy without a retake.
            for (int i = 1000; i < 1800; i++) {
                float[] v = unit(random);
                vectors.add(v);
                index.add(v, i);
            }
            pool.awaitQuiescence(1, TimeUnit.MINUTES);
            // A retake in flight during the last inserts leaves their rows unusable until the next insert checks.
            float[] last = unit(random);
            vectors.add(last);
            index.add(last, 1800);
            pool.awaitQuiescence(1, TimeUnit.MINUTES);
            assertTrue(index.unusableRows() <= vectors.size() / 8, "unusable rows " + index.unusableRows());
            // A single insert marks every list it changes (in a copy being taken too, or that copy reads the changed
            // list), so no row a search would use may differ from the graph.
            assertEquals(0, index.staleFlatRows());
            // The inserts that left the recent window are found through the graph.
            for (int i = 1000; i < 1500; i++) {
                assertEquals(i, index.search(vectors.get(i), 1).get(0).payload(), "insert " + i);
            }
            assertRecallAtOne(index, random, 0.95);
        }
    }

    @Test
    void bulkInsertsRacingSearchersReturnOnlyInsertedVectorsAndKeepRecall() throws Exception {
        Random random = new Random(19);
        int base = 1000;
        int total = 4000;
        float[][] vectors = new float[total][];
        List<Integer> payloads = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            vectors[i] = unit(random);
            payloads.add(i);
        }
        float[][] queries = new float[64][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = unit(random);
        }
        List<float[]> all = List.of(vectors);
        try (ForkJoinPool pool = new ForkJoinPool(2);
             VectorIndex<Integer> index = new VectorIndex<>(
                     VectorIndex.Settings.of(DIMS).withGraphThreshold(200), pool);
             ExecutorService searchers = Executors.newFixedThreadPool(2)) {
            index.addAll(all.subList(0, base), payloads.subList(0, base));
            assertTrue(index.usesGraph());
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<Integer>> running = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int first = t;
                running.add(searchers.submit(() -> {
                    int searches = 0;
                    while (writing.get() || searches < 20) {
                        float[] query = queries[(first + searches++) % queries.length];
                        for (VectorIndex.Neighbor<Integer> n : index.search(query, 10)) {
                            int p = n.payload();
                            assertTrue(p >= 0 && p < total, "payload " + p);
                            assertEquals(VectorMath.dot(query, vectors[p]), n.similarity(), 1e-4, "payload " + p);
                        }
                    }
                    return searches;
                }));
            }
            try {
                // One bulk load of 2,000, then batches that cross the retake threshold while a retake may be running.
                index.addAll(all.subList(base, 3000), payloads.subList(base, 3000));
                for (int from = 3000; from < total; from += 250) {
                    index.addAll(all.subList(from, from + 250), payloads.subList(from, from + 250));
                }
            } finally {
                writing.set(false);
            }
            for (Future<Integer> searcher : running) {
                assertTrue(searcher.get(1, TimeUnit.MINUTES) >= 20);
            }
            pool.awaitQuiescence(1, TimeUnit.MINUTES);
            assertEquals(total, index.size());
            assertRecallAtOne(index, random, 0.95);
        }
    }

    @Test
    void removedVectorsAreNeverReturnedAndFreshOnesAlwaysAre() {
        Random random = new Random(7);
        try (VectorIndex<Integer> index = new VectorIndex<>(
                VectorIndex.Settings.of(DIMS).withGraphThreshold(200), ForkJoinPool.commonPool())) {
            List<float[]> vectors = new ArrayList<>();
            List<Integer> payloads = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                vectors.add(unit(random));
                payloads.add(i);
            }
            index.addAll(vectors, payloads);
            assertTrue(index.usesGraph());
            for (int i = 0; i < 1000; i += 2) {
                assertTrue(index.remove(payloads.get(i)));
            }
            assertFalse(index.remove(payloads.get(0)));
            assertEquals(500, index.size());
            for (int i = 0; i < 1000; i++) {
                for (VectorIndex.Neighbor<Integer> n : index.search(vectors.get(i), 10)) {
                    assertEquals(1, n.payload() % 2, "removed payload " + n.payload() + " returned");
                }
            }
            // Each live vector finds itself.
            for (int i = 1; i < 1000; i += 2) {
                assertEquals(i, index.search(vectors.get(i), 1).get(0).payload());
            }
            // New vectors are found at once.
            List<float[]> added = new ArrayList<>();
            List<Integer> addedPayloads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                float[] v = unit(random);
                added.add(v);
                addedPayloads.add(10_000 + i);
                index.add(v, addedPayloads.get(i));
                assertEquals(10_000 + i, index.search(v, 1).get(0).payload());
            }
            // Shrinking far below the threshold drops the graph; results stay exact.
            for (int i = 1; i < 1000; i += 2) {
                index.remove(payloads.get(i));
            }
            assertEquals(100, index.size());
            assertTrue(index.usesGraph());
            for (int i = 0; i < 60; i++) {
                assertTrue(index.remove(addedPayloads.get(i)), "payloads are compared by identity");
            }
            assertFalse(index.usesGraph());
            assertEquals(40, index.size());
            assertEquals(10_099, index.search(added.get(99), 1).get(0).payload());
        }
    }

    @Test
    void closedIndexRefusesUse() {
        VectorIndex<Integer> index = new VectorIndex<>(VectorIndex.Settings.of(DIMS), ForkJoinPool.commonPool());
        index.close();
        assertThrows(IllegalStateException.class, () -> index.search(new float[DIMS], 1));
        assertThrows(IllegalStateException.class, () -> index.add(new float[DIMS], 1));
    }

    @TempDir
    Path dir;

    @Test
    void aSavedGraphLoadsWithTheSameResultsAndKeepsTakingWrites() throws IOException {
        Random random = new Random(11);
        VectorIndex.Settings settings = VectorIndex.Settings.of(DIMS).withGraphThreshold(200);
        List<float[]> vectors = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            vectors.add(unit(random));
            payloads.add("p" + i);
        }
        Path file = dir.resolve("ns.graph");
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            queries.add(unit(random));
        }
        List<List<String>> before = new ArrayList<>();
        try (VectorIndex<String> index = new VectorIndex<>(settings, ForkJoinPool.commonPool())) {
            index.addAll(vectors, payloads);
            for (int i = 0; i < 1500; i += 3) {
                index.remove(payloads.get(i));
            }
            assertTrue(index.save(file, p -> p));
            for (float[] q : queries) {
                before.add(index.search(q, 10).stream().map(VectorIndex.Neighbor::payload).toList());
            }
        }
        List<float[]> liveVectors = new ArrayList<>();
        List<String> livePayloads = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            if (i % 3 != 0) {
                liveVectors.add(vectors.get(i));
                livePayloads.add(payloads.get(i));
            }
        }
        try (VectorIndex<String> index = VectorIndex.load(settings, ForkJoinPool.commonPool(), file, livePayloads,
                liveVectors, p -> p)) {
            assertTrue(index.usesGraph());
            assertEquals(1000, index.size());
            for (int i = 0; i < queries.size(); i++) {
                assertEquals(before.get(i),
                        index.search(queries.get(i), 10).stream().map(VectorIndex.Neighbor::payload).toList());
            }
            float[] fresh = unit(random);
            index.add(fresh, "fresh");
            assertEquals("fresh", index.search(fresh, 1).get(0).payload());
            assertTrue(index.remove(livePayloads.get(0)));
            assertNotEquals(livePayloads.get(0), index.search(liveVectors.get(0), 1).get(0).payload());
        }
    }

    @Test
    void loadRefusesAStaleCorruptOrForeignFile() throws IOException {
        Random random = new Random(12);
        VectorIndex.Settings settings = VectorIndex.Settings.of(DIMS).withGraphThreshold(100);
        List<float[]> vectors = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            vectors.add(unit(random));
            payloads.add("p" + i);
        }
        Path file = dir.resolve("ns.graph");
        try (VectorIndex<String> index = new VectorIndex<>(settings, ForkJoinPool.commonPool())) {
            index.addAll(vectors, payloads);
            assertTrue(index.save(file, p -> p));
        }
        ForkJoinPool pool = ForkJoinPool.commonPool();
        // An entry gone, or one added since the save.
        assertThrows(IOException.class, () -> VectorIndex.load(settings, pool, file, payloads.subList(1, 300),
                vectors.subList(1, 300), p -> p));
        List<String> renamed = new ArrayList<>(payloads);
        renamed.set(5, "other");
        assertThrows(IOException.class, () -> VectorIndex.load(settings, pool, file, renamed, vectors, p -> p));
        assertThrows(IOException.class, () -> VectorIndex.load(settings.withGraph(8, 100), pool, file, payloads,
                vectors, p -> p));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 100] ^= 1;
        Files.write(file, bytes);
        assertThrows(IOException.class, () -> VectorIndex.load(settings, pool, file, payloads, vectors, p -> p));
        // Scan mode has nothing worth saving.
        try (VectorIndex<String> small = new VectorIndex<>(settings, pool)) {
            small.add(vectors.get(0), "p0");
            assertFalse(small.save(dir.resolve("small.graph"), p -> p));
        }
    }
}
