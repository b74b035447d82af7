package dev.junction.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * One logical request, as recorded for audit once it ends.
 *
 * @param requestId    the request's id
 * @param tenantId     the tenant
 * @param provider     the provider that answered, or null (cache hit without a model, or failure)
 * @param model        the model that answered, or null
 * @param modelVersion the exact version that answered, or null
 * @param startedAt    when the engine received it
 * @param finishedAt   when it ended
 * @param timeToFirstToken for a stream, the delay before the first token; else null
 * @param usage        tokens billed
 * @param costUsd      what it cost (0 for a cache hit)
 * @param cacheStatus  how the cache took part
 * @param attempts     provider calls made (0 for a cache hit)
 * @param error        the error that ended it, or null on success
 */
public record AuditRecord(String requestId, String tenantId, String provider, String model, String modelVersion,
                          Instant startedAt, Instant finishedAt, Duration timeToFirstToken, Usage usage,
                          double costUsd, CacheStatus cacheStatus, int attempts, String error) {
    public Duration latency() {
        return Duration.between(startedAt, finishedAt);
    }
}
