package dev.junction.bench.catalog;

import dev.junction.engine.CachePolicy;
import dev.junction.engine.CircuitConfig;
import dev.junction.engine.Intent;
import dev.junction.engine.Objective;
import dev.junction.engine.internal.CatalogManager;
import dev.junction.engine.internal.CatalogQualityPredictor;
import dev.junction.engine.internal.Health;
import dev.junction.engine.internal.InMemoryBudgetLedger;
import dev.junction.engine.internal.Router;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.PromptAssessment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The router's selection time for one request, read from the {@code CatalogManager}'s atomically swapped snapshot,
 * with no swap going on ({@code steady}) and while another thread swaps in a rebuilt snapshot back to back
 * ({@code swapping}: one selecting thread, one thread calling {@code refresh()} in a loop, every call a new
 * snapshot with different prices). Readers take no lock, so the difference is the cost of sharing two cores with the
 * rebuild (allocation, GC, caches), not waiting. The {@code baselineSnapshotRead} is the volatile read alone.
 *
 * <p>Run (from the repo root): {@code java -jar jmh-benchmarks/target/benchmarks.jar SelectionDuringSwapBenchmark
 * -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff jmh-result-catalog-swap.json}
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class SelectionDuringSwapBenchmark {

    @Param({"200", "1000"})
    public int models;

    private CatalogManager manager;
    private Router router;
    private ChatRequest request;
    private Intent intent;
    private PromptAssessment assessment;
    private InMemoryBudgetLedger ledger;
    private long nowMillis;

    @Setup
    public void setUp() {
        BenchModels.AlternatingSource source = new BenchModels.AlternatingSource(models);
        Clock clock = Clock.systemUTC();
        manager = new CatalogManager(List.of(source), BenchModels.clients(BenchModels.synthetic(models, 1.0)),
                new Health(CircuitConfig.ofDefaults(), clock), clock);
        CatalogQualityPredictor predictor = new CatalogQualityPredictor();
        router = new Router(predictor);
        request = ChatRequest.ofUser("Write a short poem about the sea, in four lines, with a rhyme.");
        intent = Intent.builder().objective(Objective.BALANCED).cachePolicy(CachePolicy.OFF).build();
        assessment = predictor.assess(request, null);
        ledger = new InMemoryBudgetLedger();
        nowMillis = clock.millis();
    }

    private Router.Selection select() {
        return router.select(manager.snapshot(), request, intent, "default", assessment, assessment.inputTokens(),
                false, ledger, nowMillis);
    }

    @Benchmark
    @Group("steady")
    @GroupThreads(1)
    public Router.Selection steadySelect() {
        return select();
    }

    @Benchmark
    @Group("swapping")
    @GroupThreads(1)
    public Router.Selection swappingSelect() {
        return select();
    }

    @Benchmark
    @Group("swapping")
    @GroupThreads(1)
    public boolean swappingRefresh() {
        return manager.refresh();
    }

    @Benchmark
    @Group("baseline")
    @GroupThreads(1)
    public Object baselineSnapshotRead() {
        return manager.snapshot();
    }
}
