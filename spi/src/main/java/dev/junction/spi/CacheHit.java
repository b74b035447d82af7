package dev.junction.spi;

import java.util.Objects;

/**
 * An entry a look-up found.
 *
 * @param entry      the entry
 * @param similarity its similarity to the query in [-1, 1] (1 for an exact hit)
 * @param status     {@link CacheStatus#EXACT_HIT} or {@link CacheStatus#SEMANTIC_HIT}
 */
public record CacheHit(CacheEntry entry, double similarity, CacheStatus status) {
    public CacheHit {
        Objects.requireNonNull(entry, "entry");
        if (status != CacheStatus.EXACT_HIT && status != CacheStatus.SEMANTIC_HIT) {
            throw new IllegalArgumentException("a hit is exact or semantic, not " + status);
        }
    }
}
