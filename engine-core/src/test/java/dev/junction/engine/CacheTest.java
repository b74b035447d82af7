package dev.junction.engine;

import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.engine.internal.InMemoryExactCacheStore;
import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.Usage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.junction.engine.fakes.FakeProviderClient.cutStream;
import static dev.junction.engine.fakes.FakeProviderClient.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheTest {
    private final TestBed bed = new TestBed();
    private final ModelDescriptor model = Models.model("a", "m1", 1, 2, 0.7);

    @Test
    void exactHitServesAnIdenticalRequestWithoutCallingAProvider() {
        try (Junction j = bed.builder(model).build()) {
            JunctionResponse first = bed.complete(j, TestBed.hello(), Intent.DEFAULT);
            assertEquals(CacheStatus.MISS, first.decision().cacheStatus());
            JunctionResponse second = bed.complete(j, TestBed.hello(), Intent.DEFAULT);
            assertEquals(CacheStatus.EXACT_HIT, second.decision().cacheStatus());
            assertEquals(first.response().text(), second.response().text());
            assertEquals(0, second.decision().costUsd());
            assertTrue(second.decision().attempts().isEmpty());
            assertEquals(1, bed.provider("a").calls().size());
            assertEquals(1, j.cacheStats().exactHits());
        }
    }

    @Test
    void aWrongHitReportedWithTheDecisionsEntryIdIsNotServedAgain() {
        try (Junction j = bed.builder(model).build()) {
            RouteDecision stored = bed.complete(j, TestBed.hello(), Intent.DEFAULT).decision();
            assertEquals(stored.requestId(), stored.cacheEntryId(), "the answer was stored under its request's id");
            RouteDecision hit = bed.complete(j, TestBed.hello(), Intent.DEFAULT).decision();
            assertEquals(CacheStatus.EXACT_HIT, hit.cacheStatus());
            assertEquals(stored.cacheEntryId(), hit.cacheEntryId(), "a hit names the entry that served it");
            assertFalse(j.reportWrongCacheHit("globex", hit.cacheEntryId()), "only the tenant served may report it");
            assertTrue(j.reportWrongCacheHit(null, hit.cacheEntryId()), "null is the default tenant, as in requests");
            assertEquals(1, j.cacheStats().wrongHitReports());
            RouteDecision after = bed.complete(j, TestBed.hello(), Intent.DEFAULT).decision();
            assertEquals(CacheStatus.MISS, after.cacheStatus());
            assertEquals(2, bed.provider("a").calls().size());
        }
        try (Junction j = bed.builder(model).cacheStore(null).build()) {
            RouteDecision d = bed.complete(j, TestBed.hello(), Intent.DEFAULT).decision();
            assertEquals(null, d.cacheEntryId(), "nothing was stored");
            assertFalse(j.reportWrongCacheHit(null, d.requestId()));
        }
    }

    @Test
    void differentSamplingIsADifferentNamespace() {
        try (Junction j = bed.builder(model).build()) {
            bed.complete(j, TestBed.hello(), Intent.DEFAULT);
            JunctionResponse other = bed.complete(j, TestBed.hello()
                    .withSampling(dev.junction.spi.SamplingParameters.temperature(1.5)), Intent.DEFAULT);
            assertEquals(CacheStatus.MISS, other.decision().cacheStatus());
        }
    }

    @Test
    void tenantsNeverSeeEachOthersCachedAnswers() {
        try (Junction j = bed.builder(model).build()) {
            bed.complete(j, TestBed.hello().withTenant("acme", null), Intent.DEFAULT);
            JunctionResponse other = bed.complete(j, TestBed.hello().withTenant("globex", null), Intent.DEFAULT);
            assertEquals(CacheStatus.MISS, other.decision().cacheStatus());
            assertEquals(2, bed.provider("a").calls().size());
            assertEquals(CacheStatus.EXACT_HIT, bed.complete(j, TestBed.hello().withTenant("acme", null), Intent.DEFAULT)
                    .decision().cacheStatus());
        }
    }

    @Test
    void inMemoryStoreIsolatesTenantsEvenWithTheSameKeys() {
        try (InMemoryExactCacheStore store = new InMemoryExactCacheStore(100)) {
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            ChatResponse answer = new ChatResponse("r1", "secret", List.of(), FinishReason.STOP, Usage.ZERO, "a", "m1", "m1");
            store.put(new CacheEntry("e1", "acme", "ns", "key", "prompt", null, answer, 0.9, 0.01, now,
                    now.plusSeconds(60), 0));
            assertTrue(store.lookupExact(new CacheQuery("globex", "ns", "key", null, null, null, 0, now)).isEmpty());
            assertEquals("secret", store.lookupExact(new CacheQuery("acme", "ns", "key", null, null, null, 0, now))
                    .orElseThrow().entry().response().text());
            assertEquals(1, store.invalidateTenant("acme"));
            assertTrue(store.lookupExact(new CacheQuery("acme", "ns", "key", null, null, null, 0, now)).isEmpty());
        }
    }

    @Test
    void inMemoryStoreRefusesUseAfterClose() {
        InMemoryExactCacheStore store = new InMemoryExactCacheStore();
        store.close();
        assertThrows(IllegalStateException.class, store::stats);
    }

    @Test
    void cachePolicyOffBypassesTheCache() {
        try (Junction j = bed.builder(model).build()) {
            Intent off = Intent.builder().cachePolicy(CachePolicy.OFF).build();
            bed.complete(j, TestBed.hello(), off);
            assertEquals(CacheStatus.BYPASS, bed.complete(j, TestBed.hello(), off).decision().cacheStatus());
            assertEquals(2, bed.provider("a").calls().size());
        }
    }

    @Test
    void entriesExpireAfterTheirTtl() {
        try (Junction j = bed.builder(model).build()) {
            Intent shortTtl = Intent.builder().cachePolicy(new CachePolicy(CachePolicy.Mode.EXACT, null,
                    Duration.ofMinutes(1))).build();
            bed.complete(j, TestBed.hello(), shortTtl);
            bed.scheduler.advance(Duration.ofMinutes(2));
            assertEquals(CacheStatus.MISS, bed.complete(j, TestBed.hello(), shortTtl).decision().cacheStatus());
        }
    }

    @Test
    void aCompletedStreamIsStoredAndReplayedAsAStreamOnAHit() {
        bed.provider("a").script("m1", stream(Duration.ofMillis(100), "Hel", "lo"));
        try (Junction j = bed.builder(model).build()) {
            bed.collect(j.stream(TestBed.hello(), Intent.DEFAULT));
            JunctionResponse hit = bed.complete(j, TestBed.hello(), Intent.DEFAULT);
            assertEquals(CacheStatus.EXACT_HIT, hit.decision().cacheStatus());
            assertEquals("Hello", hit.response().text());

            JunctionStream replay = j.stream(TestBed.hello(), Intent.DEFAULT);
            List<StreamEvent> events = bed.collect(replay);
            assertEquals(new StreamEvent.TextDelta("Hello"), events.get(1));
            assertEquals(new StreamEvent.Finish(FinishReason.STOP), events.get(events.size() - 1));
            assertEquals(CacheStatus.EXACT_HIT, replay.decision().join().cacheStatus());
            assertEquals(1, bed.provider("a").calls().size());
        }
    }

    @Test
    void aCutStreamIsNotCached() {
        FakeProviderClient a = bed.provider("a").script("m1", cutStream(Duration.ofMillis(100), 1, "Hel", "lo"));
        try (Junction j = bed.builder(model).build()) {
            bed.collect(j.stream(TestBed.hello(), Intent.DEFAULT));
            assertEquals(CacheStatus.MISS, bed.complete(j, ChatRequest.ofUser("Hello there"), Intent.DEFAULT)
                    .decision().cacheStatus());
            assertEquals(2, a.calls().size());
        }
    }

    @Test
    void aFailingCacheIsAMissAndTheProviderStillAnswers() {
        try (BrokenCacheStore broken = new BrokenCacheStore();
             Junction j = bed.builder(model).cacheStore(broken).build()) {
            JunctionResponse r = bed.complete(j, TestBed.hello(), Intent.DEFAULT);
            assertEquals(CacheStatus.MISS, r.decision().cacheStatus());
            assertEquals(1, bed.provider("a").calls().size());
            assertTrue(broken.lookups > 0, "the engine asked the cache");
            assertTrue(broken.puts > 0, "the engine tried to store the answer");
        }
    }

    /** A cache store whose every read and write fails, as a store on a lost disk would. */
    private static final class BrokenCacheStore implements dev.junction.spi.SemanticCacheStore {
        int lookups;
        int puts;

        @Override
        public java.util.Optional<dev.junction.spi.CacheHit> lookupExact(CacheQuery query) {
            lookups++;
            throw new IllegalStateException("disk gone");
        }

        @Override
        public java.util.Optional<dev.junction.spi.CacheHit> lookupSimilar(CacheQuery query) {
            lookups++;
            throw new IllegalStateException("disk gone");
        }

        @Override
        public void put(CacheEntry entry) {
            puts++;
            throw new IllegalStateException("disk gone");
        }

        @Override
        public boolean invalidate(String entryId) {
            return false;
        }

        @Override
        public int invalidateNamespace(String namespace) {
            return 0;
        }

        @Override
        public int invalidateTenant(String tenantId) {
            return 0;
        }

        @Override
        public boolean reportWrongHit(String tenantId, String entryId) {
            return false;
        }

        @Override
        public dev.junction.spi.CacheStats stats() {
            return new dev.junction.spi.CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anExactEntryServedOnceCanStillBeReportedAsAWrongHit() {
        // A hit replaces the entry with a copy counting the hit; the id must still lead to it, since reporting a
        // wrong hit is only possible after the hit.
        try (InMemoryExactCacheStore store = new InMemoryExactCacheStore(100)) {
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            ChatResponse answer = new ChatResponse("r1", "stale", List.of(), FinishReason.STOP, Usage.ZERO, "a", "m1", "m1");
            store.put(new CacheEntry("e1", "acme", "ns", "key", "prompt", null, answer, 0.9, 0.01, now,
                    now.plusSeconds(60), 0));
            CacheQuery q = new CacheQuery("acme", "ns", "key", null, null, null, 0, now);
            assertEquals("e1", store.lookupExact(q).orElseThrow().entry().id());
            assertFalse(store.reportWrongHit("globex", "e1"), "another tenant cannot remove acme's entry");
            assertEquals(0, store.stats().wrongHitReports());
            assertTrue(store.reportWrongHit("acme", "e1"), "the entry just served is found by its id");
            assertTrue(store.lookupExact(q).isEmpty(), "a reported wrong hit is not served again");
            assertEquals(1, store.stats().wrongHitReports());
            // A new answer under the same key replaces the old entry: the old id no longer leads anywhere.
            store.put(new CacheEntry("e2", "acme", "ns", "key", "prompt", null, answer, 0.9, 0.01, now,
                    now.plusSeconds(60), 0));
            store.put(new CacheEntry("e3", "acme", "ns", "key", "prompt", null, answer, 0.9, 0.01, now,
                    now.plusSeconds(60), 0));
            assertFalse(store.invalidate("e2"), "a replaced entry's id is gone");
            assertEquals("e3", store.lookupExact(q).orElseThrow().entry().id());
        }
    }
}
