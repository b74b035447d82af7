package dev.junction.spi;

import java.util.Objects;

/**
 * What a {@link QualityPredictor} read from a prompt, once per request, before scoring candidate models.
 *
 * @param category    the prompt's task category
 * @param difficulty  how hard it is, on the predictor's ability scale (higher is harder)
 * @param inputTokens the estimated prompt length in tokens
 * @param embedding   the prompt's embedding, or null when no embedder is configured
 * @param predictorInput what the predictor that made this assessment reads of the prompt when it scores a model (e.g.
 *                    the embedding and text features), opaque to everyone else; null when it needs nothing more
 */
public record PromptAssessment(TaskCategory category, double difficulty, int inputTokens, float[] embedding,
                               float[] predictorInput) {
    public PromptAssessment {
        Objects.requireNonNull(category, "category");
        if (Double.isNaN(difficulty)) {
            throw new IllegalArgumentException("difficulty is NaN");
        }
    }

    /** An assessment without a predictor input of its own. */
    public PromptAssessment(TaskCategory category, double difficulty, int inputTokens, float[] embedding) {
        this(category, difficulty, inputTokens, embedding, null);
    }
}
