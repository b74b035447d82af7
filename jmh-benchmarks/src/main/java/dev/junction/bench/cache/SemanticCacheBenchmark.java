package dev.junction.bench.cache;

import dev.junction.cache.ChronicleCacheConfig;
import dev.junction.cache.ChronicleSemanticCache;
import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.Usage;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole cache on its Chronicle Map file: exact-tier look-up, semantic look-up (index search + hit policy +
 * reading and decoding the entry), and put throughput, with {@code size} entries of 384 dimensions and ~700-byte
 * answers in one namespace. {@code exactKeyHash} (hashing the key alone) is the baseline of the exact tier.
 *
 * <p>Run: {@code java -Xmx8g --add-modules=jdk.incubator.vector -jar jmh-benchmarks/target/benchmarks.jar
 * SemanticCacheBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff semantic-cache.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Chronicle Map compiles classes at run time: the forked JVM needs the opens and exports the jar's manifest gives
// junction.jar (JMH forks with -cp, so a manifest does not apply).
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "--add-modules=jdk.incubator.vector", "-Dchronicle.analytics.disable=true",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SemanticCacheBenchmark {
    static final int DIMS = 384;
    static final Instant NOW = Instant.parse("2026-11-21T00:00:00Z");
    static final String ANSWER = "x".repeat(700);

    @Param({"10000", "100000"})
    public int size;

    private Path dir;
    private ChronicleSemanticCache cache;
    private float[][] vectors;
    private CacheQuery[] exactQueries;
    private CacheQuery[] similarQueries;
    private int next;
    private int putCounter;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("junction-bench-cache");
        cache = ChronicleSemanticCache.create(ChronicleCacheConfig.custom(dir.resolve("cache.dat"))
                .maxEntries(size * 3L).averageEntryBytes(2600).dimensions(DIMS).similarityThreshold(0.8).build());
        vectors = BenchVectors.clustered(size, DIMS, 7);
        for (int i = 0; i < size; i++) {
            cache.put(entry(i, vectors[i]));
        }
        exactQueries = new CacheQuery[1024];
        similarQueries = new CacheQuery[1024];
        for (int i = 0; i < 1024; i++) {
            int target = (int) ((i * 7919L) % size);
            exactQueries[i] = new CacheQuery("bench", "ns", "key-" + target, null, null, null, 0, NOW);
            similarQueries[i] = new CacheQuery("bench", "ns", "other-" + i, "prompt number " + target,
                    BenchVectors.near(vectors[target], i), null, 0, NOW);
        }
    }

    static CacheEntry entry(int i, float[] v) {
        return new CacheEntry("id-" + i, "bench", "ns", "key-" + i, "prompt number " + i, v,
                new ChatResponse("r" + i, ANSWER, List.of(), FinishReason.STOP, Usage.of(50, 200), "openai",
                        "gpt-4o-mini", null), 0.9, 0.001, NOW, NOW.plus(Duration.ofDays(1)), 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        cache.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public Object lookupExact() {
        return cache.lookupExact(exactQueries[next++ & 1023]);
    }

    @Benchmark
    public Object lookupSimilar() {
        return cache.lookupSimilar(similarQueries[next++ & 1023]);
    }

    @Benchmark
    public int exactKeyHash() {
        return exactQueries[next++ & 1023].exactKey().hashCode() ^ "ns".hashCode();
    }

    /** Replaces existing entries (the file stays at {@code size}); throughput in ops/ms. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void put() {
        int i = putCounter++ % size;
        cache.put(entry(i, vectors[i]));
    }
}
