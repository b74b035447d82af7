package dev.junction.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The circuit breakers the dispatcher keeps per provider and per model (Resilience4j, count-based window).
 *
 * <p>Only retryable failures (rate limits, overload, timeouts, 5xx, network) count; a bad request says nothing
 * about a provider's health. Immutable; build with {@link #custom()} or use {@link #ofDefaults()}.
 *
 * @param failureRateThreshold          the failure percentage in (0, 100] that opens a circuit
 *                                      ({@link #DEFAULT_FAILURE_RATE_THRESHOLD})
 * @param slidingWindowSize             the calls the rate is computed over ({@link #DEFAULT_SLIDING_WINDOW_SIZE})
 * @param minimumNumberOfCalls          calls needed before the rate is judged ({@link #DEFAULT_MINIMUM_NUMBER_OF_CALLS})
 * @param waitDurationInOpenState       how long an open circuit refuses calls before it lets probes through
 *                                      ({@link #DEFAULT_WAIT_DURATION_IN_OPEN_STATE})
 * @param permittedCallsInHalfOpenState probe calls allowed while half-open ({@link #DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE})
 */
public record CircuitConfig(float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
                            Duration waitDurationInOpenState, int permittedCallsInHalfOpenState) {
    /** Default threshold: 50 % failures. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;
    /** Default window: the last 20 calls. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;
    /** Default minimum: 5 calls before a circuit may open. */
    public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 5;
    /** Default open period: 30 s. */
    public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(30);
    /** Default half-open probes: 2. */
    public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 2;

    public CircuitConfig {
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
            throw new IllegalArgumentException("failureRateThreshold must be in (0, 100], was " + failureRateThreshold);
        }
        if (slidingWindowSize < 1) {
            throw new IllegalArgumentException("slidingWindowSize must be >= 1, was " + slidingWindowSize);
        }
        if (minimumNumberOfCalls < 1) {
            throw new IllegalArgumentException("minimumNumberOfCalls must be >= 1, was " + minimumNumberOfCalls);
        }
        Objects.requireNonNull(waitDurationInOpenState, "waitDurationInOpenState");
        if (waitDurationInOpenState.isNegative() || waitDurationInOpenState.isZero()
                || waitDurationInOpenState.compareTo(CachePolicy.MAX_TTL) > 0) {
            throw new IllegalArgumentException("waitDurationInOpenState must be positive and at most "
                    + CachePolicy.MAX_TTL.toDays() + " days, was " + waitDurationInOpenState);
        }
        if (permittedCallsInHalfOpenState < 1) {
            throw new IllegalArgumentException("permittedCallsInHalfOpenState must be >= 1, was " + permittedCallsInHalfOpenState);
        }
    }

    public static CircuitConfig ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Builds a {@link CircuitConfig}; not thread-safe. */
    public static final class Builder {
        private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;
        private Duration waitDurationInOpenState = DEFAULT_WAIT_DURATION_IN_OPEN_STATE;
        private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;

        private Builder() {
        }

        public Builder failureRateThreshold(float value) {
            this.failureRateThreshold = value;
            return this;
        }

        public Builder slidingWindowSize(int value) {
            this.slidingWindowSize = value;
            return this;
        }

        public Builder minimumNumberOfCalls(int value) {
            this.minimumNumberOfCalls = value;
            return this;
        }

        public Builder waitDurationInOpenState(Duration value) {
            this.waitDurationInOpenState = value;
            return this;
        }

        public Builder permittedCallsInHalfOpenState(int value) {
            this.permittedCallsInHalfOpenState = value;
            return this;
        }

        public CircuitConfig build() {
            return new CircuitConfig(failureRateThreshold, slidingWindowSize, minimumNumberOfCalls,
                    waitDurationInOpenState, permittedCallsInHalfOpenState);
        }
    }
}
