package dev.junction.engine.internal;

import dev.junction.engine.Candidate;
import dev.junction.engine.CircuitConfig;
import dev.junction.engine.Intent;
import dev.junction.engine.JunctionException;
import dev.junction.engine.Objective;
import dev.junction.engine.fakes.FakeClock;
import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.FakeScheduler;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.TaskCategory;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vectorized selection loop must decide exactly as the scalar one: same chain with bit-identical estimates and
 * scores, same exclusions in the same order, same refusal. Random catalogs (prices, windows, output caps,
 * capabilities, unconfigured providers, plugin refusals, observed latencies) meet random intents and requests, and
 * every case is routed by both.
 */
class VectorSelectTest {

    @Test
    void vectorizedSelectionDecidesExactlyAsTheScalarLoop() {
        assertTrue(Router.VECTOR, "tests run with --add-modules=jdk.incubator.vector (surefire argLine)");
        CatalogQualityPredictor predictor = new CatalogQualityPredictor();
        Router vector = new Router(predictor, true);
        Router scalar = new Router(predictor, false);
        Random rnd = new Random(20261122);
        int vectorPathCases = 0;
        int chains = 0;
        int refusals = 0;
        for (int catalog = 0; catalog < 40; catalog++) {
            FakeClock clock = new FakeClock();
            FakeScheduler scheduler = new FakeScheduler(clock);
            Health health = new Health(CircuitConfig.ofDefaults(), clock);
            List<ModelDescriptor> models = randomCatalog(rnd, 1 + rnd.nextInt(300));
            Map<String, ProviderClient> clients = new HashMap<>();
            for (ModelDescriptor m : models) {
                if (!m.provider().equals("p0") && !clients.containsKey(m.provider())) {
                    FakeProviderClient client = new FakeProviderClient(m.provider(), scheduler, clock);
                    clients.put(m.provider(), client);
                }
                if (rnd.nextInt(25) == 0 && clients.get(m.provider()) instanceof FakeProviderClient c) {
                    c.refuseModel(m.model());
                }
                if (rnd.nextInt(3) == 0) {
                    health.stats(m.id()).record(clock.millis() * 1_000_000L, true, 50_000_000L + rnd.nextInt(4_000_000) * 1000L,
                            -1, 100);
                }
            }
            CatalogSnapshot snapshot = CatalogSnapshot.build(models, clients, health, 1, clock.instant());
            for (int request = 0; request < 25; request++) {
                ChatRequest chat = randomRequest(rnd);
                Intent intent = randomIntent(rnd);
                InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
                if (rnd.nextInt(5) == 0) {
                    ledger.setTenantCap("t", rnd.nextDouble() * 0.01);
                }
                PromptAssessment assessment = predictor.assess(chat, null);
                boolean plain = intent.allowedProviders().isEmpty() && intent.deniedModels().isEmpty()
                        && intent.region() == null && !intent.zeroDataRetention();
                vectorPathCases += plain ? 1 : 0;
                String expected = outcome(scalar, snapshot, chat, intent, assessment, ledger, clock);
                String actual = outcome(vector, snapshot, chat, intent, assessment, ledger, clock);
                assertEquals(expected, actual, "catalog " + catalog + ", request " + request + ", " + intent);
                chains += expected.startsWith("chain") ? 1 : 0;
                refusals += expected.startsWith("chain") ? 0 : 1;
            }
        }
        // The cases cover both outcomes and mostly take the vectorized path.
        assertTrue(vectorPathCases > 500, "vectorized cases: " + vectorPathCases);
        assertTrue(chains > 300 && refusals > 50, chains + " chains, " + refusals + " refusals");
    }

    private static String outcome(Router router, CatalogSnapshot snapshot, ChatRequest chat, Intent intent,
                                  PromptAssessment assessment, InMemoryBudgetLedger ledger, FakeClock clock) {
        try {
            Router.Selection s = router.select(snapshot, chat, intent, "t", assessment, assessment.inputTokens(),
                    false, ledger, clock.millis());
            StringBuilder b = new StringBuilder("chain");
            for (Candidate c : s.chain()) {
                b.append(' ').append(c.modelId()).append(' ').append(Double.doubleToRawLongBits(c.estimatedCostUsd()))
                        .append(' ').append(c.estimatedLatency().toNanos()).append(' ')
                        .append(Double.doubleToRawLongBits(c.predictedQuality())).append(' ')
                        .append(Double.doubleToRawLongBits(c.score()));
            }
            return b.append(" | ").append(s.exclusions()).append(" | ").append(s.violated()).toString();
        } catch (JunctionException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static List<ModelDescriptor> randomCatalog(Random rnd, int size) {
        int providers = 1 + rnd.nextInt(12);
        List<ModelDescriptor> models = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int window = rnd.nextInt(6) == 0 ? 100 + rnd.nextInt(2_000) : 8_000 + rnd.nextInt(200_000);
            int maxOut = Math.min(window, rnd.nextInt(5) == 0 ? 100 + rnd.nextInt(600) : 4_096 + rnd.nextInt(60_000));
            double in = rnd.nextInt(10) == 0 ? 0 : rnd.nextDouble() * 30;
            double out = rnd.nextInt(10) == 0 ? 0 : rnd.nextDouble() * 60;
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            for (Capability c : Capability.values()) {
                if (rnd.nextInt(4) != 0) {
                    caps.add(c);
                }
            }
            Map<TaskCategory, Double> quality = new EnumMap<>(TaskCategory.class);
            for (TaskCategory t : TaskCategory.values()) {
                if (rnd.nextInt(3) != 0) {
                    quality.put(t, rnd.nextDouble());
                }
            }
            models.add(new ModelDescriptor("p" + rnd.nextInt(providers), "m" + i, window, maxOut,
                    new Prices(in, out, in / 10), caps, Set.of("us"), DataRetention.LIMITED, quality));
        }
        return models;
    }

    private static ChatRequest randomRequest(Random rnd) {
        ChatRequest r = ChatRequest.ofUser("word ".repeat(1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 3_000)));
        if (rnd.nextInt(3) == 0) {
            r = r.withMaxOutputTokens(1 + rnd.nextInt(rnd.nextBoolean() ? 700 : 20_000));
        }
        if (rnd.nextInt(4) == 0) {
            r = r.withTools(List.of(ToolDefinition.of("lookup", "finds", null)), ToolChoice.AUTO);
        }
        return r;
    }

    private static Intent randomIntent(Random rnd) {
        Intent.Builder b = Intent.builder().objective(Objective.values()[rnd.nextInt(Objective.values().length)]);
        if (rnd.nextInt(3) == 0) {
            b.maxCostUsd(rnd.nextDouble() * 0.02);
        }
        if (rnd.nextInt(4) == 0) {
            b.latencyBudget(Duration.ofMillis(50 + rnd.nextInt(4_000)));
        }
        if (rnd.nextInt(3) == 0) {
            b.minQuality(rnd.nextDouble() * 0.9);
        }
        if (rnd.nextInt(4) == 0) {
            b.require(Capability.values()[rnd.nextInt(Capability.values().length)]);
        }
        if (rnd.nextInt(10) == 0) {
            b.allowProviders(Set.of("p1", "p2"));
        }
        if (rnd.nextInt(15) == 0) {
            b.region("eu");
        }
        b.allowDegrade(rnd.nextBoolean());
        return b.build();
    }
}
