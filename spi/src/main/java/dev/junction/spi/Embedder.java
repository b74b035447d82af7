package dev.junction.spi;

import java.util.List;

/**
 * Turns text into an L2-normalized vector whose dot product with another measures semantic similarity.
 *
 * <p>Implementations are thread-safe and own native resources: close them; calls after close throw
 * {@link IllegalStateException}.
 */
public interface Embedder extends AutoCloseable {

    /** A stable id of the model and its pooling, e.g. {@code all-minilm-l6-v2-q}; cache namespaces include it. */
    String modelId();

    /** The vectors' length. */
    int dimensions();

    /** Embeds one text. */
    float[] embed(String text);

    /** Embeds several texts, in order. */
    List<float[]> embedAll(List<String> texts);

    @Override
    void close();
}
