package dev.junction.spi;

import java.util.Objects;

/**
 * What a {@link QualityPredictor} read from a prompt, once per request, before scoring candidate models.
 *
 * @param category    the prompt's task category
 * @param difficulty  how hard it is, on the predictor's ability scale (higher is harder)
 * @param inputTokens the estimated prompt length in tokens
 * @param embedding   the prompt's embedding, or null when no embedder is configured
 */
public record PromptAssessment(TaskCategory category, double difficulty, int inputTokens, float[] embedding) {
    public PromptAssessment {
        Objects.requireNonNull(category, "category");
        if (Double.isNaN(difficulty)) {
            throw new IllegalArgumentException("difficulty is NaN");
        }
    }
}
