package dev.junction.engine;

import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.engine.internal.TokenEstimator;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ContentPart;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.TaskCategory;
import dev.junction.spi.ToolDefinition;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.Usage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static dev.junction.engine.fakes.FakeProviderClient.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTest {
    private final TestBed bed = new TestBed();
    private final ModelDescriptor cheap = Models.model("a", "cheap", 0.1, 0.4, 0.6);
    private final ModelDescriptor cheap2 = Models.model("a", "cheap2", 0.2, 0.5, 0.62);
    private final ModelDescriptor mid = Models.model("b", "mid", 1, 4, 0.8);
    private final ModelDescriptor best = Models.model("c", "best", 10, 30, 0.95);
    private final Intent noCache = Intent.builder().cachePolicy(CachePolicy.OFF).build();

    private Junction junction() {
        return bed.builder(cheap, cheap2, mid, best).cacheStore(null).build();
    }

    @Test
    void ordersCandidatesByTheObjective() {
        try (Junction j = junction()) {
            RouteDecision cheapest = bed.complete(j, TestBed.hello(),
                    noCache.toBuilder().objective(Objective.CHEAPEST).build()).decision();
            assertEquals("a/cheap", cheapest.chosen().modelId());
            RouteDecision quality = bed.complete(j, TestBed.hello(),
                    noCache.toBuilder().objective(Objective.BEST_QUALITY).build()).decision();
            assertEquals("c/best", quality.chosen().modelId());
        }
    }

    @Test
    void fallbackChainPrefersOtherProvidersBeforeTheSameProvidersNextModel() {
        try (Junction j = junction()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().objective(Objective.CHEAPEST).build())
                    .decision();
            assertEquals(List.of("a/cheap", "b/mid", "c/best", "a/cheap2"),
                    d.candidates().stream().map(Candidate::modelId).toList());
        }
    }

    @Test
    void estimatesCostFromInputAndExpectedOutputTokens() {
        try (Junction j = junction()) {
            ChatRequest r = ChatRequest.ofUser("x".repeat(400)).withMaxOutputTokens(100);
            RouteDecision d = bed.complete(j, r, noCache.toBuilder().pinModel("c/best").build()).decision();
            // 4 message tokens + 100 text tokens at $10/M, plus 100 output tokens at $30/M
            assertEquals(104 * 10e-6 + 100 * 30e-6, d.chosen().estimatedCostUsd(), 1e-12);
        }
    }

    @Test
    void theContextWindowCheckCountsImagesWhateverThePredictorCounts() {
        // A predictor may count text only (the shipped one does): 20 images are about 15,300 tokens, over a 4k window.
        ModelDescriptor small = new ModelDescriptor("a", "small-4k", 4_096, 1_024, cheap.prices(), cheap.capabilities(),
                cheap.regions(), cheap.retention(), cheap.quality());
        ModelDescriptor large = new ModelDescriptor("b", "large", 200_000, 1_024, mid.prices(), mid.capabilities(),
                mid.regions(), mid.retention(), mid.quality());
        QualityPredictor textOnly = predictor(11, model -> 0.8);
        List<ContentPart> parts = new ArrayList<>(List.of(new ContentPart.Text("What is in these pictures?")));
        for (int i = 0; i < 20; i++) {
            parts.add(ContentPart.Image.ofUrl("https://example.com/" + i + ".png"));
        }
        try (Junction j = bed.builder(small, large).cacheStore(null).qualityPredictor(textOnly).build()) {
            RouteDecision d = bed.complete(j, ChatRequest.of(List.of(Message.user(parts))),
                    noCache.toBuilder().objective(Objective.CHEAPEST).build()).decision();
            assertEquals("b/large", d.chosen().modelId());
        }
    }

    @Test
    void anAnswerWithoutUsageIsChargedAnEstimateNotNothing() {
        // e.g. an OpenAI-compatible server configured not to send stream usage, or one that omits usage.
        bed.provider("b").script("mid", ok(Duration.ofMillis(300), "x".repeat(40), 0, 0));
        try (Junction j = junction()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().pinModel("mid").build()).decision();
            double expected = TokenEstimator.estimate(TestBed.hello()) * 1e-6 + 10 * 4e-6;
            assertEquals(expected, d.costUsd(), 1e-12);
            assertEquals(expected, j.budgets().tenant("default").spentUsd(), 1e-12);
        }
    }

    @Test
    void recordsActualCostFromReportedUsageInTheLedger() {
        bed.provider("b").script("mid", ok(Duration.ofMillis(300), "hi", 1000, 500));
        try (Junction j = junction()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().pinModel("mid").build()).decision();
            double expected = 1000 * 1e-6 + 500 * 4e-6;
            assertEquals(expected, d.costUsd(), 1e-12);
            assertEquals(expected, j.budgets().tenant("default").spentUsd(), 1e-12);
            assertEquals(expected, j.budgets().provider("b").spentUsd(), 1e-12);
        }
    }

    @Test
    void refusesBeforeAnyCallWhenTheEstimateExceedsTheTenantBudget() {
        try (Junction j = bed.builder(cheap, cheap2, mid, best).cacheStore(null).tenantBudget("acme", 0.001).build()) {
            ChatRequest r = TestBed.hello().withTenant("acme", null);
            BudgetExceededException e = assertThrows(BudgetExceededException.class,
                    () -> bed.complete(j, r, noCache.toBuilder().pinModel("c/best").build()));
            assertEquals("tenant:acme", e.budget());
            assertTrue(e.getMessage().contains("tenant:acme"), e.getMessage());
            assertTrue(bed.provider("c").calls().isEmpty());
            // Cheaper models still fit the budget: the router picks one of those instead.
            assertEquals("a/cheap2", bed.complete(j, r, noCache.toBuilder().objective(Objective.BEST_QUALITY)
                    .denyModels(Set.of("best", "b/mid")).build()).decision().chosen().modelId());
        }
    }

    @Test
    void requestsInFlightHoldTheirEstimateSoConcurrentOnesCannotTogetherPassTheCap() {
        FakeProviderClient.Step[] answers = new FakeProviderClient.Step[11];
        java.util.Arrays.fill(answers, ok(Duration.ofMillis(300), "hi", 10, 20));
        bed.provider("b").script("mid", answers);
        Intent pinned = noCache.toBuilder().pinModel("b/mid").build();
        ChatRequest r = TestBed.hello().withTenant("acme", null);
        try (Junction j = bed.builder(cheap, mid).cacheStore(null).build()) {
            double estimate = bed.complete(j, TestBed.hello(), pinned).decision().chosen().estimatedCostUsd();
            double actual = 10 * 1e-6 + 20 * 4e-6;
            j.budgets().setTenantCap("acme", 3.5 * estimate);
            List<CompletableFuture<JunctionResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(j.completeAsync(r, pinned));
            }
            // All ten are in flight at once: without holds each saw the whole cap left and all ten were called.
            assertEquals(3 * estimate, j.budgets().tenant("acme").heldUsd(), 1e-12);
            List<CompletableFuture<JunctionResponse>> refused = calls.stream()
                    .filter(CompletableFuture::isCompletedExceptionally).toList();
            assertEquals(7, refused.size());
            for (CompletableFuture<JunctionResponse> f : refused) {
                BudgetExceededException e = assertInstanceOf(BudgetExceededException.class, f.exceptionNow());
                assertEquals("tenant:acme", e.budget());
            }
            bed.scheduler.runFor(Duration.ofSeconds(1));
            assertEquals(1 + 3, bed.provider("b").calls().size());
            BudgetStatus acme = j.budgets().tenant("acme");
            assertEquals(0, acme.heldUsd());
            assertEquals(3 * actual, acme.spentUsd(), 1e-12);
            assertEquals(3.5 * estimate - 3 * actual, acme.remainingUsd(), 1e-12);
        }
    }

    @Test
    void aCancelledCallIsChargedAndReleasedWhenItsProviderAnswers() {
        bed.provider("b").script("mid", ok(Duration.ofMillis(300), "hi", 1000, 500));
        try (Junction j = bed.builder(cheap, mid).cacheStore(null).tenantBudget("acme", 1.0).build()) {
            CompletableFuture<JunctionResponse> f = j.completeAsync(TestBed.hello().withTenant("acme", null),
                    noCache.toBuilder().pinModel("b/mid").build());
            assertTrue(j.budgets().tenant("acme").heldUsd() > 0);
            assertTrue(f.cancel(true));
            bed.scheduler.runFor(Duration.ofSeconds(1));
            // The call went on and was paid for: it was skipped by the ledger when its bookkeeping hung off f.
            assertEquals(1, bed.provider("b").calls().size());
            BudgetStatus acme = j.budgets().tenant("acme");
            assertEquals(1000 * 1e-6 + 500 * 4e-6, acme.spentUsd(), 1e-12);
            assertEquals(0, acme.heldUsd());
        }
    }

    @Test
    void aFailedCallGivesItsHoldBack() {
        bed.provider("b").script("mid", FakeProviderClient.badRequest());
        try (Junction j = bed.builder(cheap, mid).cacheStore(null).tenantBudget("acme", 1.0).build()) {
            assertThrows(DispatchFailedException.class, () -> bed.complete(j, TestBed.hello().withTenant("acme", null),
                    noCache.toBuilder().pinModel("b/mid").build()));
            BudgetStatus acme = j.budgets().tenant("acme");
            assertEquals(0, acme.heldUsd());
            assertEquals(0, acme.spentUsd());
            assertEquals(1.0, acme.remainingUsd());
        }
    }

    @Test
    void refusesWhenTheProviderBudgetIsSpent() {
        try (Junction j = bed.builder(cheap, cheap2, mid, best).cacheStore(null).build()) {
            j.budgets().setProviderCap("b", 0);
            BudgetExceededException e = assertThrows(BudgetExceededException.class,
                    () -> bed.complete(j, TestBed.hello(), noCache.toBuilder().pinModel("b/mid").build()));
            assertEquals("provider:b", e.budget());
            assertEquals(0, e.remainingUsd());
        }
    }

    @Test
    void infeasibleIntentListsEveryCandidateAndTheConstraintThatRemovedIt() {
        ModelDescriptor noTools = Models.withCapabilities(Models.model("a", "notools", 1, 1, 0.5),
                EnumSet.of(Capability.STREAMING));
        ModelDescriptor tiny = Models.withContext(Models.model("b", "tiny", 1, 1, 0.5), 50);
        ModelDescriptor euOnly = Models.withRegions(Models.model("c", "euonly", 1, 1, 0.5), Set.of("eu"));
        ModelDescriptor denied = Models.model("e", "denied", 1, 1, 0.5);
        ModelDescriptor orphan = Models.model("z", "orphan", 1, 1, 0.5);
        try (Junction j = bed.builder(noTools, tiny, euOnly, denied).models(List.of(orphan)).cacheStore(null).build()) {
            ChatRequest r = TestBed.hello().withTools(List.of(ToolDefinition.of("lookup", "finds", null)), ToolChoice.AUTO);
            Intent intent = noCache.toBuilder().region("us").denyModels(Set.of("denied")).build();
            InfeasibleIntentException e = assertThrows(InfeasibleIntentException.class, () -> bed.complete(j, r, intent));
            java.util.Map<String, Constraint> byModel = new java.util.TreeMap<>();
            e.exclusions().forEach(x -> byModel.put(x.modelId(), x.constraint()));
            assertEquals(java.util.Map.of("a/notools", Constraint.CAPABILITY, "b/tiny", Constraint.CONTEXT_WINDOW,
                    "c/euonly", Constraint.REGION, "e/denied", Constraint.MODEL_NOT_ALLOWED,
                    "z/orphan", Constraint.PROVIDER_NOT_CONFIGURED), byModel);
            assertEquals("a/notools: CAPABILITY (lacks TOOLS)", e.exclusions().get(0).toString());
            for (Exclusion x : e.exclusions()) {
                assertTrue(e.getMessage().contains(x.modelId()), e.getMessage());
            }
        }
    }

    /**
     * Without allow/deny lists the router skips the models a capability mask rules out and shares their exclusions;
     * they must still interleave, in catalog order, with the ones each request adds (context window, plugin refusal),
     * and a request with another mask must not see them.
     */
    @Test
    void sharedCapabilityExclusionsMergeInCatalogOrderWithPerRequestOnes() {
        ModelDescriptor noTools = Models.withCapabilities(Models.model("a", "notools", 1, 1, 0.5),
                EnumSet.of(Capability.STREAMING));
        ModelDescriptor tiny = Models.withContext(Models.model("b", "tiny", 1, 1, 0.5), 50);
        ModelDescriptor refused = Models.model("c", "refused", 1, 1, 0.5);
        ModelDescriptor ok = Models.model("d", "ok", 2, 2, 0.5);
        ModelDescriptor noTools2 = Models.withCapabilities(Models.model("e", "notools", 1, 1, 0.5),
                EnumSet.of(Capability.STREAMING));
        ModelDescriptor orphan = Models.model("z", "orphan", 1, 1, 0.5);
        bed.provider("c").refuseModel("refused");
        try (Junction j = bed.builder(noTools, tiny, refused, ok, noTools2).models(List.of(orphan)).cacheStore(null)
                .build()) {
            ChatRequest tools = ChatRequest.ofUser("x".repeat(400))
                    .withTools(List.of(ToolDefinition.of("lookup", "finds", null)), ToolChoice.AUTO);
            for (int round = 0; round < 2; round++) {
                RouteDecision d = bed.complete(j, tools, noCache).decision();
                assertEquals(List.of("d/ok"), d.candidates().stream().map(Candidate::modelId).toList());
                assertEquals(List.of("a/notools: CAPABILITY (lacks TOOLS)", "b/tiny", "c/refused: UNSUPPORTED_REQUEST"
                                + " (c cannot serve this request)", "e/notools: CAPABILITY (lacks TOOLS)",
                                "z/orphan: PROVIDER_NOT_CONFIGURED (no provider client for 'z')"),
                        d.exclusions().stream().map(x -> x.modelId().equals("b/tiny") ? x.modelId() : x.toString())
                                .toList());
                assertEquals(Constraint.CONTEXT_WINDOW, d.exclusions().get(1).constraint());
            }
            RouteDecision plain = bed.complete(j, ChatRequest.ofUser("hi"), noCache).decision();
            assertEquals(List.of("b/tiny", "c/refused", "z/orphan"),
                    plain.exclusions().stream().map(Exclusion::modelId).toList());
        }
    }

    @Test
    void contextWindowCountsInputTokensPlusMaxOutput() {
        ModelDescriptor small = Models.withContext(Models.model("a", "small", 1, 1, 0.5), 200);
        try (Junction j = bed.builder(small, mid).cacheStore(null).build()) {
            ChatRequest r = ChatRequest.ofUser("y".repeat(400)).withMaxOutputTokens(150);
            RouteDecision d = bed.complete(j, r, noCache).decision();
            assertEquals("b/mid", d.chosen().modelId());
            Exclusion x = d.exclusions().get(0);
            assertEquals(Constraint.CONTEXT_WINDOW, x.constraint());
            assertEquals("input 104 + output 150 tokens > context window 200", x.detail());
        }
    }

    @Test
    void zeroDataRetentionExcludesModelsThatKeepData() {
        ModelDescriptor zdr = Models.withRetention(Models.model("b", "zdr", 5, 5, 0.7), dev.junction.spi.DataRetention.ZERO);
        try (Junction j = bed.builder(cheap, zdr).cacheStore(null).build()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().zeroDataRetention(true).build())
                    .decision();
            assertEquals("b/zdr", d.chosen().modelId());
            assertEquals(Constraint.DATA_RETENTION, d.exclusions().get(0).constraint());
        }
    }

    @Test
    void pluginRefusalExcludesTheModelAsUnsupportedRequest() {
        bed.provider("a").refuseWhen(r -> true);
        try (Junction j = junction()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().objective(Objective.CHEAPEST).build())
                    .decision();
            assertEquals("b/mid", d.chosen().modelId());
            assertTrue(d.exclusions().stream().anyMatch(x -> x.modelId().equals("a/cheap")
                    && x.constraint() == Constraint.UNSUPPORTED_REQUEST && x.detail().contains("cannot serve")));
        }
    }

    @Test
    void pluginChecksOnlyTheCandidatesTheChainUses() {
        ModelDescriptor[] many = new ModelDescriptor[12];
        for (int i = 0; i < many.length; i++) {
            many[i] = Models.model("a", "m" + (char) ('a' + i), 1 + i, 1 + i, 0.5);
        }
        try (Junction j = bed.builder(many).cacheStore(null).build()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().objective(Objective.CHEAPEST).build())
                    .decision();
            assertEquals(8, d.candidates().size());
            assertEquals(List.of("ma", "mb", "mc", "md", "me", "mf", "mg", "mh"), bed.provider("a").validatedModels());
        }
    }

    @Test
    void refusalOfAProvidersBestBringsInThatProvidersNextModel() {
        bed.provider("a").refuseModel("cheap");
        try (Junction j = junction()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().objective(Objective.CHEAPEST).build())
                    .decision();
            assertEquals(List.of("a/cheap2", "b/mid", "c/best"), d.candidates().stream().map(Candidate::modelId).toList());
            assertEquals(List.of("a/cheap: UNSUPPORTED_REQUEST (a cannot serve this request)"),
                    d.exclusions().stream().map(Exclusion::toString).toList());
        }
    }

    @Test
    void everyCandidateRefusedByItsPluginIsListedInCatalogOrder() {
        for (String p : List.of("a", "b", "c")) {
            bed.provider(p).refuseWhen(r -> true);
        }
        try (Junction j = junction()) {
            InfeasibleIntentException e = assertThrows(InfeasibleIntentException.class,
                    () -> bed.complete(j, TestBed.hello(), noCache));
            assertEquals(List.of("a/cheap", "a/cheap2", "b/mid", "c/best"),
                    e.exclusions().stream().map(Exclusion::modelId).toList());
            assertTrue(e.exclusions().stream().allMatch(x -> x.constraint() == Constraint.UNSUPPORTED_REQUEST));
        }
    }

    @Test
    void exclusionsStayInCatalogOrderWhenAPluginRefusesAHigherRankedModel() {
        bed.provider("c").refuseModel("best");
        try (Junction j = junction()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().objective(Objective.BEST_QUALITY)
                    .denyModels(Set.of("cheap")).build()).decision();
            assertEquals("b/mid", d.chosen().modelId());
            assertEquals(List.of("a/cheap: MODEL_NOT_ALLOWED (model is denied)",
                    "c/best: UNSUPPORTED_REQUEST (c cannot serve this request)"),
                    d.exclusions().stream().map(Exclusion::toString).toList());
        }
    }

    @Test
    void degradingSkipsACandidateItsPluginRefuses() {
        bed.provider("b").refuseWhen(r -> true);
        try (Junction j = bed.builder(mid, best).cacheStore(null).build()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().maxCostUsd(0.0001).allowDegrade(true)
                    .build()).decision();
            assertEquals("c/best", d.chosen().modelId());
            assertEquals(Constraint.COST_CAP, d.violated().constraint());
            assertEquals(Constraint.UNSUPPORTED_REQUEST, d.exclusions().get(0).constraint());
        }
    }

    @Test
    void degradingNeverPicksAModelWhoseProviderBudgetIsSpent() {
        try (Junction j = bed.builder(mid, best).cacheStore(null).build()) {
            j.budgets().setProviderCap("b", 0);
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().maxCostUsd(0.0001).allowDegrade(true)
                    .build()).decision();
            assertEquals("c/best", d.chosen().modelId());
        }
    }

    @Test
    void allowListAcceptsBareModelIdsAndProviderSlashModel() {
        try (Junction j = junction()) {
            assertEquals("b/mid", bed.complete(j, TestBed.hello(), noCache.toBuilder().allowModels(Set.of("mid")).build())
                    .decision().chosen().modelId());
            assertEquals("c/best", bed.complete(j, TestBed.hello(), noCache.toBuilder().pinModel("c/best").build())
                    .decision().chosen().modelId());
            assertEquals("b/mid", bed.complete(j, TestBed.hello(), noCache.toBuilder().allowProviders(Set.of("b")).build())
                    .decision().chosen().modelId());
        }
    }

    @Test
    void degradesToTheClosestCandidateAndReportsTheViolatedConstraint() {
        try (Junction j = bed.builder(mid, best).cacheStore(null).build()) {
            Intent tight = noCache.toBuilder().maxCostUsd(0.0001).build();
            InfeasibleIntentException e = assertThrows(InfeasibleIntentException.class,
                    () -> bed.complete(j, TestBed.hello(), tight));
            assertTrue(e.exclusions().stream().allMatch(x -> x.constraint() == Constraint.COST_CAP), e.getMessage());

            RouteDecision d = bed.complete(j, TestBed.hello(), tight.toBuilder().allowDegrade(true).build()).decision();
            assertTrue(d.degraded());
            assertEquals("b/mid", d.chosen().modelId());
            assertEquals(Constraint.COST_CAP, d.violated().constraint());
        }
    }

    @Test
    void qualityFloorUsesTheCatalogScoreForTheDetectedCategory() {
        ModelDescriptor coder = new ModelDescriptor("a", "coder", 128_000, 8192, new dev.junction.spi.Prices(1, 1, 1),
                EnumSet.allOf(Capability.class), Set.of(), null,
                java.util.Map.of(dev.junction.spi.TaskCategory.GENERAL, 0.5, dev.junction.spi.TaskCategory.CODING, 0.9));
        ModelDescriptor generalist = Models.model("b", "general", 1, 1, 0.7);
        try (Junction j = bed.builder(coder, generalist).cacheStore(null).build()) {
            Intent floor = noCache.toBuilder().minQuality(0.8).build();
            RouteDecision code = bed.complete(j, ChatRequest.ofUser("Fix this:\n```java\nint x = 1\n```"), floor).decision();
            assertEquals("a/coder", code.chosen().modelId());
            assertEquals(dev.junction.spi.TaskCategory.CODING, code.assessment().category());
            assertThrows(InfeasibleIntentException.class, () -> bed.complete(j, ChatRequest.ofUser("Hi!"), floor));
        }
    }

    @Test
    void requestWithImagesNeedsVision() {
        ModelDescriptor textOnly = Models.withCapabilities(Models.model("a", "text", 0.01, 0.01, 0.5),
                EnumSet.of(Capability.TOOLS, Capability.STREAMING));
        try (Junction j = bed.builder(textOnly, mid).cacheStore(null).build()) {
            ChatRequest r = ChatRequest.of(List.of(dev.junction.spi.Message.user(List.of(
                    new dev.junction.spi.ContentPart.Text("what is this?"),
                    dev.junction.spi.ContentPart.Image.ofUrl("https://example.com/cat.png")))));
            RouteDecision d = bed.complete(j, r, noCache).decision();
            assertEquals("b/mid", d.chosen().modelId());
            assertEquals("a/text: CAPABILITY (lacks VISION)", d.exclusions().get(0).toString());
        }
    }

    @Test
    void usageFromTheProviderIsReturnedUnchanged() {
        bed.provider("a").script("cheap", ok(Duration.ZERO, "x", 3, 4));
        try (Junction j = junction()) {
            JunctionResponse r = bed.complete(j, TestBed.hello(), noCache.toBuilder().pinModel("a/cheap").build());
            assertEquals(Usage.of(3, 4), r.response().usage());
            assertEquals("cheap-v1", r.response().modelVersion());
        }
    }

    @Test
    void observedLatencyOverTheBudgetExcludesAModelButAPriorDoesNot() {
        bed.provider("a").script("cheap", ok(Duration.ofSeconds(5)));
        try (Junction j = bed.builder(cheap, mid).cacheStore(null).build()) {
            Intent cheapestFirst = noCache.toBuilder().objective(Objective.CHEAPEST).build();
            assertEquals("a/cheap", bed.complete(j, TestBed.hello(), cheapestFirst).decision().chosen().modelId());
            RouteDecision d = bed.complete(j, TestBed.hello(),
                    cheapestFirst.toBuilder().latencyBudget(Duration.ofSeconds(2)).build()).decision();
            assertEquals("b/mid", d.chosen().modelId(), "b has no observations yet, so only its prior ranks it");
            assertEquals("a/cheap: LATENCY_BUDGET (estimated 5000 ms > budget 2000 ms)", d.exclusions().get(0).toString());
        }
    }

    @Test
    void aSlowCallLeavesTheLatencyWindowEvenWhenTheModelIsNotCalledAgain() {
        bed.provider("a").script("cheap", ok(Duration.ofSeconds(5)));
        try (Junction j = bed.builder(cheap, mid).cacheStore(null).build()) {
            Intent cheapestFirst = noCache.toBuilder().objective(Objective.CHEAPEST).build();
            assertEquals("a/cheap", bed.complete(j, TestBed.hello(), cheapestFirst).decision().chosen().modelId());
            Intent fast = cheapestFirst.toBuilder().latencyBudget(Duration.ofSeconds(2)).build();
            assertEquals("b/mid", bed.complete(j, TestBed.hello(), fast).decision().chosen().modelId());
            // Calls older than the 5-minute window no longer count: a/cheap has no observation left, so it is not
            // shut out for good just because routing stopped calling it.
            bed.clock.advance(Duration.ofMinutes(6));
            assertEquals("a/cheap", bed.complete(j, TestBed.hello(), fast).decision().chosen().modelId());
        }
    }

    @Test
    void aPredictionThatIsNotANumberDoesNotPassTheQualityFloor() {
        QualityPredictor broken = predictor(7, model -> model.provider().equals("a") ? Double.NaN : 0.8);
        try (Junction j = bed.builder(cheap, mid).cacheStore(null).qualityPredictor(broken).build()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), noCache.toBuilder().objective(Objective.CHEAPEST)
                    .minQuality(0.5).build()).decision();
            assertEquals(List.of("b/mid"), d.candidates().stream().map(Candidate::modelId).toList());
            assertEquals(Constraint.QUALITY_FLOOR, d.exclusions().get(0).constraint());
        }
    }

    @Test
    void aLatencyJustOverTheBudgetIsNotReportedAsEqualToIt() {
        bed.provider("a").script("cheap", ok(Duration.ofMillis(2000).plusNanos(400_000)));
        try (Junction j = bed.builder(cheap, mid).cacheStore(null).build()) {
            Intent cheapestFirst = noCache.toBuilder().objective(Objective.CHEAPEST).build();
            bed.complete(j, TestBed.hello(), cheapestFirst);
            RouteDecision d = bed.complete(j, TestBed.hello(),
                    cheapestFirst.toBuilder().latencyBudget(Duration.ofSeconds(2)).build()).decision();
            assertEquals("a/cheap: LATENCY_BUDGET (estimated 2001 ms > budget 2000 ms)", d.exclusions().get(0).toString());
        }
    }

    /** A predictor that counts {@code inputTokens} for every prompt and predicts {@code quality} per model. */
    private static QualityPredictor predictor(int inputTokens, java.util.function.ToDoubleFunction<ModelDescriptor> quality) {
        return new QualityPredictor() {
            @Override
            public String embedderId() {
                return null;
            }

            @Override
            public PromptAssessment assess(ChatRequest request, float[] embedding) {
                return new PromptAssessment(TaskCategory.GENERAL, 0, inputTokens, embedding, null);
            }

            @Override
            public double predict(PromptAssessment prompt, ModelDescriptor model) {
                return quality.applyAsDouble(model);
            }
        };
    }
}
