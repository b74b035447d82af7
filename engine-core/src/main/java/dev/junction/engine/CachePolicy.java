package dev.junction.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How a request may use the cache.
 *
 * @param mode      off, exact matches only, or exact then semantic
 * @param threshold the similarity threshold overriding the store's calibrated default, or null
 * @param ttl       how long an answer stored by this request stays servable
 */
public record CachePolicy(Mode mode, Double threshold, Duration ttl) {
    /** Default TTL of stored answers: 24 hours. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    /**
     * The longest TTL a request may ask for: 100 years. Longer ones would overflow the expiry instant, and the answer
     * would silently not be stored.
     */
    public static final Duration MAX_TTL = Duration.ofDays(36_500);

    /** No caching. */
    public static final CachePolicy OFF = new CachePolicy(Mode.OFF, null, DEFAULT_TTL);
    /** Exact matches only. */
    public static final CachePolicy EXACT = new CachePolicy(Mode.EXACT, null, DEFAULT_TTL);
    /** Exact, then semantic at the store's calibrated threshold: the default. */
    public static final CachePolicy SEMANTIC = new CachePolicy(Mode.SEMANTIC, null, DEFAULT_TTL);

    public CachePolicy {
        Objects.requireNonNull(mode, "mode");
        if (threshold != null && !(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("cache threshold must be in (0, 1], was " + threshold);
        }
        ttl = ttl == null ? DEFAULT_TTL : ttl;
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("cache TTL must be positive and at most " + MAX_TTL.toDays()
                    + " days, was " + ttl);
        }
    }

    public static CachePolicy semantic(double threshold, Duration ttl) {
        return new CachePolicy(Mode.SEMANTIC, threshold, ttl);
    }

    /** The cache modes. */
    public enum Mode { OFF, EXACT, SEMANTIC }
}
