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
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Nearest-neighbour look-up in one namespace's index at 10k, 100k and 1M entries of 384 dimensions: the JVector graph
 * ({@code graphSearch}: a walk ranked by int8 codes over a flat copy of the neighbour lists, the best 2k candidates
 * re-scored exactly, the index's default overquery) against the exact SIMD scan ({@code exactScan}, the baseline). The set-up also measures the graph's
 * recall@1 and recall@10 against the exact scan on 1,024 queries (half paraphrase-like near a stored vector, half
 * fresh points from the same topics) and prints them with the build's wall time and the heap in use after it. The
 * graph is built on a dedicated pool of one worker per core, as {@code ChronicleSemanticCache} does.
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar VectorIndexBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * -rf json -rff vector-index.json}; one size: {@code -p size=1000000}. The fork gets {@code -Xmx8g}: 1M vectors of 384
 * floats are 1.5 GB, the graph, its int8 codes and the query set about 1 GB more. It also gets
 * {@code -XX:+UseTransparentHugePages}: a walk reads hundreds of scattered 384-byte codes and neighbour rows, and with
 * 4 KB pages each read also misses the TLB (it works where the kernel's THP mode is madvise or always; a deployment
 * holding a large index should run with it too; to measure without it, pass {@code -XX:-UseTransparentHugePages} in
 * the repeated arguments below). With {@code -jvmArgsAppend
 * -Djunction.bench.graphDir=/tmp/junction-graphs} the first run saves each built graph there ({@link VectorIndex#save},
 * what the cache does on close) and later runs load it instead of rebuilding (the same vectors come from the same
 * seed); the set-up line says which happened. Only {@code graphSearch} is worth running at 1M ({@code exactScan}
 * takes tens of milliseconds there, and every benchmark method repeats the set-up). A {@code -jvmArgsAppend} given
 * on the command line replaces the {@code @Fork} arguments, so repeat them: the 1M run is {@code java -jar
 * benchmarks.jar VectorIndexBenchmark.graphSearch -p size=1000000 -f 1 -wi 3 -w 1s -i 5 -r 1s -jvmArgsAppend
 * "-Xmx8g --add-modules=jdk.incubator.vector -XX:+UseTransparentHugePages -Djunction.bench.graphDir=/tmp/junction-graphs"}
 * (copy the jar first if it may be rebuilt meanwhile). Results and their commands: {@code cache/EVAL.md}, section
 * "Vector index".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "--add-modules=jdk.incubator.vector", "-XX:+UseTransparentHugePages"})
public class VectorIndexBenchmark {
    static final int DIMS = 384;
    static final int QUERIES = 1024;

    @Param({"10000", "100000", "1000000"})
    public int size;

    private VectorIndex<Integer> index;
    private ForkJoinPool buildPool;
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
        buildPool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        VectorIndex.Settings settings = VectorIndex.Settings.of(DIMS);
        Path saved = savedGraph(size, settings);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        String how = "built";
        index = null;
        if (saved != null && Files.exists(saved)) {
            try {
                index = VectorIndex.load(settings, buildPool, saved, payloads, list, String::valueOf);
                how = "loaded " + saved;
            } catch (IOException e) {
                System.out.println("[vector-index] rebuilding, cannot load " + saved + ": " + e.getMessage());
            }
        }
        if (index == null) {
            index = new VectorIndex<>(settings, buildPool);
            index.addAll(list, payloads);
        }
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        double buildCpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        if (saved != null && how.equals("built")) {
            try {
                Files.createDirectories(saved.getParent());
                index.save(saved, String::valueOf);
                how = "built, saved to " + saved;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        System.gc();
        double heapGb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1e9;
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
        System.out.printf(Locale.ROOT, "%n[vector-index] size=%d dims=%d %s graph=%s (M=%d beam=%d overquery=%d) "
                        + "wall=%.1fs cpu=%.1fs (%d threads) heap=%.2fGB recall@1=%.4f recall@10=%.4f "
                        + "recall@1(paraphrase-like half)=%.4f (%d queries)%n", size, DIMS, how, index.usesGraph(),
                settings.maxDegree(), settings.beamWidth(), settings.searchOverquery(), buildSeconds, buildCpuSeconds,
                buildPool.getParallelism(), heapGb, (double) hits1 / QUERIES, (double) hits10 / (QUERIES * 10.0),
                nearHits1 / (QUERIES / 2.0), QUERIES);
    }

    /** Where {@code -Djunction.bench.graphDir} keeps the graph of this benchmark's {@code size} vectors, or null. */
    static Path savedGraph(int size, VectorIndex.Settings settings) {
        String graphDir = System.getProperty("junction.bench.graphDir");
        return graphDir == null ? null : Path.of(graphDir).resolve("vector-index-" + size + "-m" + settings.maxDegree()
                + "-b" + settings.beamWidth() + ".graph");
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

    @Benchmark
    public Object exactScan() {
        return index.scan(queries[next++ & (QUERIES - 1)], 10);
    }
}
