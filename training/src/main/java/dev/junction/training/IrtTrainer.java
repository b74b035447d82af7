package dev.junction.training;

import dev.junction.embeddings.quality.PromptFeatures;
import dev.junction.embeddings.quality.QualityWeights;
import dev.junction.spi.TaskCategory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ObjIntConsumer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Trains one head of the item-response quality model with Deeplearning4j.
 *
 * <p>Graph: {@code x} (embedding + standardized features) → dense ReLU ({@code hidden}) → dense identity, one unit
 * ({@code z}, the prompt's ease) → merged with the prompt's one-hot task category and {@code x} again → sigmoid
 * output, one unit per model, cross-entropy against the observed quality (0/1, or a score in [0, 1]). The output
 * layer's weight on {@code z} is the model's discrimination {@code a_m}; its weight on category {@code c} plus its bias
 * is the ability {@code b_m,c}; its weights on {@code x} are the model's own read-out {@code u_m}. Without it
 * every model sees a prompt only through the one shared ease, which cannot tell where one model beats another: the
 * read-out is what ranks prompts for routing (held-out MMLU APGR 0.537 without it).
 * The trained parameters are copied into a {@link QualityWeights.Head} that the runtime evaluates in plain Java.
 */
final class IrtTrainer {

    /** Training settings. */
    record Settings(int hidden, int epochs, int batchSize, double learningRate, double l2, long seed) {
        static Settings defaults() {
            return new Settings(32, 12, 128, 1e-3, 1e-4, 42);
        }
    }

    /** One training example. */
    record Example(float[] x, TaskCategory category, float[] labels) {
    }

    private IrtTrainer() {
    }

    static QualityWeights.Head train(String name, String trainedOn, List<Example> examples, List<String> models,
                                     float[] meanCosts, Settings s) {
        return train(name, trainedOn, examples, models, meanCosts, s, null);
    }

    /**
     * Trains a head; {@code afterEpoch}, when not null, receives after each epoch the head as it stands (without ease
     * quantiles) and the epoch number from 1, e.g. to pick the number of epochs on a validation split.
     */
    static QualityWeights.Head train(String name, String trainedOn, List<Example> examples, List<String> models,
                                     float[] meanCosts, Settings s, ObjIntConsumer<QualityWeights.Head> afterEpoch) {
        ComputationGraph graph = fit(name, examples, models.size(), s, afterEpoch == null ? null : (g, epoch) ->
                afterEpoch.accept(head(g, name, trainedOn, examples, models, meanCosts), epoch));
        QualityWeights.Head provisional = head(graph, name, trainedOn, examples, models, meanCosts);
        return new QualityWeights.Head(name, trainedOn, provisional.hidden(), provisional.w1(), provisional.b1(),
                provisional.w2(), provisional.b2(), provisional.models(), quantiles(provisional, examples));
    }

    /**
     * Fits the graph to {@code examples} ({@code m} labels each), printing each epoch's loss under {@code name};
     * {@code afterEpoch}, when not null, sees the graph after each epoch and the epoch number from 1.
     */
    static ComputationGraph fit(String name, List<Example> examples, int m, Settings s,
                                ObjIntConsumer<ComputationGraph> afterEpoch) {
        int categories = TaskCategory.values().length;
        int inputs = examples.get(0).x().length;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(s.seed())
                .updater(new Adam(s.learningRate()))
                .l2(s.l2())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("x", "cat")
                .addLayer("hidden", new DenseLayer.Builder().nIn(inputs).nOut(s.hidden()).activation(Activation.RELU).build(), "x")
                .addLayer("z", new DenseLayer.Builder().nIn(s.hidden()).nOut(1).activation(Activation.IDENTITY).build(), "hidden")
                .addVertex("zc", new MergeVertex(), "z", "cat", "x")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(1 + categories + inputs).nOut(m)
                        .activation(Activation.SIGMOID).build(), "zc")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();

        Random random = new Random(s.seed());
        int[] order = new int[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double loss = 0;
            int batches = 0;
            for (int from = 0; from < order.length; from += s.batchSize()) {
                int to = Math.min(order.length, from + s.batchSize());
                graph.fit(batch(examples, order, from, to));
                loss += graph.score();
                batches++;
            }
            System.out.printf("  %s epoch %d: loss %.4f%n", name, epoch + 1, loss / batches);
            if (afterEpoch != null) {
                afterEpoch.accept(graph, epoch + 1);
            }
        }
        return graph;
    }

    /**
     * The graph's parameters as a head, without ease quantiles. A task category none of {@code examples} has takes
     * the general category's ability (its one-hot input never fired, so its weight is untrained).
     */
    static QualityWeights.Head head(ComputationGraph graph, String name, String trainedOn, List<Example> examples,
                                    List<String> models, float[] meanCosts) {
        int categories = TaskCategory.values().length;
        int inputs = examples.get(0).x().length;
        int hidden = (int) graph.getLayer("z").getParam("W").size(0);
        int m = models.size();
        boolean[] seen = new boolean[categories];
        for (Example e : examples) {
            seen[e.category().ordinal()] = true;
        }
        INDArray w1 = graph.getLayer("hidden").getParam("W"); // [inputs, hidden]
        // Biases are rank-1 in DL4J 1.0.0-M2: read them by linear index (getFloat(0, h) on a rank-1 array gives b[0]).
        INDArray b1 = graph.getLayer("hidden").getParam("b");
        INDArray w2 = graph.getLayer("z").getParam("W"); // [hidden, 1]
        INDArray b2 = graph.getLayer("z").getParam("b");
        INDArray wo = graph.getLayer("out").getParam("W"); // [1 + C + inputs, M]
        INDArray bo = graph.getLayer("out").getParam("b");
        float[] w1RowMajor = new float[hidden * inputs];
        for (int h = 0; h < hidden; h++) {
            for (int i = 0; i < inputs; i++) {
                w1RowMajor[h * inputs + i] = w1.getFloat(i, h);
            }
        }
        float[] b1a = new float[hidden];
        float[] w2a = new float[hidden];
        for (int h = 0; h < hidden; h++) {
            b1a[h] = b1.getFloat(h);
            w2a[h] = w2.getFloat(h, 0);
        }
        List<QualityWeights.ModelAbility> abilities = new ArrayList<>();
        int general = TaskCategory.GENERAL.ordinal();
        for (int k = 0; k < m; k++) {
            float[] ability = new float[categories];
            for (int c = 0; c < categories; c++) {
                int src = seen[c] ? c : general;
                ability[c] = wo.getFloat(1 + src, k) + bo.getFloat(k);
            }
            float[] readOut = new float[inputs];
            for (int i = 0; i < inputs; i++) {
                readOut[i] = wo.getFloat(1 + categories + i, k);
            }
            abilities.add(new QualityWeights.ModelAbility(models.get(k), wo.getFloat(0, k), ability, meanCosts[k], readOut));
        }
        return new QualityWeights.Head(name, trainedOn, hidden, w1RowMajor, b1a, w2a, b2.getFloat(0), abilities,
                new float[categories][0]);
    }

    static MultiDataSet batch(List<Example> examples, int[] order, int from, int to) {
        int categories = TaskCategory.values().length;
        int inputs = examples.get(0).x().length;
        int m = examples.get(0).labels().length;
        int n = to - from;
        float[] x = new float[n * inputs];
        float[] cat = new float[n * categories];
        float[] y = new float[n * m];
        for (int r = 0; r < n; r++) {
            Example ex = examples.get(order[from + r]);
            System.arraycopy(ex.x(), 0, x, r * inputs, inputs);
            cat[r * categories + ex.category().ordinal()] = 1;
            System.arraycopy(ex.labels(), 0, y, r * m, m);
        }
        return new MultiDataSet(
                new INDArray[] {Nd4j.create(x, new long[] {n, inputs}, 'c'), Nd4j.create(cat, new long[] {n, categories}, 'c')},
                new INDArray[] {Nd4j.create(y, new long[] {n, m}, 'c')});
    }

    /** 33 quantiles of the head's ease over its training prompts, per category (all prompts for unseen ones). */
    private static float[][] quantiles(QualityWeights.Head head, List<Example> examples) {
        int categories = TaskCategory.values().length;
        List<List<Float>> byCategory = new ArrayList<>();
        for (int c = 0; c < categories; c++) {
            byCategory.add(new ArrayList<>());
        }
        List<Float> all = new ArrayList<>();
        for (Example e : examples) {
            float z = (float) head.ease(e.x());
            byCategory.get(e.category().ordinal()).add(z);
            all.add(z);
        }
        float[][] q = new float[categories][];
        for (int c = 0; c < categories; c++) {
            q[c] = quantiles(byCategory.get(c).size() >= 20 ? byCategory.get(c) : all);
        }
        return q;
    }

    private static float[] quantiles(List<Float> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        Arrays.sort(v);
        float[] q = new float[33];
        for (int i = 0; i < q.length; i++) {
            q[i] = v[(int) Math.round((double) i / (q.length - 1) * (v.length - 1))];
        }
        return q;
    }

    /** Assembles an input vector: the embedding, then the standardized features of {@code text}. */
    static float[] input(float[] embedding, String text, float[] featureMean, float[] featureStd) {
        float[] x = new float[embedding.length + PromptFeatures.COUNT];
        System.arraycopy(embedding, 0, x, 0, embedding.length);
        PromptFeatures.extractStandardized(text, featureMean, featureStd, x, embedding.length);
        return x;
    }

    /** Per-feature mean and standard deviation over {@code texts}: {@code [mean, std]}. */
    static float[][] featureStats(List<String> texts) {
        int k = PromptFeatures.COUNT;
        double[] sum = new double[k];
        double[] sq = new double[k];
        float[] f = new float[k];
        for (String t : texts) {
            PromptFeatures.extract(t, f);
            for (int i = 0; i < k; i++) {
                sum[i] += f[i];
                sq[i] += (double) f[i] * f[i];
            }
        }
        float[] mean = new float[k];
        float[] std = new float[k];
        for (int i = 0; i < k; i++) {
            double mu = sum[i] / texts.size();
            mean[i] = (float) mu;
            std[i] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[i] / texts.size() - mu * mu)));
        }
        return new float[][] {mean, std};
    }
}
