package dev.junction.bench.catalog;

import dev.junction.engine.CircuitConfig;
import dev.junction.engine.catalog.CatalogFormat;
import dev.junction.engine.catalog.CatalogImport;
import dev.junction.engine.catalog.InvalidCatalogException;
import dev.junction.engine.internal.CatalogManager;
import dev.junction.engine.internal.CatalogSnapshot;
import dev.junction.engine.internal.Health;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cost of a catalog change for a catalog of {@code models} models (1,000 by default): reading a Junction-format
 * document, building the engine's immutable {@code CatalogSnapshot} (sorting, provider indexing, precomputed routing
 * entries), and a whole {@code CatalogManager.refresh()} (poll a changed source, validate, merge, build, swap). The
 * baseline is copying the model list, the least any rebuild does.
 *
 * <p>Run (from the repo root, after {@code ./mvnw -pl jmh-benchmarks -am package -DskipTests}):
 * {@code java -jar jmh-benchmarks/target/benchmarks.jar CatalogSnapshotBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * -prof gc -rf json -rff jmh-result-catalog-snapshot.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CatalogSnapshotBenchmark {

    @Param({"1000"})
    public int models;

    private List<ModelDescriptor> catalog;
    private byte[] junctionJson;
    private Map<String, ProviderClient> clients;
    private Health health;
    private CatalogManager manager;
    private long version;

    @Setup
    public void setUp() {
        catalog = BenchModels.synthetic(models, 1.0);
        junctionJson = CatalogFormat.toJunctionJson(catalog).getBytes(StandardCharsets.UTF_8);
        clients = BenchModels.clients(catalog);
        health = new Health(CircuitConfig.ofDefaults(), Clock.systemUTC());
        manager = new CatalogManager(List.of(new BenchModels.AlternatingSource(models)), clients, health,
                Clock.systemUTC());
    }

    @Benchmark
    public CatalogImport parseJunctionFormat() throws InvalidCatalogException {
        return CatalogFormat.JUNCTION.parse(junctionJson, "bench");
    }

    @Benchmark
    public CatalogSnapshot buildSnapshot() {
        return CatalogSnapshot.build(catalog, clients, health, ++version, Instant.EPOCH);
    }

    @Benchmark
    public boolean refreshAndSwap() {
        return manager.refresh();
    }

    @Benchmark
    public List<ModelDescriptor> baselineCopyList() {
        return List.copyOf(catalog);
    }
}
