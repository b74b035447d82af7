package dev.junction.server.cli;

import dev.junction.embeddings.EmbeddingModel;
import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.embeddings.OnnxEmbedderConfig;
import dev.junction.embeddings.eval.CostQualityReport;
import dev.junction.embeddings.eval.RouteLlmData;
import dev.junction.embeddings.eval.RouterEvaluation;
import dev.junction.embeddings.eval.WideDataset;
import dev.junction.embeddings.quality.IrtQualityPredictor;
import dev.junction.embeddings.quality.PromptFeatures;
import dev.junction.embeddings.quality.QualityHead;
import dev.junction.embeddings.quality.QualityWeights;
import dev.junction.spi.TaskCategory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code junction eval-router}: the quality predictor's routing metrics on held-out data.
 *
 * <p>Thin: the evaluation lives in {@code dev.junction.embeddings.eval}.
 */
@Command(name = "eval-router", mixinStandardHelpOptions = true,
        description = {
            "Evaluates the router on held-out data.",
            "With --data: RouteLLM's APGR, CPT(50%%) and CPT(80%%) on MMLU and GSM8K (5-fold CV by prompt hash) and "
                    + "MT-Bench (out of distribution), beside random, oracle and RouteLLM's best published router.",
            "With --test: cost of the cheapest routing policy reaching 80/90/95/100%% of the best single model's "
                    + "quality on a RouterBench-style wide CSV (weights from the training module's Calibrate)."
        })
public final class EvalRouterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", description = "RouteLLM's evaluation folder, e.g. ../shared/eval/routellm")
    Path data;

    @Option(names = "--weights", description = "a quality-weights file (default: the shipped weights)")
    Path weights;

    @Option(names = "--test", description = "a wide CSV: prompt, M, M|total_cost per model M")
    Path test;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--threads", description = "threads embedding prompts in parallel (default: one per core)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((data == null) == (test == null)) {
            err.println("eval-router: give exactly one of --data DIR or --test FILE");
            return 2;
        }
        QualityWeights w = weights == null ? QualityWeights.loadDefault() : QualityWeights.read(weights);
        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom().model(modelFor(w.embedderId()))
                .memoMaxBytes(0).build())) {
            if (data != null) {
                ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
                try {
                    RouterEvaluation.Report report = RouterEvaluation.run(embedder, w, RouteLlmData.load(data), pool,
                            line -> err.println(line));
                    out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
                } finally {
                    pool.shutdown();
                }
            } else {
                WideDataset dataset = WideDataset.read(test);
                out.print(json ? routerBench(embedder, w, dataset).toJson() + System.lineSeparator()
                        : routerBench(embedder, w, dataset).toTable());
            }
        }
        out.flush();
        return 0;
    }

    private static CostQualityReport.Report routerBench(OnnxEmbedder embedder, QualityWeights w, WideDataset test) {
        QualityHead head = new QualityHead(w, IrtQualityPredictor.DEFAULT_HEAD);
        List<String> models = test.models();
        QualityWeights.ModelAbility[] abilities = new QualityWeights.ModelAbility[models.size()];
        double[] expectedCost = new double[models.size()];
        for (int k = 0; k < models.size(); k++) {
            abilities[k] = head.head().model(models.get(k));
            if (abilities[k] == null) {
                throw new IllegalArgumentException("the weights were not calibrated on model " + models.get(k)
                        + "; calibrated models: " + head.head().models().stream().map(QualityWeights.ModelAbility::name).toList());
            }
            expectedCost[k] = abilities[k].meanCostUsd();
        }
        if (java.util.Arrays.stream(expectedCost).allMatch(c -> c == 0)) {
            // Weights without costs: expect each model's mean cost in the test file (its price, in effect).
            for (double[] row : test.costs()) {
                for (int k = 0; k < row.length; k++) {
                    expectedCost[k] += row[k] / test.costs().length;
                }
            }
        }
        List<float[]> vectors = embedder.embedAll(test.prompts());
        double[][] predicted = new double[test.prompts().size()][models.size()];
        for (int i = 0; i < predicted.length; i++) {
            String prompt = test.prompts().get(i);
            float[] x = head.input(vectors.get(i), prompt);
            double z = head.ease(x);
            TaskCategory c = PromptFeatures.category(prompt, PromptFeatures.estimateTokens(prompt));
            for (int k = 0; k < models.size(); k++) {
                predicted[i][k] = head.probability(abilities[k], c, z, x);
            }
        }
        return CostQualityReport.of(test, predicted, expectedCost);
    }

    private static EmbeddingModel modelFor(String embedderId) {
        if (embedderId.equals(EmbeddingModel.ALL_MINILM_L6_V2_Q.id())) {
            return EmbeddingModel.ALL_MINILM_L6_V2_Q;
        }
        if (embedderId.equals(EmbeddingModel.BGE_SMALL_EN_V15_Q.id())) {
            return EmbeddingModel.BGE_SMALL_EN_V15_Q;
        }
        throw new IllegalArgumentException("the weights expect embedder " + embedderId + ", which is not bundled");
    }
}
