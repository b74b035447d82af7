package dev.junction.engine;

import java.util.Objects;

/**
 * Why one candidate model was removed from a routing decision.
 *
 * @param modelId    {@code provider/model}
 * @param constraint the constraint that removed it (the first one it failed)
 * @param detail     the values involved, for a person (e.g. "estimated $0.042 > cap $0.010")
 */
public record Exclusion(String modelId, Constraint constraint, String detail) {
    public Exclusion {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(constraint, "constraint");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return modelId + ": " + constraint + " (" + detail + ")";
    }
}
