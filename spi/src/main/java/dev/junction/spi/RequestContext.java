package dev.junction.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What an interceptor knows about the request it sees.
 *
 * @param requestId  the logical request's id (also its idempotency key)
 * @param tenantId   the tenant, or {@code "default"}
 * @param receivedAt when the engine received it
 */
public record RequestContext(String requestId, String tenantId, Instant receivedAt) {
    public RequestContext {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
