package dev.junction.server.demo;

import dev.junction.engine.Attempt;
import dev.junction.engine.CircuitConfig;
import dev.junction.engine.Intent;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.Objective;
import dev.junction.engine.RetryConfig;
import dev.junction.server.config.JunctionConfig;
import dev.junction.server.runtime.EngineBackend;
import dev.junction.server.runtime.GatewayAssembly;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.Capability;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.Secret;
import dev.junction.spi.TaskCategory;
import dev.junction.spi.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The offline demo: a mixed workload through the real engine, embedder and cache against SIMULATED providers on
 * loopback, reached through the real OpenAI-compatible and Anthropic plugins.
 *
 * <p>Not thread-safe; run once.
 */
public final class Demo {

    /**
     * A simulated model: its wire, catalog facts and behaviour.
     *
     * @param provider the provider id
     * @param wire     the protocol its simulator speaks
     * @param model    the simulator's behaviour
     * @param prices   prices per million tokens
     * @param quality  the catalog quality score for every category
     */
    record SimModel(String provider, SimulatedProvider.Wire wire, SimulatedProvider.Model model, Prices prices,
                    double quality) {
        String id() {
            return provider + "/" + model.id();
        }
    }

    /** The SIMULATED models: latency, price and failure rate are made up for the demo, chosen to look realistic. */
    static final List<SimModel> MODELS = List.of(
            new SimModel("sim-openai", SimulatedProvider.Wire.OPENAI,
                    new SimulatedProvider.Model("sim-mini", Duration.ofMillis(30), Duration.ofMillis(0), 0.10, 120),
                    new Prices(0.15, 0.60, 0.075), 0.62),
            new SimModel("sim-openai", SimulatedProvider.Wire.OPENAI,
                    new SimulatedProvider.Model("sim-pro", Duration.ofMillis(80), Duration.ofMillis(0), 0.05, 300),
                    new Prices(2.50, 10.00, 1.25), 0.84),
            new SimModel("sim-anthropic", SimulatedProvider.Wire.ANTHROPIC,
                    new SimulatedProvider.Model("sim-haiku", Duration.ofMillis(50), Duration.ofMillis(0), 0.05, 150),
                    new Prices(0.80, 4.00, 0.08), 0.72),
            new SimModel("sim-anthropic", SimulatedProvider.Wire.ANTHROPIC,
                    new SimulatedProvider.Model("sim-opus", Duration.ofMillis(150), Duration.ofMillis(0), 0.15, 400),
                    new Prices(15.00, 75.00, 1.50), 0.95));

    /** The model "always use the strongest" would call. */
    static final String STRONGEST = "sim-anthropic/sim-opus";

    private final PrintStream out;
    private final long seed;
    private final double minQuality;

    /**
     * @param out        where the report goes
     * @param seed       the seed of the workload order and of the simulated failures
     * @param minQuality the quality floor every request states
     */
    public Demo(PrintStream out, long seed, double minQuality) {
        this.out = out;
        this.seed = seed;
        this.minQuality = minQuality;
    }

    /** What the run measured, for tests. */
    public record Result(int requests, int answered, int failed, int cacheHits, int failovers, double costUsd,
                         double strongestCostUsd) {
    }

    /** Runs the workload and prints the report; returns the totals. */
    public Result run() {
        List<SimulatedProvider> sims = new ArrayList<>();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("junction-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Map<String, SimulatedProvider> byProvider = new LinkedHashMap<>();
            for (String provider : List.of("sim-openai", "sim-anthropic")) {
                Map<String, SimulatedProvider.Model> models = new LinkedHashMap<>();
                SimulatedProvider.Wire wire = null;
                for (SimModel m : MODELS) {
                    if (m.provider().equals(provider)) {
                        models.put(m.model().id(), m.model());
                        wire = m.wire();
                    }
                }
                SimulatedProvider sim = new SimulatedProvider(wire, models, seed + provider.hashCode());
                sims.add(sim);
                byProvider.put(provider, sim);
            }
            printHeader();
            List<ProviderConfig> providers = new ArrayList<>();
            providers.add(ProviderConfig.of("sim-openai", "openai-compatible", byProvider.get("sim-openai").baseUrl(),
                    new Secret("sim-key-not-secret")));
            providers.add(ProviderConfig.of("sim-anthropic", "anthropic", byProvider.get("sim-anthropic").baseUrl(),
                    new Secret("sim-key-not-secret")));
            List<ModelDescriptor> catalog = MODELS.stream().map(Demo::descriptor).toList();
            CatalogSource source = new CatalogSource() {
                @Override
                public String name() {
                    return "SIMULATED demo catalog";
                }

                @Override
                public List<ModelDescriptor> load() {
                    return catalog;
                }
            };
            out.println("Loading the local embedding model and opening the cache under " + dataDir + " ...");
            try (EngineBackend backend = GatewayAssembly.backend(providers, source, dataDir,
                    new JunctionConfig.Cache(true, 10_000L), new SimpleMeterRegistry(), Map.of(),
                    b -> b.retry(RetryConfig.ofDefaults()).circuitBreaker(CircuitConfig.ofDefaults()))) {
                Map<String, Object> health = backend.health();
                out.println("Embedder: " + (health.get("embedder") == null ? "none (exact cache only)" : health.get("embedder"))
                        + "   cache: " + health.get("cache"));
                out.println();
                Result result = runWorkload(backend);
                long injected = sims.stream().mapToLong(SimulatedProvider::failures).sum();
                long calls = sims.stream().mapToLong(SimulatedProvider::calls).sum();
                out.printf(Locale.ROOT, "Simulated upstreams saw %d HTTP calls and injected %d failures.%n", calls, injected);
                return result;
            }
        } finally {
            sims.forEach(SimulatedProvider::close);
            deleteQuietly(dataDir);
        }
    }

