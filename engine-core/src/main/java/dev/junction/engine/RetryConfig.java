package dev.junction.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How the dispatcher retries one candidate before failing over to the next: exponential back-off with jitter, only
 * for retryable errors and only while the intent's latency budget lasts.
 *
 * <p>Immutable and thread-safe; build with {@link #custom()} or use {@link #ofDefaults()}.
 *
 * @param maxAttemptsPerCandidate calls per candidate, the first included ({@link #DEFAULT_MAX_ATTEMPTS_PER_CANDIDATE})
 * @param initialBackoff          the pause before the first retry ({@link #DEFAULT_INITIAL_BACKOFF})
 * @param multiplier              the factor between successive pauses ({@link #DEFAULT_MULTIPLIER})
 * @param maxBackoff              the longest pause ({@link #DEFAULT_MAX_BACKOFF})
 * @param jitter                  the random spread of each pause, as a fraction in [0, 1] ({@link #DEFAULT_JITTER})
 * @param maxRetryAfter           the longest Retry-After the engine waits out on the same candidate when no other
 *                                candidate is left ({@link #DEFAULT_MAX_RETRY_AFTER})
 */
public record RetryConfig(int maxAttemptsPerCandidate, Duration initialBackoff, double multiplier, Duration maxBackoff,
                          double jitter, Duration maxRetryAfter) {
    /** Default calls per candidate: 2 (one retry), then fail over. */
    public static final int DEFAULT_MAX_ATTEMPTS_PER_CANDIDATE = 2;
    /** Default first back-off: 200 ms. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** Default back-off multiplier: 2. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Default longest back-off: 5 s. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** Default jitter: ±20 %. */
    public static final double DEFAULT_JITTER = 0.2;
    /** The longest pause this config may ask for: a day (a request's latency budget ends long before). */
    public static final Duration MAX_WAIT = Duration.ofDays(1);
    /** Default longest Retry-After waited out: 30 s. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);

    public RetryConfig {
        if (maxAttemptsPerCandidate < 1) {
            throw new IllegalArgumentException("maxAttemptsPerCandidate must be >= 1, was " + maxAttemptsPerCandidate);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must be >= 0, was " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= initialBackoff " + initialBackoff + ", was " + maxBackoff);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
        }
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must be >= 0, was " + maxRetryAfter);
        }
        if (maxBackoff.compareTo(MAX_WAIT) > 0 || maxRetryAfter.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("maxBackoff and maxRetryAfter must be at most " + MAX_WAIT + ", were "
                    + maxBackoff + " and " + maxRetryAfter);
        }
    }

    public static RetryConfig ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** The pause before retry number {@code retry} (1-based), before jitter. */
    public Duration backoff(int retry) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, retry - 1));
        return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
    }

    /** Builds a {@link RetryConfig}; not thread-safe. */
    public static final class Builder {
        private int maxAttemptsPerCandidate = DEFAULT_MAX_ATTEMPTS_PER_CANDIDATE;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter = DEFAULT_JITTER;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;

        private Builder() {
        }

        public Builder maxAttemptsPerCandidate(int value) {
            this.maxAttemptsPerCandidate = value;
            return this;
        }

        public Builder initialBackoff(Duration value) {
            this.initialBackoff = value;
            return this;
        }

        public Builder multiplier(double value) {
            this.multiplier = value;
            return this;
        }

        public Builder maxBackoff(Duration value) {
            this.maxBackoff = value;
            return this;
        }

        public Builder jitter(double value) {
            this.jitter = value;
            return this;
        }

        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = value;
            return this;
        }

        public RetryConfig build() {
            return new RetryConfig(maxAttemptsPerCandidate, initialBackoff, multiplier, maxBackoff, jitter, maxRetryAfter);
        }
    }
}
