package dev.junction.engine.internal;

import dev.junction.engine.LiveStats;

import java.time.Duration;
import java.util.Arrays;

/**
 * Live statistics of one model over a sliding window of its most recent calls (count-bounded and age-bounded).
 *
 * <p>Thread-safe: writers synchronize (once per finished call); the router reads a few volatile numbers without
 * locking, refreshed at least every {@value #RECOMPUTE_EVERY} calls and every second; {@link #view()} is exact.
 */
public final class ModelStats {
    /** Calls kept in the window. */
    public static final int WINDOW_CALLS = 100;
    /** Calls older than this leave the window: 5 minutes. */
    public static final long WINDOW_NANOS = Duration.ofMinutes(5).toNanos();

    private final long[] at = new long[WINDOW_CALLS];
    private final long[] latency = new long[WINDOW_CALLS];
    private final long[] ttft = new long[WINDOW_CALLS];
    private final double[] tps = new double[WINDOW_CALLS];
    private final boolean[] ok = new boolean[WINDOW_CALLS];
    private int next;
    private int size;
    private int sinceRecompute;
    private long lastRecomputeNanos = Long.MIN_VALUE;
    /** When the oldest call in the window leaves it (clock nanos), or {@link Long#MAX_VALUE} when none is in it. */
    private long expiresAtNanos = Long.MAX_VALUE;

    /** The router's numbers are recomputed at least every this many calls... */
    static final int RECOMPUTE_EVERY = 8;
    /** ...and at least this often: 1 s. */
    static final long RECOMPUTE_NANOS = 1_000_000_000L;

    private LiveStats view = LiveStats.EMPTY;
    private boolean viewStale;
    /** Median latency of successful calls in nanoseconds, or -1 when unknown. */
    private volatile long latencyP50Nanos = -1;
    /** 95th percentile latency of successful calls in nanoseconds, or -1 when unknown. */
    private volatile long latencyP95Nanos = -1;
    /** 95th percentile time to first token in nanoseconds, or -1 when unknown. */
    private volatile long ttftP95Nanos = -1;
    private volatile double errorRate;
    /** Where the median latency is also published for the router, or null. */
    private final Health.LatencyTable table;
    private final int slot;

    /** Statistics that publish nothing beyond themselves. */
    public ModelStats() {
        this(null, -1);
    }

    ModelStats(Health.LatencyTable table, int slot) {
        this.table = table;
        this.slot = slot;
    }

    /** This model's index in its health's latency table, or -1. */
    int slot() {
        return slot;
    }

    /**
     * Records one finished call.
     *
     * @param nowNanos       when it finished, on the engine clock's time line
     * @param success        whether it produced an answer
     * @param latencyNanos   its whole duration
     * @param ttftNanos      its time to first token, or -1 for a non-streamed call
     * @param outputTokens   tokens it generated
     */
    public synchronized void record(long nowNanos, boolean success, long latencyNanos, long ttftNanos, long outputTokens) {
        at[next] = nowNanos;
        latency[next] = latencyNanos;
        ttft[next] = ttftNanos;
        long genNanos = ttftNanos >= 0 ? latencyNanos - ttftNanos : latencyNanos;
        tps[next] = success && outputTokens > 0 && genNanos > 0 ? outputTokens * 1e9 / genNanos : -1;
        ok[next] = success;
        next = (next + 1) % WINDOW_CALLS;
        if (size < WINDOW_CALLS) {
            size++;
        }
        viewStale = true;
        // Sorting the window on every call would cost microseconds per request: refresh the router's numbers
        // while the window is small, then every few calls or at least once a second.
        if (size <= RECOMPUTE_EVERY || ++sinceRecompute >= RECOMPUTE_EVERY
                || nowNanos - lastRecomputeNanos >= RECOMPUTE_NANOS) {
            recompute(nowNanos);
        }
    }

    private void recompute(long nowNanos) {
        sinceRecompute = 0;
        lastRecomputeNanos = nowNanos;
        viewStale = false;
        long[] lat = new long[size];
        long[] tt = new long[size];
        double[] rates = new double[size];
        int calls = 0;
        int errors = 0;
        int nLat = 0;
        int nTt = 0;
        int nRates = 0;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            if (nowNanos - at[i] > WINDOW_NANOS) {
                continue;
            }
            calls++;
            oldest = Math.min(oldest, at[i]);
            if (!ok[i]) {
                errors++;
                continue;
            }
            lat[nLat++] = latency[i];
            if (ttft[i] >= 0) {
                tt[nTt++] = ttft[i];
            }
            if (tps[i] >= 0) {
                rates[nRates++] = tps[i];
            }
        }
        Arrays.sort(lat, 0, nLat);
        Arrays.sort(tt, 0, nTt);
        Arrays.sort(rates, 0, nRates);
        double rate = calls == 0 ? 0 : (double) errors / calls;
        view = new LiveStats(calls, errors, rate, duration(tt, nTt, 0.50), duration(tt, nTt, 0.95),
                nRates == 0 ? 0 : rates[(nRates - 1) / 2], duration(lat, nLat, 0.50), duration(lat, nLat, 0.95),
                duration(lat, nLat, 0.99));
        latencyP50Nanos = nLat == 0 ? -1 : percentile(lat, nLat, 0.50);
        if (table != null) {
            table.publish(slot, latencyP50Nanos);
        }
        latencyP95Nanos = nLat == 0 ? -1 : percentile(lat, nLat, 0.95);
        ttftP95Nanos = nTt == 0 ? -1 : percentile(tt, nTt, 0.95);
        errorRate = rate;
        expiresAtNanos = calls == 0 ? Long.MAX_VALUE : oldest + WINDOW_NANOS;
        if (table != null && calls > 0) {
            table.expiresAt(expiresAtNanos);
        }
    }

    /**
     * Drops the calls that left the window by {@code nowNanos} from the router's numbers: without it they would stay
     * until the model's next call, which a model they rule out never gets.
     */
    synchronized void expire(long nowNanos) {
        if (nowNanos - expiresAtNanos > 0) {
            recompute(nowNanos);
        } else if (table != null && expiresAtNanos != Long.MAX_VALUE) {
            table.expiresAt(expiresAtNanos);
        }
    }

    private static Duration duration(long[] sorted, int n, double p) {
        return n == 0 ? null : Duration.ofNanos(percentile(sorted, n, p));
    }

    private static long percentile(long[] sorted, int n, double p) {
        int idx = (int) Math.ceil(p * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, idx))];
    }

    /** The statistics over the window as of the last recorded call (exact, computed on demand). */
    public synchronized LiveStats view() {
        if (viewStale) {
            recompute(at[(next + WINDOW_CALLS - 1) % WINDOW_CALLS]);
        }
        return view;
    }

    /** Median latency of successful calls in nanoseconds, or -1 when unknown. */
    public long latencyP50Nanos() {
        return latencyP50Nanos;
    }

    /** 95th percentile latency of successful calls in nanoseconds, or -1 when unknown. */
    public long latencyP95Nanos() {
        return latencyP95Nanos;
    }

    /** 95th percentile time to first token in nanoseconds, or -1 when unknown. */
    public long ttftP95Nanos() {
        return ttftP95Nanos;
    }

    public double errorRate() {
        return errorRate;
    }
}
