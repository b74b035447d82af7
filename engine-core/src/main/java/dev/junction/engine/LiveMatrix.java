package dev.junction.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the catalog snapshot in force and every model's live statistics and circuit state.
 *
 * @param version  the catalog snapshot's version, incremented on every successful refresh
 * @param loadedAt when the snapshot was built
 * @param models   one row per model, sorted by {@code provider/model}
 */
public record LiveMatrix(long version, Instant loadedAt, List<ModelStatus> models) {
    public LiveMatrix {
        models = List.copyOf(models);
    }

    /** The row of {@code provider/model}, if the catalog has it. */
    public Optional<ModelStatus> model(String modelId) {
        for (ModelStatus m : models) {
            if (m.modelId().equals(modelId)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
