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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * normalizing and locking are the embedder's overhead), plus tokenizing alone. MiniLM (quantized), window 512, memo
 * off; {@code threads} intra-op threads for both sessions, which otherwise take the embedder's session options
 * (one inter-op thread, {@code ALL_OPT}, ONNX Runtime's defaults for the rest).
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar 'bench.embeddings.EmbedderBenchmark' -f 1 -wi 3 -w 1s
 * -i 5 -r 1s -rf json -rff target/jmh-embedder.json}; the 1.05× target of single against bare:
 * {@code java -jar jmh-benchmarks/target/benchmarks.jar 'bench.embeddings.EmbedderBenchmark\.(embedSingle|bareSessionRun)'
 * -p tokens=16 -f 2 -wi 3 -w 2s -i 8 -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class EmbedderBenchmark {

    @Param({"16", "128", "512"})
    int tokens;

    @Param({"1"})
    int threads;

    OnnxEmbedder embedder;
    String text;
    long[] ids;
    OrtEnvironment env;
    OrtSession bare;
    LongBuffer bareIds;
    LongBuffer bareMask;
    LongBuffer bareTypes;
    FloatBuffer bareHidden;

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        embedder = new OnnxEmbedder(OnnxEmbedderConfig.custom().maxTokens(512).intraOpThreads(threads).memoMaxBytes(0)
                .build());
        text = BenchTexts.ofTokens(embedder, tokens);
        ids = embedder.tokenIds(text);
        env = OrtEnvironment.getEnvironment();
        // The embedder's session options, spelled out.
        try (InputStream in = EmbeddingModel.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx");
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            bare = env.createSession(in.readAllBytes(), options);
        }
        bareIds = direct(8 * 512).asLongBuffer();
        bareMask = direct(8 * 512).asLongBuffer();
        bareTypes = direct(8 * 512).asLongBuffer();
        bareHidden = direct(4 * 512 * 384).asFloatBuffer();
        for (int i = 0; i < 512; i++) {
            bareMask.put(i, 1L);
        }
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
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

    /**
     * Baseline: the same ids through a bare session, as cheaply as a caller can: the ids copied into a reused direct
     * buffer (mask and token types prepared once), tensors over those buffers, the output pinned to a reused direct
     * buffer, so neither side is copied.
     */
    @Benchmark
    public FloatBuffer bareSessionRun() throws OrtException {
        int n = ids.length;
        long[] shape = {1, n};
        bareIds.put(0, ids);
        try (OnnxTensor i = OnnxTensor.createTensor(env, bareIds.slice(0, n), shape);
             OnnxTensor m = OnnxTensor.createTensor(env, bareMask.slice(0, n), shape);
             OnnxTensor t = OnnxTensor.createTensor(env, bareTypes.slice(0, n), shape);
             OnnxTensor h = OnnxTensor.createTensor(env, bareHidden.slice(0, n * 384), new long[] {1, n, 384})) {
            bare.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t), Set.of(),
                    Map.of("last_hidden_state", h)).close();
            return bareHidden;
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
