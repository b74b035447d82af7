package dev.junction.server.cli;

import dev.junction.cache.eval.CacheEvaluation;
import dev.junction.embeddings.EmbeddingModel;
import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.embeddings.OnnxEmbedderConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code junction eval-cache}: the semantic cache's hit precision on public data.
 *
 * <p>Thin: the evaluation lives in {@code dev.junction.cache.eval.CacheEvaluation}.
 */
@Command(name = "eval-cache", mixinStandardHelpOptions = true,
        description = {
            "Evaluates the semantic cache's hit decision with the local ONNX embedder.",
            "1. GPTCache's benchmark (999 paraphrase pairs) through a real cache, beside GPTCache's published rows,",
            "   and whether any threshold, guard setting and ambiguity margin beats every published row at once;",
            "2. Quora pairs: precision, recall, wrong-hit rate on half B, threshold calibrated on half A;",
            "3. negation pairs: share served as hits with and without the guard."
        })
public final class EvalCacheCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "the semantic-cache folder, e.g. ../shared/eval/semantic-cache")
    Path data;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--qqp-pairs", defaultValue = "0",
            description = "Quora pairs per half (0 = all 80,854 pairs: about 150,000 texts to embed; default ${DEFAULT-VALUE})")
    int qqpPairs;

    @Option(names = "--threads", description = "embedding threads (default: available processors)")
    Integer threads;

    @Option(names = "--model", defaultValue = "minilm", description = "embedder: minilm or bge (default ${DEFAULT-VALUE})")
    String model;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(data)) {
            err.println("eval-cache: no such folder " + data);
            return 2;
        }
        EmbeddingModel m = switch (model) {
            case "minilm" -> EmbeddingModel.ALL_MINILM_L6_V2_Q;
            case "bge" -> EmbeddingModel.BGE_SMALL_EN_V15_Q;
            default -> null;
        };
        if (m == null) {
            err.println("eval-cache: --model must be minilm or bge, was " + model);
            return 2;
        }
        if (qqpPairs < 0 || (threads != null && threads < 1)) {
            err.println("eval-cache: " + (qqpPairs < 0 ? "--qqp-pairs must be >= 0 (0 = all), was " + qqpPairs
                    : "--threads must be >= 1, was " + threads));
            return 2;
        }
        CacheEvaluation.Options options = new CacheEvaluation.Options(qqpPairs,
                threads != null ? threads : CacheEvaluation.Options.defaults().threads());
        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom().model(m).memoMaxBytes(0).build())) {
            CacheEvaluation.Report report = CacheEvaluation.run(embedder, data, options, line -> {
                err.println(line);
                err.flush();
            });
            out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
        }
        out.flush();
        return 0;
    }
}
