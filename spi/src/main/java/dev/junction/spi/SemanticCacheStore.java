package dev.junction.spi;

import java.util.Optional;

/**
 * A store of answers, found by exact request hash or by prompt similarity within a namespace.
 *
 * <p>Thread-safe. Owns files or off-heap memory: close it; calls after close throw {@link IllegalStateException}.
 */
public interface SemanticCacheStore extends AutoCloseable {

    /** The exact tier: the entry stored under {@code query.exactKey()} in the namespace, if live and good enough. */
    Optional<CacheHit> lookupExact(CacheQuery query);

    /**
     * The semantic tier: the nearest live entry in the namespace whose similarity reaches the threshold, whose
     * prompt passes the guard (negation, numbers, dates, named entities) and whose producing model meets
     * {@code query.minQuality()}.
     */
    Optional<CacheHit> lookupSimilar(CacheQuery query);

    /** Stores a complete, successful answer (replacing any entry with the same exact key in the namespace). */
    void put(CacheEntry entry);

    /** Removes one entry; returns whether it existed. */
    boolean invalidate(String entryId);

    /** Removes every entry of a namespace; returns how many. */
    int invalidateNamespace(String namespace);

    /** Removes every entry of a tenant; returns how many. */
    int invalidateTenant(String tenantId);

    /**
     * Records that a hit on this entry was wrong and removes it; returns whether the tenant had such an entry. Another
     * tenant's entry is left alone and not counted, so a tenant cannot remove what it was never served.
     */
    boolean reportWrongHit(String tenantId, String entryId);

    CacheStats stats();

    @Override
    void close();
}
