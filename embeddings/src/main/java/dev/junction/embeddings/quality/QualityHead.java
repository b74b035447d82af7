package dev.junction.embeddings.quality;

import dev.junction.embeddings.internal.Dot;
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
        float[] f = new float[PromptFeatures.COUNT];
        PromptFeatures.extract(text, f);
        float[] mean = weights.featureMean();
        float[] std = weights.featureStd();
        for (int i = 0; i < PromptFeatures.COUNT; i++) {
            x[dims + i] = (f[i] - mean[i]) / std[i];
        }
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

    /** The ease of an already assembled input vector (embedding then standardized features). */
    public double ease(float[] x) {
        float[] w1 = head.w1();
        float[] b1 = head.b1();
        float[] w2 = head.w2();
        double z = head.b2();
        for (int h = 0, off = 0; h < head.hidden(); h++, off += inputs) {
            float a = Dot.dot(w1, off, x, inputs) + b1[h];
            if (a > 0) {
                z += a * w2[h];
            }
        }
        return z;
    }

    /**
     * The probability that trained model {@code m} answers well a prompt of ease {@code z} in category {@code c} with
     * input {@code x} (from {@link #input}).
     */
    public double probability(QualityWeights.ModelAbility m, TaskCategory c, double z, float[] x) {
        return sigmoid(m.discrimination() * z + m.abilityByCategory()[c.ordinal()] + readOut(m, x));
    }

    /** {@code u_m · x}, model {@code m}'s own read-out of the input {@code x} (from {@link #input}); 0 for none. */
    double readOut(QualityWeights.ModelAbility m, float[] x) {
        float[] u = m.readOut();
        if (u.length == 0) {
            return 0;
        }
        if (x.length != inputs) {
            throw new IllegalArgumentException("input has " + x.length + " values, expected " + inputs);
        }
        return Dot.dot(u, 0, x, inputs);
    }

    static double sigmoid(double t) {
        return 1 / (1 + Math.exp(-t));
    }
}
