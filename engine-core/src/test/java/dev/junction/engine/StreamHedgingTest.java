package dev.junction.engine;

import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.engine.internal.TokenEstimator;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.StreamEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.junction.engine.fakes.FakeProviderClient.overloaded;
import static dev.junction.engine.fakes.FakeProviderClient.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hedged streams: after the hedging delay without a first token the next candidate races; the first token wins. */
class StreamHedgingTest {
    private final TestBed bed = new TestBed();
    private final ModelDescriptor first = Models.model("a", "m1", 0.1, 0.1, 0.7);
    private final ModelDescriptor second = Models.model("b", "m2", 1, 1, 0.7);
    private final Intent cheapest = Intent.builder().objective(Objective.CHEAPEST).cachePolicy(CachePolicy.OFF).build();
    private final RetryConfig once = RetryConfig.custom().maxAttemptsPerCandidate(1).build();

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

    private static List<String> attempts(RouteDecision d) {
        return d.attempts().stream().map(a -> a.modelId() + " " + a.outcome() + (a.error() == null ? "" : " " + a.error()))
                .toList();
    }

    @Test
    void hedgedStreamKeepsTheFasterProviderAndCancelsTheSlower() {
        FakeProviderClient a = bed.provider("a").script("m1", stream(Duration.ofSeconds(5), "slow"));
        FakeProviderClient b = bed.provider("b").script("m2", stream(Duration.ofMillis(100), "fast"));
        try (Junction j = bed.builder(first, second).retry(once).build()) {
            Instant start = bed.clock.instant();
            JunctionStream s = j.stream(TestBed.hello(), cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build());
            List<String> events = bed.collect(s).stream().map(StreamHedgingTest::describe).toList();
            assertEquals(List.of("start b/m2", "text fast", "usage 1", "finish STOP"), events,
                    "only the winner's events reach the subscriber");
            assertEquals(start.plusMillis(500), b.calls().get(0).at(), "the hedge starts after the delay");
            assertEquals(1, a.cancelled(), "the slower stream's subscription is cancelled");
            assertEquals(0, b.cancelled());
            RouteDecision d = s.decision().join();
            assertEquals("b/m2", d.chosen().modelId());
            assertEquals(List.of("a/m1 CANCELLED CANCELLED", "b/m2 SUCCEEDED"), attempts(d));
            bed.scheduler.advance(Duration.ofSeconds(10));
            assertEquals(1, a.calls().size());
            // The cancelled stream had its prompt sent: it is charged the prompt's estimated input at a/m1's $0.1 per M.
            double loser = TokenEstimator.estimate(TestBed.hello()) * 0.1e-6;
            double winner = (10 + 1) * 1e-6;
            assertTrue(loser > 0);
            assertEquals(loser, j.budgets().provider("a").spentUsd(), 1e-15);
            assertEquals(winner + loser, d.costUsd(), 1e-15);
            assertEquals(winner + loser, j.budgets().tenant("default").spentUsd(), 1e-15);
        }
    }

    @Test
    void theFirstCandidateWinsWhenItsFirstTokenComesBeforeTheHedges() {
        FakeProviderClient a = bed.provider("a").script("m1", stream(Duration.ofMillis(700), "first"));
        FakeProviderClient b = bed.provider("b").script("m2", stream(Duration.ofMillis(400), "second"));
        try (Junction j = bed.builder(first, second).retry(once).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build());
            List<String> events = bed.collect(s).stream().map(StreamHedgingTest::describe).toList();
            assertEquals(List.of("start a/m1", "text first", "usage 1", "finish STOP"), events);
            assertEquals(1, b.calls().size(), "the hedge was started");
            assertEquals(1, b.cancelled(), "and cancelled when the first candidate delivered a token first");
            assertEquals(0, a.cancelled());
            assertEquals(List.of("b/m2 CANCELLED CANCELLED", "a/m1 SUCCEEDED"), attempts(s.decision().join()));
        }
    }

    @Test
    void noHedgeWhenTheFirstTokenArrivesInTime() {
        bed.provider("a").script("m1", stream(Duration.ofMillis(200), "Hi"));
        try (Junction j = bed.builder(first, second).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build());
            bed.collect(s);
            bed.scheduler.advance(Duration.ofSeconds(5));
            assertTrue(bed.provider("b").calls().isEmpty());
            assertEquals(List.of("a/m1 SUCCEEDED"), attempts(s.decision().join()));
        }
    }

    @Test
    void aHedgeThatFailsBeforeItsFirstTokenLeavesTheFirstCandidateRunning() {
        FakeProviderClient a = bed.provider("a").script("m1", stream(Duration.ofSeconds(1), "late"));
        bed.provider("b").script("m2", overloaded());
        try (Junction j = bed.builder(first, second).retry(once).build()) {
            JunctionStream s = j.stream(TestBed.hello(), cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build());
            List<String> events = bed.collect(s).stream().map(StreamHedgingTest::describe).toList();
            assertEquals(List.of("start a/m1", "text late", "usage 1", "finish STOP"), events);
            assertEquals(0, a.cancelled());
            assertEquals(List.of("b/m2 FAILED OVERLOADED", "a/m1 SUCCEEDED"), attempts(s.decision().join()));
        }
    }

    @Test
    void hedgeAfterZeroWaitsForTheCandidatesObservedP95TimeToFirstToken() {
        FakeProviderClient a = bed.provider("a").script("m1", stream(Duration.ofMillis(300), "x"),
                stream(Duration.ofSeconds(5), "slow"));
        FakeProviderClient b = bed.provider("b").script("m2", stream(Duration.ofMillis(100), "fast"));
        try (Junction j = bed.builder(first, second).retry(once).build()) {
            bed.collect(j.stream(TestBed.hello(), cheapest));              // a's first token is observed at 300 ms
            Instant start = bed.clock.instant();
            JunctionStream s = j.stream(TestBed.hello(), cheapest.toBuilder().hedgeAfter(Duration.ZERO).build());
            bed.collect(s);
            assertEquals(start.plusMillis(300), b.calls().get(0).at());
            assertEquals("b/m2", s.decision().join().chosen().modelId());
            assertEquals(1, a.cancelled());
        }
    }
}
