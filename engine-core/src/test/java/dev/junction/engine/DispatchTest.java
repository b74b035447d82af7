package dev.junction.engine;

import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.engine.internal.TokenEstimator;
import dev.junction.spi.ErrorKind;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.junction.engine.fakes.FakeProviderClient.badRequest;
import static dev.junction.engine.fakes.FakeProviderClient.hang;
import static dev.junction.engine.fakes.FakeProviderClient.ok;
import static dev.junction.engine.fakes.FakeProviderClient.overloaded;
import static dev.junction.engine.fakes.FakeProviderClient.rateLimited;
import static dev.junction.engine.fakes.FakeProviderClient.serverError;
import static dev.junction.engine.fakes.FakeProviderClient.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatchTest {
    private final TestBed bed = new TestBed();
    private final ModelDescriptor first = Models.model("a", "m1", 0.1, 0.1, 0.7);
    private final ModelDescriptor second = Models.model("b", "m2", 1, 1, 0.7);
    private final ModelDescriptor third = Models.model("c", "m3", 2, 2, 0.7);
    private final Intent cheapest = Intent.builder().objective(Objective.CHEAPEST).cachePolicy(CachePolicy.OFF).build();
    private final RetryConfig noJitter = RetryConfig.custom().jitter(0).initialBackoff(Duration.ofMillis(100)).build();

    private static List<String> attempts(RouteDecision d) {
        return d.attempts().stream().map(a -> a.modelId() + " " + a.outcome() + (a.error() == null ? "" : " " + a.error()))
                .toList();
    }

    @Test
    void failsOverOn429WithRetryAfter() {
        FakeProviderClient a = bed.provider("a").script("m1", rateLimited(Duration.ofSeconds(5)));
        try (Junction j = bed.builder(first, second).retry(noJitter).build()) {
            Instant start = bed.clock.instant();
            RouteDecision d = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("a/m1 FAILED RATE_LIMITED", "b/m2 SUCCEEDED"), attempts(d));
            assertEquals("b/m2", d.chosen().modelId());
            assertEquals(start, bed.clock.instant(), "fails over at once instead of waiting out the Retry-After");

            // While a's Retry-After runs, a is not called again.
            RouteDecision during = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("b/m2 SUCCEEDED"), attempts(during));
            assertEquals(1, a.calls().size());

            bed.scheduler.advance(Duration.ofSeconds(6));
            assertEquals("a/m1", bed.complete(j, TestBed.hello(), cheapest).decision().chosen().modelId());
        }
    }

    @Test
    void aRetryAfterCenturiesAheadCoolsTheProviderDownForADayAndTheCallStillEnds() {
        // An HTTP-date Retry-After far in the future once overflowed toNanos() and left the call pending forever.
        FakeProviderClient a = bed.provider("a").script("m1", rateLimited(Duration.ofDays(365_000)), ok(Duration.ZERO));
        try (Junction j = bed.builder(first, second).retry(noJitter).build()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("a/m1 FAILED RATE_LIMITED", "b/m2 SUCCEEDED"), attempts(d));
            bed.scheduler.advance(Duration.ofHours(23));
            assertEquals("b/m2", bed.complete(j, TestBed.hello(), cheapest).decision().chosen().modelId());
            bed.scheduler.advance(Duration.ofHours(2));
            assertEquals("a/m1", bed.complete(j, TestBed.hello(), cheapest).decision().chosen().modelId());
            assertEquals(2, a.calls().size());
        }
        assertThrows(IllegalArgumentException.class, () -> RetryConfig.custom().initialBackoff(Duration.ofDays(1))
                .maxBackoff(Duration.ofDays(300 * 365)).build());
    }

    @Test
    void waitsOutRetryAfterWhenNoOtherCandidateIsLeft() {
        FakeProviderClient a = bed.provider("a").script("m1", rateLimited(Duration.ofSeconds(2)), ok(Duration.ZERO));
        try (Junction j = bed.builder(first).retry(noJitter).build()) {
            Instant start = bed.clock.instant();
            RouteDecision d = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("a/m1 FAILED RATE_LIMITED", "a/m1 SUCCEEDED"), attempts(d));
            assertEquals(start.plusSeconds(2), a.calls().get(1).at());
        }
    }

    @Test
    void retriesServerErrorsWithExponentialBackoffThenFailsOver() {
        FakeProviderClient a = bed.provider("a").script("m1", serverError(), overloaded(), serverError());
        RetryConfig three = RetryConfig.custom().maxAttemptsPerCandidate(3).jitter(0)
                .initialBackoff(Duration.ofMillis(100)).build();
        try (Junction j = bed.builder(first, second).retry(three).build()) {
            Instant start = bed.clock.instant();
            RouteDecision d = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("a/m1 FAILED SERVER_ERROR", "a/m1 FAILED OVERLOADED", "a/m1 FAILED SERVER_ERROR",
                    "b/m2 SUCCEEDED"), attempts(d));
            assertEquals(List.of(start, start.plusMillis(100), start.plusMillis(300)),
                    a.calls().stream().map(FakeProviderClient.Call::at).toList());
        }
    }

    @Test
    void retryLimitIsPerCandidateAndTheChainEndsInAFailureListingEveryAttempt() {
        bed.provider("a").script("m1", serverError(), serverError(), serverError());
        bed.provider("b").script("m2", serverError(), serverError(), serverError());
        try (Junction j = bed.builder(first, second).retry(noJitter).build()) {
            DispatchFailedException e = assertThrows(DispatchFailedException.class,
                    () -> bed.complete(j, TestBed.hello(), cheapest));
            assertEquals(List.of("a/m1 FAILED SERVER_ERROR", "a/m1 FAILED SERVER_ERROR", "b/m2 FAILED SERVER_ERROR",
                    "b/m2 FAILED SERVER_ERROR"), attempts(e.decision()));
            assertInstanceOf(ProviderException.class, e.getCause());
        }
    }

    @Test
    void doesNotRetryOrFailOverABadRequest() {
        bed.provider("a").script("m1", badRequest());
        try (Junction j = bed.builder(first, second).retry(noJitter).build()) {
            DispatchFailedException e = assertThrows(DispatchFailedException.class,
                    () -> bed.complete(j, TestBed.hello(), cheapest));
            assertEquals(List.of("a/m1 FAILED BAD_REQUEST"), attempts(e.decision()));
            assertTrue(bed.provider("b").calls().isEmpty());
        }
    }

    @Test
    void eachAttemptGetsTheRemainingLatencyBudgetAsItsDeadline() {
        bed.provider("a").script("m1", new FakeProviderClient.Fail(Duration.ofSeconds(1), ErrorKind.SERVER_ERROR, 500, null));
        RetryConfig once = RetryConfig.custom().maxAttemptsPerCandidate(1).build();
        try (Junction j = bed.builder(first, second).retry(once).build()) {
            Intent budget = cheapest.toBuilder().latencyBudget(Duration.ofSeconds(3)).build();
            bed.complete(j, TestBed.hello(), budget);
            assertEquals(Duration.ofSeconds(3), bed.provider("a").calls().get(0).options().timeout());
            assertEquals(Duration.ofSeconds(2), bed.provider("b").calls().get(0).options().timeout());
        }
    }

    @Test
    void deadlineCancelsAHangingAttemptAndEndsTheRequestOnTime() {
        FakeProviderClient a = bed.provider("a").script("m1", hang());
        try (Junction j = bed.builder(first, second).retry(noJitter).build()) {
            Instant start = bed.clock.instant();
            Intent budget = cheapest.toBuilder().latencyBudget(Duration.ofSeconds(3)).build();
            DispatchFailedException e = assertThrows(DispatchFailedException.class,
                    () -> bed.complete(j, TestBed.hello(), budget));
            assertEquals(start.plusSeconds(3), bed.clock.instant());
            assertEquals(List.of("a/m1 FAILED TIMEOUT"), attempts(e.decision()));
            assertEquals(1, a.cancelled());
            assertTrue(bed.provider("b").calls().isEmpty(), "no budget was left for b");
        }
    }

    @Test
    void noRetryWhenTheBackoffWouldOutlastTheLatencyBudget() {
        FakeProviderClient a = bed.provider("a").script("m1", serverError(), ok(Duration.ZERO));
        RetryConfig slow = RetryConfig.custom().initialBackoff(Duration.ofSeconds(5)).maxBackoff(Duration.ofSeconds(5))
                .jitter(0).build();
        try (Junction j = bed.builder(first).retry(slow).build()) {
            Intent budget = cheapest.toBuilder().latencyBudget(Duration.ofSeconds(2)).build();
            assertThrows(DispatchFailedException.class, () -> bed.complete(j, TestBed.hello(), budget));
            assertEquals(1, a.calls().size());
        }
    }

    @Test
    void oneIdempotencyKeyAcrossRetriesAndFailovers() {
        bed.provider("a").script("m1", serverError(), serverError());
        try (Junction j = bed.builder(first, second).retry(noJitter).build()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), cheapest).decision();
            List<String> keys = new java.util.ArrayList<>();
            bed.provider("a").calls().forEach(c -> keys.add(c.options().idempotencyKey()));
            bed.provider("b").calls().forEach(c -> keys.add(c.options().idempotencyKey()));
            assertEquals(3, keys.size());
            assertEquals(Set.of(d.requestId()), Set.copyOf(keys));
        }
    }

    @Test
    void circuitOpensAfterFailuresAndRecoversThroughHalfOpen() {
        FakeProviderClient a = bed.provider("a").script("m1", serverError(), serverError(), serverError(), serverError());
        CircuitConfig circuit = CircuitConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(4)
                .waitDurationInOpenState(Duration.ofSeconds(30)).permittedCallsInHalfOpenState(1).build();
        RetryConfig once = RetryConfig.custom().maxAttemptsPerCandidate(1).build();
        try (Junction j = bed.builder(first, second).retry(once).circuitBreaker(circuit).build()) {
            for (int i = 0; i < 4; i++) {
                assertEquals("b/m2", bed.complete(j, TestBed.hello(), cheapest).decision().chosen().modelId());
            }
            ModelStatus status = j.liveMatrix().model("a/m1").orElseThrow();
            assertEquals(CircuitState.OPEN, status.providerCircuit());
            assertEquals(CircuitState.OPEN, status.modelCircuit());

            RouteDecision open = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("b/m2 SUCCEEDED"), attempts(open));
            assertTrue(open.exclusions().stream().anyMatch(x -> x.modelId().equals("a/m1")
                    && x.constraint() == Constraint.CIRCUIT_OPEN), open.exclusions().toString());
            assertEquals(4, a.calls().size());

            bed.scheduler.advance(Duration.ofSeconds(31));
            RouteDecision probe = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("a/m1 SUCCEEDED"), attempts(probe));
            assertEquals(CircuitState.CLOSED, j.liveMatrix().model("a/m1").orElseThrow().providerCircuit());
        }
    }

    @Test
    void halfOpenProbeFailureOpensTheCircuitAgain() {
        bed.provider("a").script("m1", serverError(), serverError(), serverError());
        CircuitConfig circuit = CircuitConfig.custom().slidingWindowSize(2).minimumNumberOfCalls(2)
                .waitDurationInOpenState(Duration.ofSeconds(10)).permittedCallsInHalfOpenState(1).build();
        RetryConfig once = RetryConfig.custom().maxAttemptsPerCandidate(1).build();
        try (Junction j = bed.builder(first, second).retry(once).circuitBreaker(circuit).build()) {
            bed.complete(j, TestBed.hello(), cheapest);
            bed.complete(j, TestBed.hello(), cheapest);
            assertEquals(CircuitState.OPEN, j.liveMatrix().model("a/m1").orElseThrow().modelCircuit());
            bed.scheduler.advance(Duration.ofSeconds(11));
            RouteDecision probe = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("a/m1 FAILED SERVER_ERROR", "b/m2 SUCCEEDED"), attempts(probe));
            assertEquals(CircuitState.OPEN, j.liveMatrix().model("a/m1").orElseThrow().modelCircuit());
            RouteDecision after = bed.complete(j, TestBed.hello(), cheapest).decision();
            assertEquals(List.of("b/m2 SUCCEEDED"), attempts(after));
        }
    }

    @Test
    void badRequestsDoNotOpenTheCircuit() {
        bed.provider("a").script("m1", badRequest(), badRequest(), badRequest(), badRequest(), badRequest(), badRequest());
        try (Junction j = bed.builder(first, second).build()) {
            for (int i = 0; i < 6; i++) {
                assertThrows(DispatchFailedException.class, () -> bed.complete(j, TestBed.hello(), cheapest));
            }
            assertEquals(CircuitState.CLOSED, j.liveMatrix().model("a/m1").orElseThrow().providerCircuit());
        }
    }

    @Test
    void hedgingKeepsTheFasterProviderAndCancelsTheSlower() {
        FakeProviderClient a = bed.provider("a").script("m1", ok(Duration.ofSeconds(5)));
        bed.provider("b").script("m2", ok(Duration.ofSeconds(1)));
        try (Junction j = bed.builder(first, second).build()) {
            Instant start = bed.clock.instant();
            Intent hedged = cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build();
            JunctionResponse r = bed.complete(j, TestBed.hello(), hedged);
            assertEquals("b/m2", r.decision().chosen().modelId());
            assertEquals("b", r.response().provider());
            assertEquals(start.plusMillis(1500), bed.clock.instant());
            assertEquals(List.of("b/m2 SUCCEEDED", "a/m1 CANCELLED CANCELLED"), attempts(r.decision()));
            assertEquals(1, a.cancelled());
        }
    }

    @Test
    void aHedgedAttemptCancelledAfterItWasSentIsChargedItsPromptsEstimatedInput() {
        bed.provider("a").script("m1", ok(Duration.ofSeconds(5)));
        bed.provider("b").script("m2", ok(Duration.ofSeconds(1)));
        try (Junction j = bed.builder(first, second).build()) {
            Intent hedged = cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build();
            RouteDecision d = bed.complete(j, TestBed.hello(), hedged).decision();
            double loser = TokenEstimator.estimate(TestBed.hello()) * 0.1e-6;     // a/m1's input price, $0.1 per M
            double winner = 10 * 1e-6 + 20 * 1e-6;                               // b/m2's reported usage at $1 per M
            assertTrue(loser > 0);
            assertEquals(loser, j.budgets().provider("a").spentUsd(), 1e-15);
            assertEquals(winner, j.budgets().provider("b").spentUsd(), 1e-15);
            assertEquals(winner + loser, d.costUsd(), 1e-15);
            assertEquals(winner + loser, j.budgets().tenant("default").spentUsd(), 1e-15);
        }
    }

    @Test
    void hedgingIsNotStartedWhenTheFirstAnswersInTime() {
        bed.provider("a").script("m1", ok(Duration.ofMillis(200)));
        try (Junction j = bed.builder(first, second).build()) {
            Intent hedged = cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build();
            RouteDecision d = bed.complete(j, TestBed.hello(), hedged).decision();
            assertEquals(List.of("a/m1 SUCCEEDED"), attempts(d));
            bed.scheduler.advance(Duration.ofSeconds(1));
            assertTrue(bed.provider("b").calls().isEmpty());
        }
    }

    @Test
    void hedgeAfterZeroWaitsForTheCandidatesObservedP95() {
        FakeProviderClient a = bed.provider("a").script("m1", ok(Duration.ofMillis(300)), ok(Duration.ofSeconds(5)));
        bed.provider("b").script("m2", ok(Duration.ofMillis(100)));
        try (Junction j = bed.builder(first, second).build()) {
            bed.complete(j, TestBed.hello(), cheapest);          // a is observed at 300 ms
            Instant start = bed.clock.instant();
            RouteDecision d = bed.complete(j, TestBed.hello(), cheapest.toBuilder().hedgeAfter(Duration.ZERO).build())
                    .decision();
            assertEquals("b/m2", d.chosen().modelId());
            assertEquals(start.plusMillis(400), bed.clock.instant());
            assertEquals(1, a.cancelled());
        }
    }

    @Test
    void hedgeAfterZeroOnACompleteCallWaitsForTheWholeAnswersP95NotTheFirstTokens() {
        String[] tokens = new String[50];
        java.util.Arrays.fill(tokens, "x");
        bed.provider("a").script("m1", stream(Duration.ofMillis(100), tokens), ok(Duration.ofMillis(550)));
        bed.provider("b").script("m2", ok(Duration.ofMillis(100)));
        try (Junction j = bed.builder(first, second).build()) {
            bed.collect(j.stream(TestBed.hello(), cheapest));     // a: first token at 100 ms, whole answer ~600 ms
            RouteDecision d = bed.complete(j, TestBed.hello(), cheapest.toBuilder().hedgeAfter(Duration.ZERO).build())
                    .decision();
            assertEquals(List.of("a/m1 SUCCEEDED"), attempts(d), "a answered within its usual whole-answer time");
            assertTrue(bed.provider("b").calls().isEmpty(), "so no second call was started");
        }
    }

    @Test
    void liveStatisticsFollowEveryCall() {
        bed.provider("a").script("m1", ok(Duration.ofMillis(100)), ok(Duration.ofMillis(200)), serverError());
        RetryConfig once = RetryConfig.custom().maxAttemptsPerCandidate(1).build();
        try (Junction j = bed.builder(first, second).retry(once).build()) {
            for (int i = 0; i < 3; i++) {
                bed.complete(j, TestBed.hello(), cheapest);
            }
            LiveStats s = j.liveMatrix().model("a/m1").orElseThrow().stats();
            assertEquals(3, s.calls());
            assertEquals(1, s.errors());
            assertEquals(1 / 3.0, s.errorRate(), 1e-9);
            assertEquals(Duration.ofMillis(100), s.latencyP50());
            assertEquals(Duration.ofMillis(200), s.latencyP99());
        }
    }

    @Test
    void slowButSuccessfulCallsDoNotOpenTheCircuit() {
        // Resilience4j counts calls over 60 s as slow and, by default, opens when all calls in the window are slow;
        // only retryable failures may open a circuit, and a long answer is not a failure.
        Intent patient = cheapest.toBuilder().latencyBudget(Duration.ofMinutes(5)).build();
        for (int i = 0; i < 6; i++) {
            bed.provider("a").script("m1", ok(Duration.ofSeconds(61)));
        }
        try (Junction j = bed.builder(first, second).build()) {
            for (int i = 0; i < 5; i++) {
                assertEquals("a/m1", bed.complete(j, TestBed.hello(), patient).decision().chosen().modelId());
            }
            assertEquals(CircuitState.CLOSED, j.liveMatrix().model("a/m1").orElseThrow().providerCircuit());
            assertEquals("a/m1", bed.complete(j, TestBed.hello(), patient).decision().chosen().modelId());
        }
    }

    @Test
    void aHedgeSkipsACandidateThatCannotBeCalledAndGoesToTheNext() {
        // b is cooling down after a Retry-After: the hedge goes to c, as a stream's does, instead of being dropped.
        RetryConfig once = RetryConfig.custom().maxAttemptsPerCandidate(1).build();
        bed.provider("a").script("m1", ok(Duration.ofSeconds(5)));
        bed.provider("b").script("m2", rateLimited(Duration.ofSeconds(60)));
        bed.provider("c").script("m3", ok(Duration.ofMillis(100)));
        try (Junction j = bed.builder(first, second, third).retry(once).build()) {
            assertThrows(RuntimeException.class,
                    () -> bed.complete(j, TestBed.hello(), cheapest.toBuilder().pinModel("b/m2").build()));
            Instant start = bed.clock.instant();
            RouteDecision d = bed.complete(j, TestBed.hello(),
                    cheapest.toBuilder().hedgeAfter(Duration.ofMillis(500)).build()).decision();
            assertEquals("c/m3", d.chosen().modelId(), "the hedge was dropped because b was cooling down");
            assertEquals(start.plusMillis(600), bed.clock.instant());
        }
    }
}
