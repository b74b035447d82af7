package dev.junction.engine.internal;

import dev.junction.spi.CacheStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The engine's Micrometer meters, created once per provider/model and outcome and then reused, so recording a
 * request costs a map look-up and a few increments.
 *
 * <p>Meters: {@code junction.requests} (provider, model, cache, outcome), {@code junction.cost} (USD),
 * {@code junction.tokens} (type input/output), {@code junction.latency} (timer), {@code junction.cache.hits}
 * (tier), {@code junction.failovers} (from provider/model to provider/model), {@code junction.attempts}
 * (provider, model, outcome). Thread-safe.
 */
public final class EngineMetrics {
    private final MeterRegistry registry;
    private final ConcurrentMap<String, ModelMeters> byModel = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> other = new ConcurrentHashMap<>();

    public EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Meters of one provider/model (provider "none" for cache hits and failures before any call). */
    final class ModelMeters {
        final Counter success;
        final Counter failure;
        final Counter cost;
        final Counter inputTokens;
        final Counter outputTokens;
        final Timer latency;
        final Counter attemptOk;
        final Counter attemptFailed;

        ModelMeters(String provider, String model) {
            success = Counter.builder("junction.requests").description("Requests answered or failed")
                    .tags("provider", provider, "model", model, "outcome", "success").register(registry);
            failure = Counter.builder("junction.requests").description("Requests answered or failed")
                    .tags("provider", provider, "model", model, "outcome", "error").register(registry);
            cost = Counter.builder("junction.cost").baseUnit("usd").description("Actual cost from reported usage")
                    .tags("provider", provider, "model", model).register(registry);
            inputTokens = Counter.builder("junction.tokens").tags("provider", provider, "model", model, "type", "input")
                    .register(registry);
            outputTokens = Counter.builder("junction.tokens").tags("provider", provider, "model", model, "type", "output")
                    .register(registry);
            latency = Timer.builder("junction.latency").description("Whole request latency")
                    .tags("provider", provider, "model", model).register(registry);
            attemptOk = Counter.builder("junction.attempts").tags("provider", provider, "model", model, "outcome", "success")
                    .register(registry);
            attemptFailed = Counter.builder("junction.attempts").tags("provider", provider, "model", model, "outcome", "error")
                    .register(registry);
        }
    }

    ModelMeters model(String provider, String model) {
        String key = provider + '/' + model;
        ModelMeters m = byModel.get(key);
        return m != null ? m : byModel.computeIfAbsent(key, k -> new ModelMeters(provider, model));
    }

    /** Records one finished request. */
    public void request(String provider, String model, boolean success, long latencyNanos, long inTokens,
                        long outTokens, double costUsd) {
        ModelMeters m = model(provider, model);
        (success ? m.success : m.failure).increment();
        m.latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        if (inTokens > 0) {
            m.inputTokens.increment(inTokens);
        }
        if (outTokens > 0) {
            m.outputTokens.increment(outTokens);
        }
        if (costUsd > 0) {
            m.cost.increment(costUsd);
        }
    }

    /** Records the estimated prompt cost of a call cancelled after it was sent (see {@code Engine.chargeCancelled}). */
    public void cancelled(String provider, String model, long inTokens, double costUsd) {
        ModelMeters m = model(provider, model);
        if (inTokens > 0) {
            m.inputTokens.increment(inTokens);
        }
        if (costUsd > 0) {
            m.cost.increment(costUsd);
        }
    }

    public void attempt(String provider, String model, boolean success) {
        ModelMeters m = model(provider, model);
        (success ? m.attemptOk : m.attemptFailed).increment();
    }

    public void cacheHit(CacheStatus status) {
        counter("junction.cache.hits", "tier", status == CacheStatus.EXACT_HIT ? "exact" : "semantic").increment();
    }

    public void failover(String fromProvider, String fromModel, String toProvider, String toModel) {
        counter("junction.failovers", "from_provider", fromProvider, "from_model", fromModel,
                "to_provider", toProvider, "to_model", toModel).increment();
    }

    private Counter counter(String name, String... tags) {
        String key = name + String.join("|", tags);
        Counter c = other.get(key);
        return c != null ? c : other.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
    }
}
