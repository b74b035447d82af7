package dev.junction.engine;

import java.time.Duration;

/**
 * Observed behaviour of one model over a sliding window of its most recent calls.
 *
 * <p>Durations are null while no successful call was observed.
 *
 * @param calls            calls in the window
 * @param errors           failed calls in the window
 * @param errorRate        errors / calls, 0 when there were no calls
 * @param timeToFirstTokenP50 the median time to first token of streamed calls
 * @param timeToFirstTokenP95 the 95th percentile time to first token (the hedging delay by default)
 * @param tokensPerSecond  the median output rate of successful calls, 0 when unknown
 * @param latencyP50       the median latency of successful calls
 * @param latencyP95       the 95th percentile latency
 * @param latencyP99       the 99th percentile latency
 */
public record LiveStats(int calls, int errors, double errorRate, Duration timeToFirstTokenP50,
                        Duration timeToFirstTokenP95, double tokensPerSecond, Duration latencyP50,
                        Duration latencyP95, Duration latencyP99) {
    /** No observation yet. */
    public static final LiveStats EMPTY = new LiveStats(0, 0, 0, null, null, 0, null, null, null);
}
