package dev.junction.embeddings.quality;

import dev.junction.spi.TaskCategory;

/**
 * One head of {@link QualityWeights}, ready to evaluate: a prompt's ease from its embedding and text, and a trained
 * model's probability of answering well.
 *
 * <p>Stateless after construction and thread-safe; {@link #input} allocates two small arrays.
 */
public final class QualityHead {

    private final QualityWeights weights;
    private final QualityWeights.Head head;
    private final int dims;
    private final int inputs;

    public QualityHead(QualityWeights weights, String headName) {
        this.weights = weights;
        this.head = weights.head(headName);
        this.dims = weights.embeddingDims();
        this.inputs = weights.inputs();
    }

    public QualityWeights.Head head() {
        return head;
    }

    public QualityWeights weights() {
        return weights;
    }

    /**
     * The input vector of a prompt: its embedding, then its {@link PromptFeatures} standardized.
     *
     * @param embedding the prompt's embedding from {@link QualityWeights#embedderId()}; null or of another length uses the
     *                  training mean
     * @param text      the prompt's text, for {@link PromptFeatures}
     */
    public float[] input(float[] embedding, String text) {
        float[] x = input(embedding);
        PromptFeatures.extractStandardized(text, weights.featureMean(), weights.featureStd(), x, dims);
        return x;
    }

    /**
     * The input vector of a prompt whose text is not at hand: its embedding (null or of another length: the training
     * mean) with the training prompts' mean features, which are 0 once standardized.
     */
    float[] input(float[] embedding) {
        float[] x = new float[inputs];
        float[] e = embedding != null && embedding.length == dims ? embedding : weights.embeddingMean();
        System.arraycopy(e, 0, x, 0, dims);
        return x;
    }

    /**
     * The ease of an already assembled input vector (embedding then standardized features):
     * {@link QualityWeights.Head#ease}.
     */
    public double ease(float[] x) {
        return head.ease(x);
    }

    /**
     * The probability that trained model {@code m} answers well a prompt of ease {@code z} in category {@code c} with
     * input {@code x} (from {@link #input}): {@link QualityWeights.ModelAbility#probability}.
     */
    public double probability(QualityWeights.ModelAbility m, TaskCategory c, double z, float[] x) {
        return m.probability(c, z, x);
    }

    static double sigmoid(double t) {
        return 1 / (1 + Math.exp(-t));
    }
}
