package dev.junction.embeddings.quality;

import dev.junction.spi.TaskCategory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small hand-made weights for tests. */
public final class TestWeights {

    private TestWeights() {
    }

    /**
     * Weights over {@code dims}-dimension embeddings whose heads set the ease to {@code scale * embedding[0]}, with the
     * given heads and a weak (ability -1) and strong (ability +1) model of discrimination 1.
     */
    public static QualityWeights linearOnFirstDimension(String embedderId, int dims, double scale, List<String> headNames,
                                                        String weak, String strong) {
        int inputs = dims + PromptFeatures.COUNT;
        List<QualityWeights.Head> heads = new ArrayList<>();
        int categories = TaskCategory.values().length;
        for (String name : headNames) {
            // hidden unit 0 = relu(x0), unit 1 = relu(-x0): z = scale * (unit0 - unit1) = scale * x0.
            float[] w1 = new float[2 * inputs];
            w1[0] = 1;
            w1[inputs] = -1;
            float[][] q = new float[categories][];
            for (int c = 0; c < categories; c++) {
                q[c] = new float[] {-2, -1, 0, 1, 2};
            }
            heads.add(new QualityWeights.Head(name, "test " + name, 2, w1, new float[2],
                    new float[] {(float) scale, (float) -scale}, 0f,
                    List.of(model(weak, -1), model(strong, 1)), q));
        }
        float[] std = new float[PromptFeatures.COUNT];
        java.util.Arrays.fill(std, 1);
        return new QualityWeights(embedderId, dims, new float[dims], new float[PromptFeatures.COUNT], std,
                dev.junction.embeddings.eval.Folds.RULE, heads);
    }

    /** The same weights with {@code model}'s read-out set to {@code u} in every head. */
    public static QualityWeights withReadOut(QualityWeights w, String model, float[] u) {
        List<QualityWeights.Head> heads = new ArrayList<>();
        for (QualityWeights.Head h : w.heads()) {
            List<QualityWeights.ModelAbility> models = new ArrayList<>();
            for (QualityWeights.ModelAbility m : h.models()) {
                models.add(m.name().equals(model) ? new QualityWeights.ModelAbility(m.name(), m.discrimination(),
                        m.abilityByCategory(), m.meanCostUsd(), u) : m);
            }
            heads.add(new QualityWeights.Head(h.name(), h.trainedOn(), h.hidden(), h.w1(), h.b1(), h.w2(), h.b2(), models,
                    h.zQuantiles()));
        }
        return new QualityWeights(w.embedderId(), w.embeddingDims(), w.embeddingMean(), w.featureMean(), w.featureStd(),
                w.foldRule(), heads);
    }

    static QualityWeights.ModelAbility model(String name, float ability) {
        float[] b = new float[TaskCategory.values().length];
        java.util.Arrays.fill(b, ability);
        return new QualityWeights.ModelAbility(name, 1f, b, 0.001f, new float[0]);
    }

    /** Random weights with every field populated, for round trips. */
    public static QualityWeights random(long seed) {
        Random r = new Random(seed);
        int dims = 16;
        int hidden = 3;
        int inputs = dims + PromptFeatures.COUNT;
        int categories = TaskCategory.values().length;
        List<QualityWeights.Head> heads = new ArrayList<>();
        for (String name : List.of("default", "fold-0")) {
            float[][] q = new float[categories][];
            for (int c = 0; c < categories; c++) {
                q[c] = floats(r, c + 1);
            }
            heads.add(new QualityWeights.Head(name, "trained on " + name, hidden, floats(r, hidden * inputs),
                    floats(r, hidden), floats(r, hidden), r.nextFloat(),
                    List.of(new QualityWeights.ModelAbility("a/model-ä", r.nextFloat(), floats(r, categories), 0.5f,
                                    floats(r, inputs)),
                            new QualityWeights.ModelAbility("b", r.nextFloat(), floats(r, categories), 0f, new float[0])), q));
        }
        return new QualityWeights("embedder-x", dims, floats(r, dims), floats(r, PromptFeatures.COUNT),
                floats(r, PromptFeatures.COUNT), "rule", heads);
    }

    private static float[] floats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
