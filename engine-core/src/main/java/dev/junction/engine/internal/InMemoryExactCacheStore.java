package dev.junction.engine.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.CacheStats;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.SemanticCacheStore;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The default cache store: an in-memory exact tier on Caffeine, bounded by entry count, keyed by tenant, namespace
 * and exact key so that no tenant ever sees another's entry. It has no semantic tier ({@link #lookupSimilar}
 * always misses); the server injects the persisted semantic store.
 *
 * <p>Thread-safe. Expiry is checked against the query's time, so tests control it with the engine clock.
 */
public final class InMemoryExactCacheStore implements SemanticCacheStore {
    /** Default capacity: 10,000 entries. */
    public static final long DEFAULT_MAXIMUM_ENTRIES = 10_000;

    private final Cache<String, CacheEntry> byKey;
    private final Cache<String, String> keyById;
    private final AtomicLong exactHits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong wrongHits = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong expirations = new AtomicLong();
    private final DoubleAdder saved = new DoubleAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    public InMemoryExactCacheStore() {
        this(DEFAULT_MAXIMUM_ENTRIES);
    }

    public InMemoryExactCacheStore(long maximumEntries) {
        this.keyById = Caffeine.newBuilder().build();
        this.byKey = Caffeine.newBuilder().maximumSize(maximumEntries)
                .executor(Runnable::run)
                .removalListener((String key, CacheEntry entry, RemovalCause cause) -> {
                    if (entry != null && cause != RemovalCause.REPLACED) {
                        keyById.asMap().remove(entry.id(), key);
                    }
                    if (cause == RemovalCause.SIZE) {
                        evictions.incrementAndGet();
                    }
                })
                .build();
    }

    private static String key(String tenant, String namespace, String exactKey) {
        return tenant + '\u0000' + namespace + '\u0000' + exactKey;
    }

    @Override
    public Optional<CacheHit> lookupExact(CacheQuery query) {
        checkOpen();
        String key = key(query.tenantId(), query.namespace(), query.exactKey());
        CacheEntry e = byKey.getIfPresent(key);
        if (e != null && !query.now().isBefore(e.expiresAt())) {
            if (byKey.asMap().remove(key, e)) {
                expirations.incrementAndGet();
            }
            e = null;
        }
        if (e == null || !e.tenantId().equals(query.tenantId()) || e.modelQuality() < query.minQuality()) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        exactHits.incrementAndGet();
        saved.add(e.costUsd());
        CacheEntry counted = new CacheEntry(e.id(), e.tenantId(), e.namespace(), e.exactKey(), e.prompt(),
                e.embedding(), e.response(), e.modelQuality(), e.costUsd(), e.createdAt(), e.expiresAt(), e.hitCount() + 1);
        byKey.asMap().replace(key, e, counted);
        return Optional.of(new CacheHit(counted, 1.0, CacheStatus.EXACT_HIT));
    }

    @Override
    public Optional<CacheHit> lookupSimilar(CacheQuery query) {
        checkOpen();
        return Optional.empty();
    }

    @Override
    public void put(CacheEntry entry) {
        checkOpen();
        String key = key(entry.tenantId(), entry.namespace(), entry.exactKey());
        keyById.put(entry.id(), key);
        CacheEntry old = byKey.asMap().put(key, entry);
        if (old != null && !old.id().equals(entry.id())) {
            keyById.asMap().remove(old.id(), key);
        }
    }

    @Override
    public boolean invalidate(String entryId) {
        checkOpen();
        String key = keyById.asMap().remove(entryId);
        return key != null && byKey.asMap().remove(key) != null;
    }

    @Override
    public int invalidateNamespace(String namespace) {
        checkOpen();
        int[] n = {0};
        byKey.asMap().entrySet().removeIf(e -> {
            boolean match = e.getValue().namespace().equals(namespace);
            if (match) {
                n[0]++;
            }
            return match;
        });
        return n[0];
    }

    @Override
    public int invalidateTenant(String tenantId) {
        checkOpen();
        int[] n = {0};
        byKey.asMap().entrySet().removeIf(e -> {
            boolean match = e.getValue().tenantId().equals(tenantId);
            if (match) {
                n[0]++;
            }
            return match;
        });
        return n[0];
    }

    @Override
    public boolean reportWrongHit(String tenantId, String entryId) {
        checkOpen();
        String key = keyById.getIfPresent(entryId);
        CacheEntry e = key == null ? null : byKey.getIfPresent(key);
        boolean existed = e != null && e.tenantId().equals(tenantId) && invalidate(entryId);
        if (existed) {
            wrongHits.incrementAndGet();
        }
        return existed;
    }

    @Override
    public CacheStats stats() {
        checkOpen();
        long entries = byKey.estimatedSize();
        return new CacheStats(exactHits.get(), 0, misses.get(), 0, wrongHits.get(), evictions.get(),
                expirations.get(), entries, 0, saved.sum());
    }

    @Override
    public void close() {
        closed.set(true);
        byKey.invalidateAll();
        keyById.invalidateAll();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the in-memory cache store is closed");
        }
    }
}
