package dev.junction.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.embeddings.quality.QualityWeights;
import dev.junction.spi.TaskCategory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer against Deeplearning4j itself: the head it exports must compute, in plain Java, what the trained graph
 * computes, and training must learn which model answers which prompts.
 */
class IrtTrainerTest {

    private static final int INPUTS = 12;
    private static final List<String> MODELS = List.of("first", "second");

    /** Model "first" answers prompts with x0 > 0, model "second" those with x1 + x2 > 0. */
    private static List<IrtTrainer.Example> examples(int n, long seed) {
        Random random = new Random(seed);
        List<IrtTrainer.Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[INPUTS];
            for (int j = 0; j < INPUTS; j++) {
                x[j] = (float) random.nextGaussian();
            }
            TaskCategory c = i % 3 == 0 ? TaskCategory.MATH : TaskCategory.GENERAL;
            examples.add(new IrtTrainer.Example(x, c, new float[] {x[0] > 0 ? 1 : 0, x[1] + x[2] > 0 ? 1 : 0}));
        }
        return examples;
    }

    @Test
    void theExportedHeadComputesWhatTheTrainedGraphComputes() {
        List<IrtTrainer.Example> train = examples(300, 1);
        IrtTrainer.Settings settings = new IrtTrainer.Settings(6, 3, 32, 1e-2, 1e-4, 42);
        ComputationGraph graph = IrtTrainer.fit("export", train, MODELS.size(), settings, null);
        QualityWeights.Head head = IrtTrainer.head(graph, "export", "test", train, MODELS, new float[] {1, 2});

        int categories = TaskCategory.values().length;
        for (IrtTrainer.Example e : examples(40, 2)) {
            float[] cat = new float[categories];
            cat[e.category().ordinal()] = 1;
            Map<String, INDArray> activations = graph.feedForward(new INDArray[] {
                    Nd4j.create(e.x(), new long[] {1, INPUTS}, 'c'), Nd4j.create(cat, new long[] {1, categories}, 'c')},
                    false);
            double z = activations.get("z").getDouble(0, 0);
            double ease = head.ease(e.x());
            assertEquals(z, ease, 1e-4 * Math.max(1, Math.abs(z)), "ease of the graph's z layer");
            for (int k = 0; k < MODELS.size(); k++) {
                double graphP = activations.get("out").getDouble(0, k);
                assertEquals(graphP, head.models().get(k).probability(e.category(), ease, e.x()), 1e-5,
                        "probability of model " + MODELS.get(k));
            }
        }
        // A category no training prompt had keeps the general category's ability, not an untrained weight.
        for (QualityWeights.ModelAbility m : head.models()) {
            float[] ability = m.abilityByCategory();
            assertEquals(ability[TaskCategory.GENERAL.ordinal()], ability[TaskCategory.CODING.ordinal()]);
            assertTrue(ability[TaskCategory.MATH.ordinal()] != ability[TaskCategory.GENERAL.ordinal()],
                    "a seen category has its own trained ability");
        }
        assertArrayEquals(new float[] {1, 2},
                new float[] {head.models().get(0).meanCostUsd(), head.models().get(1).meanCostUsd()});
    }

    @Test
    void trainingLearnsWhichModelAnswersWhichPrompts() {
        QualityWeights.Head head = IrtTrainer.train("learn", "test", examples(1_000, 3), MODELS, new float[2],
                new IrtTrainer.Settings(8, 10, 32, 1e-2, 1e-4, 42));
        // On prompts it never saw, each model's probability must rank the prompts it answers above those it does not.
        List<IrtTrainer.Example> heldOut = examples(400, 4);
        for (int k = 0; k < MODELS.size(); k++) {
            List<Double> answered = new ArrayList<>();
            List<Double> missed = new ArrayList<>();
            for (IrtTrainer.Example e : heldOut) {
                double p = head.models().get(k).probability(e.category(), head.ease(e.x()), e.x());
                (e.labels()[k] == 1 ? answered : missed).add(p);
            }
            double auc = auc(answered, missed);
            assertTrue(auc > 0.9, "model " + MODELS.get(k) + ": held-out AUC " + auc);
        }
        assertEquals(33, head.zQuantiles()[TaskCategory.MATH.ordinal()].length, "ease quantiles per category");
    }

    /** The share of (answered, missed) pairs ranked right, ties counting half. */
    private static double auc(List<Double> positives, List<Double> negatives) {
        double right = 0;
        for (double p : positives) {
            for (double n : negatives) {
                right += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return right / ((double) positives.size() * negatives.size());
    }
}
