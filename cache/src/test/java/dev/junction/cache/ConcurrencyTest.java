package dev.junction.cache;

import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void manyThreadsReadAndWriteOneCacheConsistently() throws Exception {
        int threads = 8;
        int perThread = 100;
        ChronicleCacheConfig config = Entries.config(dir.resolve("c.dat")).maxEntries(threads * perThread)
                .graphThreshold(300).build();
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger wrongTenant = new AtomicInteger();
            AtomicInteger invalidated = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    String tenant = "tenant-" + (thread % 2);
                    for (int i = 0; i < perThread; i++) {
                        int n = thread * perThread + i;
                        CacheEntry e = Entries.entry("e" + n, tenant, "ns", "prompt " + n, Entries.unit(n), 0.9,
                                Duration.ofHours(1));
                        cache.put(e);
                        Optional<CacheHit> own = cache.lookupSimilar(Entries.similar(tenant, "ns", "prompt " + n, e.embedding()));
                        if (own.isEmpty() || !own.get().entry().id().equals(e.id())) {
                            throw new AssertionError("own fresh put not found: " + e.id());
                        }
                        // Read others' entries; never across tenants.
                        int other = (n * 7919) % (threads * perThread);
                        cache.lookupSimilar(Entries.similar(tenant, "ns", "prompt " + other, Entries.unit(other)))
                                .ifPresent(h -> {
                                    if (!h.entry().tenantId().equals(tenant)) {
                                        wrongTenant.incrementAndGet();
                                    }
                                });
                        if (i % 10 == 0 && cache.invalidate("e" + (n - 5))) {
                            invalidated.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertEquals(0, wrongTenant.get());
            assertTrue(cache.usesGraphIndex("tenant-0", "ns"), "the test covers the graph index");
            long expected = (long) threads * perThread;
            assertEquals(expected - invalidated.get(), cache.stats().entries());
            // Every surviving entry is reachable by both tiers.
            int checked = 0;
            for (int n = 0; n < expected; n++) {
                String tenant = "tenant-" + ((n / perThread) % 2);
                Optional<CacheHit> hit = cache.lookupExact(Entries.exact(tenant, "ns", "prompt " + n));
                if (hit.isPresent()) {
                    assertEquals("e" + n, cache.lookupSimilar(Entries.similar(tenant, "ns", "prompt " + n, Entries.unit(n)))
                            .orElseThrow().entry().id());
                    checked++;
                }
            }
            assertEquals(expected - invalidated.get(), checked);
        }
    }

    @Test
    void twoCachesOnTwoFilesInOneJvmStaySeparate() throws Exception {
        try (ChronicleSemanticCache a = ChronicleSemanticCache.create(Entries.config(dir.resolve("a.dat")).build());
             ChronicleSemanticCache b = ChronicleSemanticCache.create(Entries.config(dir.resolve("b.dat")).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                ChronicleSemanticCache cache = t % 2 == 0 ? a : b;
                String tag = t % 2 == 0 ? "a" : "b";
                int base = t * 1000;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        cache.put(Entries.entry(tag + (base + i), "t", "ns", tag + " prompt " + (base + i), Entries.unit(base + i)));
                        cache.lookupExact(Entries.exact("t", "ns", tag + " prompt " + (base + i))).orElseThrow();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertEquals(600, a.stats().entries());
            assertEquals(600, b.stats().entries());
            assertTrue(a.lookupExact(Entries.exact("t", "ns", "b prompt 1000")).isEmpty());
            assertTrue(b.lookupExact(Entries.exact("t", "ns", "a prompt 0")).isEmpty());
        }
        try (ChronicleSemanticCache a = ChronicleSemanticCache.open(Entries.config(dir.resolve("a.dat")).build())) {
            assertEquals(600, a.stats().entries());
        }
    }
}
