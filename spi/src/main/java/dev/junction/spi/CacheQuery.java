package dev.junction.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A cache look-up for one request.
 *
 * @param tenantId   the requesting tenant
 * @param namespace  the request's cache namespace
 * @param exactKey   the hash of its canonical request
 * @param prompt     the prompt text that was embedded (for the guard), or null for an exact-only look-up
 * @param embedding  its embedding, or null for an exact-only look-up; the caller's array, not copied: a store must
 *                   not modify it
 * @param threshold  the similarity threshold to use, or null for the store's calibrated default
 * @param minQuality the lowest producing-model quality the request accepts, in [0, 1]
 * @param now        the current time, for expiry
 */
public record CacheQuery(String tenantId, String namespace, String exactKey, String prompt, float[] embedding,
                         Double threshold, double minQuality, Instant now) {
    public CacheQuery {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(exactKey, "exactKey");
        Objects.requireNonNull(now, "now");
    }
}
