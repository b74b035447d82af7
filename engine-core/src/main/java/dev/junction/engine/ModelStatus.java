package dev.junction.engine;

import dev.junction.spi.ModelDescriptor;

import java.util.Objects;

/**
 * One row of the live matrix: a model's catalog facts and how it behaves right now.
 *
 * @param descriptor      the catalog's descriptor
 * @param configured      whether a provider client serves its provider
 * @param stats           live statistics over the sliding window
 * @param providerCircuit the state of the provider's circuit breaker
 * @param modelCircuit    the state of the model's own circuit breaker
 */
public record ModelStatus(ModelDescriptor descriptor, boolean configured, LiveStats stats,
                          CircuitState providerCircuit, CircuitState modelCircuit) {
    public ModelStatus {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(providerCircuit, "providerCircuit");
        Objects.requireNonNull(modelCircuit, "modelCircuit");
    }

    public String modelId() {
        return descriptor.id();
    }
}
