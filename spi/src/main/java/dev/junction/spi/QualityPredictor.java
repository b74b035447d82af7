package dev.junction.spi;

/**
 * Predicts, for a prompt, the probability that each candidate model answers it well.
 *
 * <p>Called on every routed request: {@link #assess} once, then {@link #predict} per candidate, so both must take
 * microseconds. Thread-safe.
 */
public interface QualityPredictor {

    /**
     * The {@link Embedder#modelId()} whose vectors {@link #assess} was trained on, or null when it reads no embedding.
     * The engine refuses an embedder that gives other vectors: they can have the same length and mean nothing to it.
     */
    String embedderId();

    /**
     * Reads the prompt once.
     *
     * @param request   the request being routed
     * @param embedding the embedding of its prompt text, or null when no embedder is configured
     */
    PromptAssessment assess(ChatRequest request, float[] embedding);

    /** The probability in [0, 1] that {@code model} answers the assessed prompt well. */
    double predict(PromptAssessment prompt, ModelDescriptor model);
}
