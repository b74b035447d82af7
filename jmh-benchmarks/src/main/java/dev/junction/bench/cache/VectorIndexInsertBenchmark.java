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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Graph search after an insert-heavy stretch: a {@code size}-entry index of 384-dim vectors, then {@code inserts} more
 * added one by one (as a cache adds entries), then {@code search(q, 10)}. Each insert changes its neighbours' lists,
 * which the index's flat copy of the neighbour lists can no longer serve; this measures what searches cost and find
 * once that has happened. The baseline is {@code inserts=0}: the same graph and queries without the inserts (queries
 * meant to be near an inserted vector are then near a base vector). The set-up prints the inserts' wall time (one
 * writer thread) and recall@1 against the exact scan on 1,024 queries: a quarter near a base vector, a quarter near an
 * inserted one, half fresh points from the same topics.
 *
 * <p>The base set is {@code VectorIndexBenchmark}'s for the same size (same seed and topics), so with
 * {@code -Djunction.bench.graphDir} its saved graph is loaded instead of rebuilt (a 100k build takes ~45 s on two
 * cores). Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar VectorIndexInsertBenchmark -f 1 -wi 3 -w 1s -i 5
 * -r 1s -jvmArgsAppend "-Xmx8g --add-modules=jdk.incubator.vector -XX:+UseTransparentHugePages
 * -Djunction.bench.graphDir=/tmp/junction-graphs"} (the {@code -jvmArgsAppend} replaces the {@code @Fork} arguments,
 * so it repeats them). Results: {@code cache/EVAL.md}, section "Vector index".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "--add-modules=jdk.incubator.vector", "-XX:+UseTransparentHugePages"})
public class VectorIndexInsertBenchmark {
    static final int DIMS = 384;
    static final int QUERIES = 1024;

    @Param({"100000"})
    public int size;

    /** 0 is the baseline: the same base graph and queries, no inserts. */
    @Param({"0", "15000"})
    public int inserts;

    private VectorIndex<Integer> index;
    private ForkJoinPool buildPool;
    private float[][] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        float[][] all = BenchVectors.clustered(size + QUERIES / 2, DIMS, 42, size + QUERIES / 2 + inserts);
        List<Integer> payloads = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            payloads.add(i);
        }
        List<float[]> base = Arrays.asList(Arrays.copyOf(all, size));
        buildPool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        VectorIndex.Settings settings = VectorIndex.Settings.of(DIMS);
        Path saved = VectorIndexBenchmark.savedGraph(size, settings);
        if (saved != null && Files.exists(saved)) {
            index = VectorIndex.load(settings, buildPool, saved, payloads, base, String::valueOf);
        } else {
            index = new VectorIndex<>(settings, buildPool);
            index.addAll(base, payloads);
        }
        float[][] added = Arrays.copyOfRange(all, size + QUERIES / 2, all.length);
        long start = System.nanoTime();
        for (int i = 0; i < inserts; i++) {
            index.add(added[i], size + i);
        }
        double insertSeconds = (System.nanoTime() - start) / 1e9;
        // Whatever the index does in its pool after the inserts finishes before the searches are measured.
        buildPool.awaitQuiescence(1, TimeUnit.MINUTES);
        queries = new float[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            long pick = i * 7919L;
            queries[i] = switch (i % 4) {
                case 0 -> BenchVectors.near(all[(int) (pick % size)], i);
                case 2 -> inserts == 0 ? BenchVectors.near(all[(int) (pick % size)], i + QUERIES)
                        : BenchVectors.near(added[(int) (pick % inserts)], i);
                default -> all[size + i / 2];
            };
        }
        int hits1 = 0;
        int insertedHits1 = 0;
        for (int qi = 0; qi < QUERIES; qi++) {
            List<VectorIndex.Neighbor<Integer>> exact = index.scan(queries[qi], 1);
            List<VectorIndex.Neighbor<Integer>> approx = index.search(queries[qi], 10);
            if (!approx.isEmpty() && approx.get(0).payload().equals(exact.get(0).payload())) {
                hits1++;
                if (qi % 4 == 2) {
                    insertedHits1++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n[vector-index-inserts] size=%d inserts=%d insertWall=%.1fs (%.0f us/insert) "
                        + "recall@1=%.4f recall@1(near an inserted vector)=%.4f (%d queries)%n", size, inserts,
                insertSeconds, insertSeconds * 1e6 / Math.max(1, inserts), (double) hits1 / QUERIES,
                insertedHits1 / (QUERIES / 4.0), QUERIES);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        index.close();
        buildPool.shutdown();
    }

    @Benchmark
    public Object graphSearch() {
        return index.search(queries[next++ & (QUERIES - 1)], 10);
    }
}
