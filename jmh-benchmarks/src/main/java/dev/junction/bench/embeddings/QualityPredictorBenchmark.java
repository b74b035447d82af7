package dev.junction.bench.embeddings;

import dev.junction.embeddings.quality.IrtQualityPredictor;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.TaskCategory;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

/**
 * The shipped quality predictor: {@code assess} (the head's matrix-vector product, Vector API or plain loop) and
 * {@code predict} for five candidate models; the whole routing-time cost of the predictor per request is
 * {@code assessAndPredictFive}. Baseline: {@code predictOne} (a model placed from its catalog score: a map lookup and
 * a sigmoid); {@code predictTrained} adds a trained model's read-out of the embedding and features (one 400-float dot
 * product).
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar 'bench.embeddings.QualityPredictorBenchmark' -f 1
 * -wi 3 -w 1s -i 5 -r 1s -rf json -rff target/jmh-predictor.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class QualityPredictorBenchmark {

    /** {@code false}: the Vector API; {@code true}: the plain loop (as on a JVM without the incubator module). */
    @Param({"false", "true"})
    String vectorDisabled;

    IrtQualityPredictor predictor;
    ChatRequest request;
    float[] embedding;
    List<ModelDescriptor> models;
    PromptAssessment assessed;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("junction.vector.disable", vectorDisabled);
        predictor = new IrtQualityPredictor();
        request = ChatRequest.ofUser("A train leaves at 3 pm going 60 miles per hour. When does it arrive 150 miles away?");
        Random r = new Random(1);
        embedding = new float[384];
        double n = 0;
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) r.nextGaussian();
            n += embedding[i] * embedding[i];
        }
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] /= (float) Math.sqrt(n);
        }
        models = List.of(model("gpt-4-1106-preview", 0.86), model("mistralai/Mixtral-8x7B-Instruct-v0.1", 0.7),
                model("cheap", 0.6), model("mid", 0.75), model("top", 0.9));
        assessed = predictor.assess(request, embedding);
        for (ModelDescriptor m : models) {
            predictor.predict(assessed, m);
        }
    }

    private static ModelDescriptor model(String name, double q) {
        return new ModelDescriptor("p", name, 128_000, 4096, new Prices(1, 2, 0), null, null, DataRetention.UNKNOWN,
                Map.of(TaskCategory.GENERAL, q, TaskCategory.MATH, q - 0.05));
    }

    @Benchmark
    public PromptAssessment assess() {
        return predictor.assess(request, embedding);
    }

    @Benchmark
    public double predictOne() {
        return predictor.predict(assessed, models.get(2));
    }

    @Benchmark
    public double predictTrained() {
        return predictor.predict(assessed, models.get(0));
    }

    @Benchmark
    public double assessAndPredictFive() {
        PromptAssessment a = predictor.assess(request, embedding);
        double s = 0;
        for (ModelDescriptor m : models) {
            s += predictor.predict(a, m);
        }
        return s;
    }
}
