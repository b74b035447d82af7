package dev.junction.bench.embeddings;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.junction.embeddings.EmbeddingModel;
import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.embeddings.OnnxEmbedderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code OnnxEmbedder} against a bare {@code OrtSession.run} on the same token ids (the baseline: tokenizing, pooling,
 * normalizing and locking are the embedder's overhead), plus tokenizing alone. MiniLM (quantized), one intra-op
 * thread, window 512, memo off.
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar 'bench.embeddings.EmbedderBenchmark' -f 1 -wi 3 -w 1s
 * -i 5 -r 1s -rf json -rff target/jmh-embedder.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class EmbedderBenchmark {

    @Param({"16", "128", "512"})
    int tokens;

    OnnxEmbedder embedder;
    String text;
    long[] ids;
    OrtEnvironment env;
    OrtSession bare;

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom().maxTokens(512).memoMaxBytes(0).build());
        text = BenchTexts.ofTokens(embedder, tokens);
        ids = embedder.tokenIds(text);
        env = OrtEnvironment.getEnvironment();
        try (InputStream in = EmbeddingModel.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx");
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            bare = env.createSession(in.readAllBytes(), options);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        embedder.close();
        bare.close();
    }

    @Benchmark
    public long[] tokenize() {
        return embedder.tokenIds(text);
    }

    @Benchmark
    public float[] embedSingle() {
        return embedder.embed(text);
    }

    /** Baseline: the same ids through a bare session, output copied out as the embedder does. */
    @Benchmark
    public FloatBuffer bareSessionRun() throws OrtException {
        long[] shape = {1, ids.length};
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(mask, 1L);
        try (OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape);
             OrtSession.Result r = bare.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t),
                     Set.of("last_hidden_state"))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer();
        }
    }

    /**
     * Eight 128-token prompts through {@code embedAll}: one by one (the default, {@code maxBatch} 1) or as one batch.
     *
     * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar 'bench.embeddings.EmbedderBenchmark.Batch' -f 1
     * -wi 3 -w 1s -i 5 -r 1s}
     */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
    public static class Batch {

        @Param({"1", "8"})
        int maxBatch;

        OnnxEmbedder embedder;
        List<String> texts;

        @Setup(Level.Trial)
        public void setUp() {
            embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom().memoMaxBytes(0).maxBatch(maxBatch).build());
            String base = BenchTexts.ofTokens(embedder, 120);
            texts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                texts.add(base + " variant " + i);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            embedder.close();
        }

        @Benchmark
        public List<float[]> embedAllEight() {
            return embedder.embedAll(texts);
        }
    }
}
