package dev.junction.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-attempt settings the engine gives a provider client.
 *
 * @param model          the provider's model id to call
 * @param timeout        the attempt's whole deadline (for a stream: until the first event arrives, then between
 *                       events)
 * @param idempotencyKey one key per logical request, the same on every retry and fail-over; sent to providers
 *                       that accept one
 */
public record CallOptions(String model, Duration timeout, String idempotencyKey) {
    public CallOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }
}
