package dev.junction.bench.cache;

import dev.junction.cache.internal.VectorIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Nearest-neighbour look-up in one namespace's index at 10k, 100k and 1M entries of 384 dimensions: the JVector graph
 * ({@code graphSearch}) against the exact SIMD scan ({@code exactScan}, the baseline). The set-up also measures the
 * graph's recall@1 and recall@10 against the exact scan on 1,000 queries (half paraphrase-like near a stored vector,
 * half fresh points) and prints them.
 *
 * <p>Run: {@code java -Xmx8g --add-modules=jdk.incubator.vector -jar jmh-benchmarks/target/benchmarks.jar
 * VectorIndexBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s -bm sample -tu us -rf json -rff vector-index.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "--add-modules=jdk.incubator.vector"})
public class VectorIndexBenchmark {
    static final int DIMS = 384;
    static final int QUERIES = 1024;

    @Param({"10000", "100000", "1000000"})
    public int size;

    private VectorIndex<Integer> index;
    private float[][] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        float[][] all = BenchVectors.clustered(size + QUERIES / 2, DIMS, 42);
        float[][] vectors = Arrays.copyOf(all, size);
        List<float[]> list = Arrays.asList(vectors);
        List<Integer> payloads = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            payloads.add(i);
        }
        long start = System.nanoTime();
        index = new VectorIndex<>(VectorIndex.Settings.of(DIMS));
        index.addAll(list, payloads);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        float[][] fresh = Arrays.copyOfRange(all, size, size + QUERIES / 2); // same topics, not stored
        queries = new float[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = i % 2 == 0 ? BenchVectors.near(vectors[(int) ((i * 7919L) % size)], i) : fresh[i / 2];
        }
        int hits1 = 0;
        int hits10 = 0;
        int nearHits1 = 0;
        for (int qi = 0; qi < QUERIES; qi++) {
            float[] q = queries[qi];
            List<VectorIndex.Neighbor<Integer>> exact = index.scan(q, 10);
            List<VectorIndex.Neighbor<Integer>> approx = index.search(q, 10);
            if (!approx.isEmpty() && approx.get(0).payload().equals(exact.get(0).payload())) {
                hits1++;
                if (qi % 2 == 0) {
                    nearHits1++;
                }
            }
            Set<Integer> found = new HashSet<>();
            for (VectorIndex.Neighbor<Integer> n : approx) {
                found.add(n.payload());
            }
            for (VectorIndex.Neighbor<Integer> n : exact) {
                if (found.contains(n.payload())) {
                    hits10++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n[vector-index] size=%d dims=%d graph=%s build=%.1fs recall@1=%.4f recall@10=%.4f "
                        + "recall@1(paraphrase-like half)=%.4f (%d queries)%n", size, DIMS, index.usesGraph(), buildSeconds,
                (double) hits1 / QUERIES, (double) hits10 / (QUERIES * 10.0), nearHits1 / (QUERIES / 2.0), QUERIES);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        index.close();
    }

    @Benchmark
    public Object graphSearch() {
        return index.search(queries[next++ & (QUERIES - 1)], 10);
    }

    @Benchmark
    public Object exactScan() {
        return index.scan(queries[next++ & (QUERIES - 1)], 10);
    }
}
