package dev.junction.server.runtime;

import dev.junction.spi.ChatRequest;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.TaskCategory;

/**
 * The predictor used when the trained one cannot load: every prompt is a GENERAL task of average difficulty, and a
 * model's predicted quality is its catalog score for GENERAL (else the mean of its scores, else 0.5).
 *
 * <p>Keeps the gateway serving, with coarser routing, while the embeddings module's weights are missing. Stateless
 * and thread-safe.
 */
final class FallbackQualityPredictor implements QualityPredictor {

    @Override
    public String embedderId() {
        return null; // reads no embedding
    }

    @Override
    public PromptAssessment assess(ChatRequest request, float[] embedding) {
        return new PromptAssessment(TaskCategory.GENERAL, 0, Math.max(1, request.lastUserText().length() / 4), embedding);
    }

    @Override
    public double predict(PromptAssessment prompt, ModelDescriptor model) {
        Double q = model.quality().get(prompt.category());
        if (q != null) {
            return q;
        }
        return model.quality().values().stream().mapToDouble(Double::doubleValue).average().orElse(0.5);
    }
}
