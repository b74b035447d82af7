package dev.junction.engine.internal;

import dev.junction.engine.CircuitConfig;
import dev.junction.engine.CircuitState;
import dev.junction.spi.ProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Resilience4j circuit breaker (for a provider or a model) on the engine's clock, with the end of its open
 * period readable without locking so the router can skip open circuits.
 *
 * <p>Thread-safe.
 */
public final class Circuit {
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final long openMillis;
    private final AtomicLong watermark;
    private volatile long openUntilMillis;

    public Circuit(String name, CircuitConfig config, Clock clock) {
        this(name, config, clock, new AtomicLong());
    }

    /**
     * @param watermark shared by a family of circuits: raised to every end of an open period, so a reader whose
     *                  time is past it knows without looking at each circuit that none of them refuses
     */
    public Circuit(String name, CircuitConfig config, Clock clock, AtomicLong watermark) {
        this.clock = clock;
        this.watermark = watermark;
        this.openMillis = config.waitDurationInOpenState().toMillis();
        CircuitBreakerConfig r4j = CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.slidingWindowSize())
                .minimumNumberOfCalls(config.minimumNumberOfCalls())
                .waitDurationInOpenState(config.waitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(config.permittedCallsInHalfOpenState())
                .recordException(t -> t instanceof ProviderException pe && pe.retryable())
                // Slow successes say nothing about health: never let the slow-call rate (default: 100 % of calls
                // over 60 s) open the circuit.
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofNanos(Long.MAX_VALUE))
                .clock(clock)
                .build();
        this.breaker = CircuitBreaker.of(name, r4j);
    }

    /** Notes when the breaker has just opened: only a recorded result can open it. */
    private void afterResult() {
        CircuitBreaker.State s = breaker.getState();
        if (s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN) {
            long now = clock.millis();
            if (openUntilMillis <= now) {
                long until = now + openMillis;
                watermark.accumulateAndGet(until, Math::max);
                openUntilMillis = until;
            }
        } else {
            openUntilMillis = 0;
        }
    }

    /** Whether the router must skip it now: open and its open period has not ended. */
    public boolean refusing(long nowMillis) {
        return nowMillis < openUntilMillis;
    }

    /** Asks for a call permit (this moves an expired open circuit to half-open). */
    public boolean tryAcquire() {
        boolean ok = breaker.tryAcquirePermission();
        if (ok && openUntilMillis != 0 && breaker.getState() != CircuitBreaker.State.OPEN) {
            openUntilMillis = 0;
        }
        return ok;
    }

    /** Returns an unused permit. */
    public void release() {
        breaker.releasePermission();
    }

    public void onSuccess(long durationNanos) {
        breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
        afterResult();
    }

    /** Records a failure; only retryable provider errors count against the circuit. */
    public void onError(long durationNanos, Throwable error) {
        breaker.onError(durationNanos, TimeUnit.NANOSECONDS, error);
        afterResult();
    }

    public CircuitState state() {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> CircuitState.OPEN;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
            default -> CircuitState.CLOSED;
        };
    }
}
