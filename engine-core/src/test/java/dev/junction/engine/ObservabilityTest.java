package dev.junction.engine;

import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.spi.AuditRecord;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.RequestContext;
import dev.junction.spi.RequestInterceptor;
import dev.junction.spi.RequestRejectedException;
import dev.junction.spi.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.junction.engine.fakes.FakeProviderClient.ok;
import static dev.junction.engine.fakes.FakeProviderClient.serverError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObservabilityTest {
    private final TestBed bed = new TestBed();
    private final ModelDescriptor first = Models.model("a", "m1", 1, 2, 0.7);
    private final ModelDescriptor second = Models.model("b", "m2", 2, 4, 0.7);
    private final Intent cheapest = Intent.builder().objective(Objective.CHEAPEST).build();

    @Test
    void emitsMetricsForRequestsCostTokensLatencyFailoversAndCacheHits() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        bed.provider("a").script("m1", serverError(), serverError());
        bed.provider("b").script("m2", ok(Duration.ofMillis(250), "hi", 1000, 100));
        try (Junction j = bed.builder(first, second).meterRegistry(registry)
                .retry(RetryConfig.custom().jitter(0).build()).build()) {
            bed.complete(j, TestBed.hello(), cheapest);
            bed.complete(j, TestBed.hello(), cheapest);
            assertEquals(1, registry.get("junction.requests").tags("provider", "b", "model", "m2", "outcome", "success")
                    .counter().count());
            assertEquals(1000 * 2e-6 + 100 * 4e-6, registry.get("junction.cost").tags("provider", "b").counter().count(), 1e-12);
            assertEquals(1000, registry.get("junction.tokens").tags("provider", "b", "type", "input").counter().count());
            assertEquals(100, registry.get("junction.tokens").tags("provider", "b", "type", "output").counter().count());
            assertEquals(1, registry.get("junction.failovers").tags("from_provider", "a", "to_provider", "b")
                    .counter().count());
            assertEquals(2, registry.get("junction.attempts").tags("provider", "a", "outcome", "error").counter().count());
            assertEquals(1, registry.get("junction.latency").tags("provider", "b").timer().count());
            assertEquals(1, registry.get("junction.cache.hits").tags("tier", "exact").counter().count());
        }
    }

    @Test
    void deliversAnAuditRecordPerRequestToListenersAndInterceptors() {
        List<AuditRecord> heard = new ArrayList<>();
        List<AuditRecord> intercepted = new ArrayList<>();
        bed.provider("a").script("m1", ok(Duration.ofMillis(400), "hi", 10, 5));
        try (Junction j = bed.builder(first).auditListener(heard::add).interceptor(new RequestInterceptor() {
            @Override
            public void onAudit(AuditRecord record) {
                intercepted.add(record);
            }
        }).build()) {
            JunctionResponse r = bed.complete(j, TestBed.hello().withTenant("acme", null), cheapest);
            assertEquals(1, heard.size());
            AuditRecord a = heard.get(0);
            assertEquals(r.decision().requestId(), a.requestId());
            assertEquals("acme", a.tenantId());
            assertEquals("a", a.provider());
            assertEquals("m1", a.model());
            assertEquals("m1-v1", a.modelVersion());
            assertEquals(Duration.ofMillis(400), a.latency());
            assertEquals(Usage.of(10, 5), a.usage());
            assertEquals(10 * 1e-6 + 5 * 2e-6, a.costUsd(), 1e-12);
            assertEquals(CacheStatus.MISS, a.cacheStatus());
            assertEquals(1, a.attempts());
            assertNull(a.error());
            assertEquals(heard, intercepted);

            bed.complete(j, TestBed.hello().withTenant("acme", null), cheapest);
            assertEquals(CacheStatus.EXACT_HIT, heard.get(1).cacheStatus());
            assertEquals(0, heard.get(1).attempts());

            assertThrows(InfeasibleIntentException.class, () -> bed.complete(j, TestBed.hello(),
                    cheapest.toBuilder().pinModel("nope").build()));
            assertTrue(heard.get(2).error().startsWith("InfeasibleIntentException"), heard.get(2).error());
        }
    }

    @Test
    void interceptorsRewriteRequestsAndAnswersAndCanRefuse() {
        RequestInterceptor redact = new RequestInterceptor() {
            @Override
            public ChatRequest beforeRequest(RequestContext context, ChatRequest request) {
                if (request.lastUserText().contains("forbidden")) {
                    throw new RequestRejectedException(name(), "forbidden word");
                }
                return request.withMetadata(java.util.Map.of("seen", context.tenantId()));
            }

            @Override
            public ChatResponse afterResponse(RequestContext context, ChatResponse response) {
                return new ChatResponse(response.id(), response.text().toUpperCase(java.util.Locale.ROOT),
                        response.toolCalls(), response.finishReason(), response.usage(), response.provider(),
                        response.model(), response.modelVersion());
            }
        };
        bed.provider("a").script("m1", ok(Duration.ZERO, "quiet", 1, 1));
        try (Junction j = bed.builder(first).interceptor(redact).build()) {
            assertEquals("QUIET", bed.complete(j, TestBed.hello(), cheapest).response().text());
            assertEquals("QUIET", bed.complete(j, TestBed.hello(), cheapest).response().text(), "cache hits too");
            assertThrows(RequestRejectedException.class, () -> bed.complete(j, ChatRequest.ofUser("forbidden"), cheapest));
            assertEquals(1, bed.provider("a").calls().size());
        }
    }

    @Test
    void liveMatrixShowsEveryModelWithItsStatistics() {
        bed.provider("a").script("m1", ok(Duration.ofMillis(120)));
        try (Junction j = bed.builder(first, second).models(List.of(Models.model("z", "lonely", 1, 1, 0.5))).build()) {
            bed.complete(j, TestBed.hello(), cheapest);
            LiveMatrix m = j.liveMatrix();
            assertEquals(List.of("a/m1", "b/m2", "z/lonely"), m.models().stream().map(ModelStatus::modelId).toList());
            assertEquals(Duration.ofMillis(120), m.model("a/m1").orElseThrow().stats().latencyP50());
            assertEquals(LiveStats.EMPTY, m.model("b/m2").orElseThrow().stats());
            assertTrue(!m.model("z/lonely").orElseThrow().configured());
            assertEquals(CircuitState.CLOSED, m.model("a/m1").orElseThrow().providerCircuit());
        }
    }
}
