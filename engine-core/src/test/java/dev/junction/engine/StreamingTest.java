package dev.junction.engine;

import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.engine.internal.TokenEstimator;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.Usage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

import static dev.junction.engine.fakes.FakeProviderClient.cutStream;
import static dev.junction.engine.fakes.FakeProviderClient.overloaded;
import static dev.junction.engine.fakes.FakeProviderClient.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingTest {
    private final TestBed bed = new TestBed();
    private final ModelDescriptor first = Models.model("a", "m1", 0.1, 0.1, 0.7);
    private final ModelDescriptor second = Models.model("b", "m2", 1, 1, 0.7);
    private final Intent cheapest = Intent.builder().objective(Objective.CHEAPEST).cachePolicy(CachePolicy.OFF).build();

    private static String describe(StreamEvent e) {
        return switch (e) {
            case StreamEvent.Start s -> "start " + s.provider() + "/" + s.model();
            case StreamEvent.TextDelta t -> "text " + t.text();
            case StreamEvent.ToolCallDelta t -> "tool " + t.name();
            case StreamEvent.UsageReport u -> "usage " + u.usage().outputTokens();
            case StreamEvent.Finish f -> "finish " + f.reason();
            case StreamEvent.Error err -> "error " + err.error().kind();
        };
    }

    @Test
    void streamsTheAnswerAndCompletesTheDecision() {
        bed.provider("a").script("m1", stream(Duration.ofMillis(200), "Hel", "lo"));
        try (Junction j = bed.builder(first, second).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest);
            assertTrue(bed.provider("a").calls().isEmpty(), "nothing is sent before a subscriber subscribes");
            List<String> events = bed.collect(s).stream().map(StreamingTest::describe).toList();
            assertEquals(List.of("start a/m1", "text Hel", "text lo", "usage 2", "finish STOP"), events);
            RouteDecision d = s.decision().join();
            assertEquals("a/m1", d.chosen().modelId());
            assertEquals(Duration.ofMillis(200),
                    j.liveMatrix().model("a/m1").orElseThrow().stats().timeToFirstTokenP50());
        }
    }

    @Test
    void aStreamNobodySubscribesToEndsAtItsDeadlineAndGivesItsHoldBack() {
        try (Junction j = bed.builder(first, second).tenantBudget("acme", 1.0).build()) {
            JunctionStream s = j.stream(TestBed.hello().withTenant("acme", null),
                    cheapest.toBuilder().latencyBudget(Duration.ofSeconds(2)).build());
            assertTrue(j.budgets().tenant("acme").heldUsd() > 0);
            bed.scheduler.runFor(Duration.ofSeconds(3));
            assertTrue(s.decision().isCompletedExceptionally(), "the call ended at its deadline");
            CompletionException e = assertThrows(CompletionException.class, () -> s.decision().join());
            assertInstanceOf(DispatchFailedException.class, e.getCause());
            assertEquals(0, j.budgets().tenant("acme").heldUsd(), "else the budget would shrink for good");
            List<StreamEvent> late = bed.collect(s);
            assertEquals(List.of("error TIMEOUT"), late.stream().map(StreamingTest::describe).toList());
            assertTrue(bed.provider("a").calls().isEmpty());
        }
    }

    @Test
    void interceptorsRewriteAStreamReplayedFromTheCacheButNotALiveOne() {
        dev.junction.spi.RequestInterceptor upper = new dev.junction.spi.RequestInterceptor() {
            @Override
            public dev.junction.spi.ChatResponse afterResponse(dev.junction.spi.RequestContext context,
                                                               dev.junction.spi.ChatResponse r) {
                return new dev.junction.spi.ChatResponse(r.id(), r.text().toUpperCase(java.util.Locale.ROOT),
                        r.toolCalls(), r.finishReason(), r.usage(), r.provider(), r.model(), r.modelVersion());
            }
        };
        bed.provider("a").script("m1", stream(Duration.ofMillis(20), "Hel", "lo"));
        Intent exact = Intent.builder().objective(Objective.CHEAPEST).cachePolicy(CachePolicy.EXACT).build();
        try (Junction j = bed.builder(first, second).interceptor(upper).build()) {
            JunctionStream live = j.stream(TestBed.hello(), exact);
            assertEquals(List.of("start a/m1", "text Hel", "text lo", "usage 2", "finish STOP"),
                    bed.collect(live).stream().map(StreamingTest::describe).toList());
            live.decision().join();
            JunctionStream replay = j.stream(TestBed.hello(), exact);
            String text = bed.collect(replay).stream().filter(e -> e instanceof StreamEvent.TextDelta)
                    .map(e -> ((StreamEvent.TextDelta) e).text()).reduce("", String::concat);
            assertEquals("HELLO", text);
            assertEquals(1, bed.provider("a").calls().size(), "the second stream came from the cache");
        }
    }

    @Test
    void streamFailsOverBeforeTheFirstToken() {
        bed.provider("a").script("m1", cutStream(Duration.ofMillis(100), 0, "x"));
        bed.provider("b").script("m2", stream(Duration.ofMillis(50), "Hi"));
        try (Junction j = bed.builder(first, second).retry(RetryConfig.custom().maxAttemptsPerCandidate(1).build()).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest);
            List<String> events = bed.collect(s).stream().map(StreamingTest::describe).toList();
            assertEquals(List.of("start b/m2", "text Hi", "usage 1", "finish STOP"), events);
            RouteDecision d = s.decision().join();
            assertEquals(List.of(Attempt.Outcome.FAILED, Attempt.Outcome.SUCCEEDED),
                    d.attempts().stream().map(Attempt::outcome).toList());
            assertEquals(ErrorKind.NETWORK, d.attempts().get(0).error());
        }
    }

    @Test
    void streamFailsOverOnAnErrorEventBeforeTheFirstToken() {
        bed.provider("a").script("m1", overloaded());
        try (Junction j = bed.builder(first, second).retry(RetryConfig.custom().maxAttemptsPerCandidate(1).build()).build()) {
            List<String> events = bed.collect(j.stream(TestBed.hello(), cheapest)).stream()
                    .map(StreamingTest::describe).toList();
            assertEquals("start b/m2", events.get(0));
            assertEquals("finish STOP", events.get(events.size() - 1));
        }
    }

    @Test
    void streamCutAfterTheFirstTokenEndsWithAnExplicitError() {
        bed.provider("a").script("m1", cutStream(Duration.ofMillis(100), 1, "Hel", "lo"));
        try (Junction j = bed.builder(first, second).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest);
            List<String> events = bed.collect(s).stream().map(StreamingTest::describe).toList();
            assertEquals(List.of("start a/m1", "text Hel", "error NETWORK"), events);
            assertTrue(bed.provider("b").calls().isEmpty(), "no fail-over once a token was delivered");
            CompletionException e = assertThrows(CompletionException.class, () -> s.decision().join());
            DispatchFailedException failed = assertInstanceOf(DispatchFailedException.class, e.getCause());
            // The provider bills what it sent. No usage came before the cut: the prompt's estimate and "Hel" (1 token).
            double charged = (TokenEstimator.estimate(TestBed.hello()) * 0.1 + 1 * 0.1) / 1e6;
            assertEquals(charged, failed.decision().costUsd(), 1e-15);
            assertEquals(charged, j.budgets().tenant("default").spentUsd(), 1e-15);
            assertEquals(charged, j.budgets().provider("a").spentUsd(), 1e-15);
        }
    }

    @Test
    void streamThatMissesTheFirstTokenBudgetFailsOver() {
        FakeProviderClient a = bed.provider("a").script("m1", stream(Duration.ofSeconds(5), "slow"));
        bed.provider("b").script("m2", stream(Duration.ofMillis(100), "fast"));
        try (Junction j = bed.builder(first, second).retry(RetryConfig.custom().maxAttemptsPerCandidate(1).build()).build()) {
            Intent ttft = cheapest.toBuilder().timeToFirstTokenBudget(Duration.ofSeconds(1)).build();
            List<String> events = bed.collect(j.stream(TestBed.hello(), ttft)).stream()
                    .map(StreamingTest::describe).toList();
            assertEquals(List.of("start b/m2", "text fast", "usage 1", "finish STOP"), events);
            assertEquals(Duration.ofSeconds(1), a.calls().get(0).options().timeout());
            assertEquals(1, a.cancelled());
        }
    }

    @Test
    void streamHonoursDownstreamDemand() {
        bed.provider("a").script("m1", stream(Duration.ofMillis(10), "a", "b", "c"));
        try (Junction j = bed.builder(first).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest);
            List<StreamEvent> got = new ArrayList<>();
            Flow.Subscription[] sub = new Flow.Subscription[1];
            s.events().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    sub[0] = subscription;
                    subscription.request(2);
                }

                @Override
                public void onNext(StreamEvent item) {
                    got.add(item);
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            bed.scheduler.advance(Duration.ofSeconds(1));
            assertEquals(2, got.size(), "start and the first token only");
            sub[0].request(10);
            bed.scheduler.advance(Duration.ofSeconds(1));
            assertEquals(6, got.size());
            assertEquals(new StreamEvent.Finish(FinishReason.STOP), got.get(5));
        }
    }

    @Test
    void cancellingTheStreamCancelsTheProviderCall() {
        FakeProviderClient a = bed.provider("a").script("m1", stream(Duration.ofMillis(10), "a", "b", "c"));
        try (Junction j = bed.builder(first).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest);
            s.events().subscribe(new Flow.Subscriber<>() {
                private Flow.Subscription sub;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    sub = subscription;
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(StreamEvent item) {
                    if (item instanceof StreamEvent.TextDelta) {
                        sub.cancel();
                    }
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            bed.scheduler.advance(Duration.ofSeconds(1));
            assertEquals(1, a.cancelled());
            RouteDecision d = s.decision().handle((ok, e) -> ((DispatchFailedException) (e instanceof CompletionException c ? c.getCause() : e)).decision()).join();
            assertEquals(Attempt.Outcome.CANCELLED, d.attempts().get(0).outcome());
            // Cancelled after "a": charged for the prompt and that token, so cancelling cannot dodge a budget.
            double charged = (TokenEstimator.estimate(TestBed.hello()) * 0.1 + 1 * 0.1) / 1e6;
            assertEquals(charged, d.costUsd(), 1e-15);
            assertEquals(charged, j.budgets().tenant("default").spentUsd(), 1e-15);
        }
    }

    @Test
    void theLatencyBudgetStillAppliesOnceTheStreamIsFlowing() {
        FakeProviderClient a = bed.provider("a").script("m1", new FakeProviderClient.Stream(Duration.ofMillis(100),
                Duration.ofSeconds(1), List.of("a", "b", "c", "d"), Usage.of(10, 4), -1));
        try (Junction j = bed.builder(first, second).build()) {
            Instant start = bed.clock.instant();
            JunctionStream s = j.stream(TestBed.hello(), cheapest.toBuilder().latencyBudget(Duration.ofSeconds(2)).build());
            List<String> events = bed.collect(s).stream().map(StreamingTest::describe).toList();
            assertEquals(List.of("start a/m1", "text a", "text b", "error TIMEOUT"), events,
                    "the budget ends the stream with an explicit error, not silently");
            assertEquals(start.plusSeconds(2), bed.clock.instant());
            assertEquals(1, a.cancelled(), "the upstream subscription is cancelled");
            assertTrue(bed.provider("b").calls().isEmpty(), "no fail-over once a token was delivered");
            CompletionException e = assertThrows(CompletionException.class, () -> s.decision().join());
            DispatchFailedException failed = assertInstanceOf(DispatchFailedException.class, e.getCause());
            Attempt attempt = failed.decision().attempts().get(0);
            assertEquals(Attempt.Outcome.FAILED, attempt.outcome());
            assertEquals(ErrorKind.TIMEOUT, attempt.error());
            bed.scheduler.advance(Duration.ofSeconds(10));
            assertEquals(0, bed.scheduler.pending(), "no timer is left behind");
        }
    }

    @Test
    void aStreamThatFinishesWithinTheBudgetLeavesNoBudgetTimer() {
        bed.provider("a").script("m1", stream(Duration.ofMillis(100), "Hi"));
        try (Junction j = bed.builder(first, second).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest.toBuilder().latencyBudget(Duration.ofSeconds(2)).build());
            bed.collect(s);
            assertEquals("a/m1", s.decision().join().chosen().modelId());
            assertEquals(0, bed.scheduler.pending());
        }
    }
}
