package dev.junction.bench.engine;

import dev.junction.engine.CachePolicy;
import dev.junction.engine.Intent;
import dev.junction.engine.Junction;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.internal.CatalogQualityPredictor;
import dev.junction.spi.CallOptions;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine's whole overhead per request: {@link Junction#complete} with an instant in-process provider (a
 * completed future, whose request check is the real plugin client's), caching off and no embedder, over the
 * LiteLLM-derived catalog of at least 200 models. Covers normalize, interceptors (none), assess (the built-in
 * catalog-score predictor), select, dispatch (circuit permits, attempt bookkeeping), record (live statistics, budget
 * ledger, Micrometer meters) and building the {@code RouteDecision}. The baseline calls the same instant provider
 * directly. {@code budget=capped} gives the tenant a cap it never reaches, so each request also takes and gives back a
 * budget hold.
 *
 * <p>Measurement iterations last 5 s, as in {@code RouterBenchmark}: JMH's work between iterations lands in the
 * samples next to it, so short iterations inflate the p99 of a microsecond operation.
 *
 * <p>Run (from the repo root): {@code java -jar jmh-benchmarks/target/benchmarks.jar EngineOverheadBenchmark -f 1
 * -wi 3 -w 1s -i 5 -r 5s -prof gc -rf json -rff jmh-result-engine-overhead.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class EngineOverheadBenchmark {
    @Param({"none", "capped"})
    public String budget;

    private Junction junction;
    private Map<String, ProviderClient> checks;
    private BenchCatalog.InstantProviderClient direct;
    private ChatRequest request;
    private Intent intent;
    private CallOptions options;

    @Setup
    public void setUp() {
        List<ModelDescriptor> models = BenchCatalog.litellm();
        // The built-in catalog-score predictor: the engine's own overhead, not a learned predictor's.
        Junction.Builder b = Junction.builder().models(models).cacheStore(null).embedder(null)
                .qualityPredictor(new CatalogQualityPredictor()).catalogRefreshInterval(Duration.ZERO);
        if (budget.equals("capped")) {
            b.tenantBudget("default", 1e12);
        }
        checks = BenchCatalog.pluginClients(BenchCatalog.providers(models));
        for (String p : BenchCatalog.providers(models)) {
            b.providerClient(new BenchCatalog.InstantProviderClient(p, checks.get(p)));
        }
        junction = b.build();
        direct = new BenchCatalog.InstantProviderClient("direct");
        request = ChatRequest.ofUser("Write a short poem about the sea, in four lines, with a rhyme.");
        intent = Intent.builder().cachePolicy(CachePolicy.OFF).build();
        options = new CallOptions("m", Duration.ofSeconds(60), "key");
    }

    @TearDown
    public void tearDown() throws Exception {
        junction.close();
        for (ProviderClient c : checks.values()) {
            c.close();
        }
    }

    @Benchmark
    public JunctionResponse complete() {
        return junction.complete(request, intent);
    }

    @Benchmark
    public ChatResponse baselineDirectProviderCall() {
        return direct.complete(request, options).join();
    }
}
