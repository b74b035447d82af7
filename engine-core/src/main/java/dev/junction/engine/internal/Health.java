package dev.junction.engine.internal;

import dev.junction.engine.CircuitConfig;

import java.time.Clock;
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

    public Health(CircuitConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public ModelStats stats(String modelId) {
        return stats.computeIfAbsent(modelId, k -> new ModelStats());
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
