package dev.junction.engine.internal;

import dev.junction.engine.CircuitConfig;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live statistics and circuit breakers of every provider and model, kept across catalog snapshots.
 *
 * <p>Thread-safe. Also holds each provider's Retry-After cool-down.
 */
public final class Health {
    private final CircuitConfig config;
    private final Clock clock;
    private final ConcurrentMap<String, ModelStats> stats = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Circuit> providerCircuits = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Circuit> modelCircuits = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Long> coolDownUntilNanos = new ConcurrentHashMap<>();
    /** The latest end of an open period of any of these circuits (clock millis). */
    private final AtomicLong circuitsOpenUntil = new AtomicLong();
    private final LatencyTable latencies = new LatencyTable();

    public Health(CircuitConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public ModelStats stats(String modelId) {
        return stats.computeIfAbsent(modelId, k -> new ModelStats(latencies, latencies.newSlot()));
    }

    public Circuit providerCircuit(String provider) {
        return providerCircuits.computeIfAbsent(provider, p -> new Circuit("provider:" + p, config, clock,
                circuitsOpenUntil));
    }

    public Circuit modelCircuit(String modelId) {
        return modelCircuits.computeIfAbsent(modelId, m -> new Circuit("model:" + m, config, clock, circuitsOpenUntil));
    }

    /**
     * Whether any circuit of this health may refuse at {@code nowMillis}; false means none does, so the router can
     * skip the per-model circuit checks.
     */
    public boolean anyCircuitRefusing(long nowMillis) {
        return nowMillis < circuitsOpenUntil.get();
    }

    /**
     * Recomputes the router's numbers of the models whose oldest call left its window by now: one read when none
     * did. The router calls it before each selection.
     */
    public void expireStats(long nowMillis) {
        AtomicLong expiresAt = latencies.expiresAt;
        if (nowMillis * 1_000_000L <= expiresAt.get()) {
            return;
        }
        expiresAt.set(Long.MAX_VALUE);
        long now = Dispatcher.nanos(clock);
        for (ModelStats s : stats.values()) {
            s.expire(now);
        }
    }

    /**
     * Every model's median latency (nanoseconds, -1 when unknown) by {@link ModelStats} slot, in one array: the
     * router reads it sequentially instead of visiting each model's statistics object. A slot is always inside the
     * array returned after the slot's statistics were created.
     *
     * <p>Read it with plain loads: values are written with release semantics under the table's lock, a reader may
     * see a value one update late, and a {@code long} element is never torn on the 64-bit JVMs Junction runs on
     * (its native dependencies exist only for 64-bit). An atomic or opaque read per model kept the JIT from
     * scheduling the router's loop and cost it about a tenth of its time.
     */
    long[] latencyP50BySlot() {
        return latencies.values;
    }

    /** The router's copy of each model's median latency; grows under its lock, read without one. */
    static final class LatencyTable {
        private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);
        private volatile long[] values = filled(64);
        private int size;
        /** The earliest time (clock nanos) a call leaves some model's window. */
        final AtomicLong expiresAt = new AtomicLong(Long.MAX_VALUE);

        private static long[] filled(int n) {
            long[] a = new long[n];
            Arrays.fill(a, -1);
            return a;
        }

        synchronized int newSlot() {
            long[] v = values;
            if (size == v.length) {
                long[] grown = filled(v.length * 2);
                System.arraycopy(v, 0, grown, 0, size);
                values = grown;
            }
            return size++;
        }

        synchronized void publish(int slot, long value) {
            ELEMENT.setRelease(values, slot, value);
        }

        void expiresAt(long nanos) {
            expiresAt.accumulateAndGet(nanos, Math::min);
        }
    }

    /** Do not call {@code provider} before this time (a Retry-After it sent). */
    public void coolDown(String provider, long untilNanos) {
        coolDownUntilNanos.merge(provider, untilNanos, Math::max);
    }

    /** The end of the provider's cool-down in clock nanos, or {@link Long#MIN_VALUE} when there is none. */
    public long coolDownUntil(String provider) {
        Long until = coolDownUntilNanos.get(provider);
        return until == null ? Long.MIN_VALUE : until;
    }
}