    private static ModelDescriptor descriptor(SimModel m) {
        Map<TaskCategory, Double> quality = new EnumMap<>(TaskCategory.class);
        for (TaskCategory c : TaskCategory.values()) {
            double q = m.quality() - (c == TaskCategory.MATH || c == TaskCategory.REASONING ? 0.08 * (1 - m.quality()) * 4 : 0);
            quality.put(c, Math.max(0.05, Math.min(1, q)));
        }
        return new ModelDescriptor(m.provider(), m.model().id(), 128_000, 8192, m.prices(),
                Set.of(Capability.TOOLS, Capability.STREAMING, Capability.JSON_SCHEMA), Set.of("us"), DataRetention.LIMITED,
                quality);
    }

    private void printHeader() {
        out.println("Junction demo - offline, no API keys. Every provider below is SIMULATED on 127.0.0.1:");
        out.println("  they speak the real OpenAI / Anthropic wire protocols, but their answers are canned text and");
        out.println("  their latency, prices and failure rates are made-up values chosen to look realistic.");
        out.println();
        out.printf(Locale.ROOT, "  %-26s %-10s %9s %12s %12s %9s %8s%n", "SIMULATED model", "wire", "latency",
                "$/M input", "$/M output", "failures", "quality");
        for (SimModel m : MODELS) {
            out.printf(Locale.ROOT, "  %-26s %-10s %7dms %12.2f %12.2f %8.0f%% %8.2f%n", m.id(),
                    m.wire().name().toLowerCase(Locale.ROOT), m.model().latency().toMillis(), m.prices().inputPerMillion(),
                    m.prices().outputPerMillion(), m.model().failureRate() * 100, m.quality());
        }
        out.println("  (failures: OpenAI-wire ones answer 503, Anthropic-wire ones 529 overloaded)");
        out.println();
    }

    private Result runWorkload(EngineBackend backend) {
        List<DemoWorkload.Item> items = DemoWorkload.items(seed);
        Intent intent = Intent.builder().objective(Objective.BALANCED).minQuality(minQuality).allowDegrade(true).build();
        Map<DemoWorkload.Tier, Map<String, Integer>> routing = new EnumMap<>(DemoWorkload.Tier.class);
        Map<String, Integer> byModel = new TreeMap<>();
        Map<String, Double> pricesIn = new LinkedHashMap<>();
        Map<String, Double> pricesOut = new LinkedHashMap<>();
        for (SimModel m : MODELS) {
            pricesIn.put(m.id(), m.prices().inputPerMillion());
            pricesOut.put(m.id(), m.prices().outputPerMillion());
        }
        int answered = 0;
        int failed = 0;
        int exactHits = 0;
        int semanticHits = 0;
        int failovers = 0;
        int failedAttempts = 0;
        double cost = 0;
        double strongest = 0;
        String firstFailure = null;
        long started = System.nanoTime();
        Progress progress = new Progress(out, items.size());
        for (int i = 0; i < items.size(); i++) {
            DemoWorkload.Item item = items.get(i);
            ChatRequest request = ChatRequest.of(List.of(Message.system("You are a helpful assistant."),
                    Message.user(item.prompt()))).withTenant("demo", null);
            String where;
            try {
                JunctionResponse r = backend.complete(request, intent);
                answered++;
                Usage u = r.response().usage();
                cost += r.decision().costUsd();
                strongest += (u.inputTokens() * pricesIn.get(STRONGEST) + u.outputTokens() * pricesOut.get(STRONGEST)) / 1e6;
                CacheStatus cs = r.decision().cacheStatus();
                if (cs == CacheStatus.EXACT_HIT) {
                    exactHits++;
                    where = "cache (exact)";
                } else if (cs == CacheStatus.SEMANTIC_HIT) {
                    semanticHits++;
                    where = "cache (semantic)";
                } else {
                    where = r.response().provider() + "/" + r.response().model();
                    byModel.merge(where, 1, Integer::sum);
                }
                int failedHere = 0;
                for (Attempt a : r.decision().attempts()) {
                    if (a.outcome() == Attempt.Outcome.FAILED) {
                        failedHere++;
                    }
                }
                failedAttempts += failedHere;
                if (failedHere > 0) {
                    failovers++;
                }
            } catch (RuntimeException e) {
                failed++;
                where = "failed";
                if (firstFailure == null) {
                    if (Boolean.getBoolean("junction.demo.trace")) {
                        e.printStackTrace(out);
                    }
                    Throwable root = e;
                    while (root.getCause() != null && root.getCause() != root) {
                        root = root.getCause();
                    }
                    firstFailure = e.getClass().getSimpleName() + ": " + e.getMessage()
                            + (root == e ? "" : " (cause: " + root + (root.getStackTrace().length > 0
                            ? " at " + root.getStackTrace()[0] : "") + ")");
                }
            }
            routing.computeIfAbsent(item.tier(), t -> new TreeMap<>()).merge(where, 1, Integer::sum);
            progress.update(i + 1, exactHits + semanticHits, failovers);
        }
        progress.finish();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        report(items.size(), answered, failed, exactHits, semanticHits, failovers, failedAttempts, cost, strongest,
                routing, byModel, took);
        if (firstFailure != null) {
            out.println("First failure: " + firstFailure);
        }
        return new Result(items.size(), answered, failed, exactHits + semanticHits, failovers, cost, strongest);
    }

