package dev.junction.engine;

import dev.junction.spi.ModelDescriptor;

import java.time.Duration;
import java.util.Objects;

/**
 * A feasible model with the router's estimates for the current request.
 *
 * @param model            the model
 * @param estimatedCostUsd input tokens times the input price plus expected output tokens times the output price
 * @param estimatedLatency the expected total latency, from live statistics (or a prior when none)
 * @param predictedQuality the predicted probability in [0, 1] of a good answer
 * @param score            the objective's score; candidates are ordered by it, highest first
 */
public record Candidate(ModelDescriptor model, double estimatedCostUsd, Duration estimatedLatency,
                        double predictedQuality, double score) {
    public Candidate {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(estimatedLatency, "estimatedLatency");
    }

    public String modelId() {
        return model.id();
    }
}