    private void report(int total, int answered, int failed, int exactHits, int semanticHits, int failovers,
                        int failedAttempts, double cost, double strongest,
                        Map<DemoWorkload.Tier, Map<String, Integer>> routing, Map<String, Integer> byModel, Duration took) {
        out.println();
        out.printf(Locale.ROOT, "Ran %d requests in %.1f s (quality floor %.2f, objective balanced): %d answered, %d failed.%n",
                total, took.toMillis() / 1000.0, minQuality, answered, failed);
        out.println();
        out.println("Routing per difficulty tier (tiers are the workload's labels; the engine judged difficulty itself):");
        for (Map.Entry<DemoWorkload.Tier, Map<String, Integer>> e : routing.entrySet()) {
            StringBuilder line = new StringBuilder();
            e.getValue().entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(x -> line.append(line.isEmpty() ? "" : ", ").append(x.getKey()).append(" x").append(x.getValue()));
            out.printf(Locale.ROOT, "  %-7s %s%n", e.getKey().name().toLowerCase(Locale.ROOT), line);
        }
        out.println();
        int hits = exactHits + semanticHits;
        out.printf(Locale.ROOT, "Cache hits: %d of %d (%d exact, %d semantic: paraphrases answered without a model call)%n",
                hits, total, exactHits, semanticHits);
        out.printf(Locale.ROOT, "Failovers: %d requests survived %d failed provider attempts (SIMULATED outages)%n",
                failovers, failedAttempts);
        out.println();
        out.println("Model calls by model:");
        int maxCalls = byModel.values().stream().max(Comparator.naturalOrder()).orElse(1);
        for (Map.Entry<String, Integer> e : byModel.entrySet()) {
            out.printf(Locale.ROOT, "  %-26s %s %d%n", e.getKey(), bar(e.getValue(), maxCalls, 30), e.getValue());
        }
        out.printf(Locale.ROOT, "  %-26s %s %d%n", "cache", bar(hits, Math.max(maxCalls, hits), 30), hits);
        out.println();
        out.println("Cost (SIMULATED prices):");
        double max = Math.max(cost, strongest);
        out.printf(Locale.ROOT, "  %-26s %s $%.4f%n", "Junction", bar(cost, max, 40), cost);
        out.printf(Locale.ROOT, "  %-26s %s $%.4f%n", "always " + STRONGEST, bar(strongest, max, 40), strongest);
        if (strongest > 0) {
            out.printf(Locale.ROOT, "  Junction cost %.1f%% of always using the strongest model (%.1fx cheaper).%n",
                    100 * cost / strongest, cost > 0 ? strongest / cost : Double.POSITIVE_INFINITY);
        }
    }

    static String bar(double value, double max, int width) {
        int n = max <= 0 ? 0 : (int) Math.round(width * value / max);
        if (value > 0 && n == 0) {
            n = 1;
        }
        return "#".repeat(n) + ".".repeat(width - n);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // A temp file left behind is harmless.
                }
            });
        } catch (IOException ignored) {
            // Nothing to delete.
        }
    }

    /** A one-line progress bar; redrawn in place on a terminal, printed every few steps otherwise. */
    private static final class Progress {
        private final PrintStream out;
        private final int total;
        private final boolean terminal = System.console() != null;

        Progress(PrintStream out, int total) {
            this.out = out;
            this.total = total;
        }

        void update(int done, int hits, int failovers) {
            String line = String.format(Locale.ROOT, "[%s] %d/%d requests  cache hits %d  failovers %d",
                    bar(done, total, 30), done, total, hits, failovers);
            if (terminal) {
                out.print("\r" + line);
                out.flush();
            } else if (done % 10 == 0 || done == total) {
                out.println(line);
            }
        }

        void finish() {
            if (terminal) {
                out.println();
            }
        }
    }
}
