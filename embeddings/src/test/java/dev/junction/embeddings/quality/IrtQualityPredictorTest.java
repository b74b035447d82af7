package dev.junction.embeddings.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.TaskCategory;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class IrtQualityPredictorTest {

    static final String WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1";
    static final String STRONG = "gpt-4-1106-preview";

    final IrtQualityPredictor predictor = new IrtQualityPredictor(
            TestWeights.linearOnFirstDimension("e", 4, 2, List.of("default"), WEAK, STRONG), "default");

    @Test
    void theShippedWeightsReadTheDefaultEmbeddersVectors() {
        // The engine refuses (or, for a discovered predictor, sets aside) a predictor whose embedder id differs.
        assertEquals(dev.junction.embeddings.EmbeddingModel.ALL_MINILM_L6_V2_Q.id(), new IrtQualityPredictor().embedderId());
    }

    @Test
    void harderPromptsGetLowerProbabilities() {
        PromptAssessment easy = predictor.assess(ChatRequest.ofUser("hi"), new float[] {1, 0, 0, 0});
        PromptAssessment hard = predictor.assess(ChatRequest.ofUser("hi"), new float[] {-1, 0, 0, 0});
        assertEquals(-2.0, easy.difficulty(), 1e-6);
        assertEquals(2.0, hard.difficulty(), 1e-6);
        ModelDescriptor strong = model("openai", STRONG, Map.of());
        assertTrue(predictor.predict(easy, strong) > predictor.predict(hard, strong));
        // Trained model: sigmoid(1 * z + 1).
        assertEquals(1 / (1 + Math.exp(-3)), predictor.predict(easy, strong), 1e-6);
    }

    @Test
    void trainedModelsMatchWithOrWithoutTheOrganisation() {
        PromptAssessment p = predictor.assess(ChatRequest.ofUser("hi"), new float[] {0, 0, 0, 0});
        double viaFull = predictor.predict(p, model("together", WEAK, Map.of()));
        double viaShort = predictor.predict(p, model("groq", "mixtral-8x7b-instruct-v0.1", Map.of()));
        assertEquals(1 / (1 + Math.exp(1)), viaFull, 1e-6);
        assertEquals(viaFull, viaShort, 1e-12);
        // An OpenRouter import's model id carries the organisation: "openai/gpt-4-1106-preview".
        double direct = predictor.predict(p, model("openai", STRONG, Map.of()));
        double viaOpenRouter = predictor.predict(p, model("openrouter", "openai/" + STRONG, Map.of()));
        assertEquals(direct, viaOpenRouter, 1e-12);
    }

    @Test
    void trainedModelsAddTheirOwnReadOutOfTheEmbedding() {
        float[] u = new float[4 + PromptFeatures.COUNT];
        u[1] = 3;
        IrtQualityPredictor withReadOut = new IrtQualityPredictor(TestWeights.withReadOut(
                TestWeights.linearOnFirstDimension("e", 4, 2, List.of("default"), WEAK, STRONG), STRONG, u), "default");
        // Same ease (first dimension 0), different second dimension: only the strong model's read-out sees it.
        PromptAssessment a = withReadOut.assess(ChatRequest.ofUser("hi"), new float[] {0, 1, 0, 0});
        PromptAssessment b = withReadOut.assess(ChatRequest.ofUser("hi"), new float[] {0, -1, 0, 0});
        assertEquals(a.difficulty(), b.difficulty(), 1e-9);
        ModelDescriptor strong = model("openai", STRONG, Map.of());
        ModelDescriptor weak = model("together", WEAK, Map.of());
        assertEquals(1 / (1 + Math.exp(-(1 + 3))), withReadOut.predict(a, strong), 1e-6);
        assertEquals(1 / (1 + Math.exp(-(1 - 3))), withReadOut.predict(b, strong), 1e-6);
        assertEquals(withReadOut.predict(a, weak), withReadOut.predict(b, weak), 1e-12);
        // Without an embedding the read-out sees the training mean (zeros here).
        PromptAssessment none = withReadOut.assess(ChatRequest.ofUser("hi"), null);
        assertEquals(1 / (1 + Math.exp(-1)), withReadOut.predict(none, strong), 1e-6);
    }

    @Test
    void trainedModelsReadOutThePromptFeaturesToo() {
        float[] u = new float[4 + PromptFeatures.COUNT];
        u[4 + 8] = 2; // numbers in the text (standardized with mean 0, std 1 here: log(1 + count))
        IrtQualityPredictor withReadOut = new IrtQualityPredictor(TestWeights.withReadOut(
                TestWeights.linearOnFirstDimension("e", 4, 2, List.of("default"), WEAK, STRONG), STRONG, u), "default");
        float[] e = {0, 0, 0, 0};
        PromptAssessment three = withReadOut.assess(ChatRequest.ofUser("Add 1, 2 and 3."), e);
        PromptAssessment none = withReadOut.assess(ChatRequest.ofUser("Add them."), e);
        ModelDescriptor strong = model("openai", STRONG, Map.of());
        assertEquals(1 / (1 + Math.exp(-(1 + 2 * Math.log1p(3)))), withReadOut.predict(three, strong), 1e-6);
        assertEquals(1 / (1 + Math.exp(-1)), withReadOut.predict(none, strong), 1e-6);
        // An assessment made elsewhere carries no features: the read-out sees the training mean.
        PromptAssessment foreign = new PromptAssessment(three.category(), three.difficulty(), three.inputTokens(), e);
        assertEquals(1 / (1 + Math.exp(-1)), withReadOut.predict(foreign, strong), 1e-6);
    }

    @Test
    void unseenModelsArePlacedByTheirCatalogScore() {
        PromptAssessment p = predictor.assess(ChatRequest.ofUser("Tell me about rivers."), null);
        assertEquals(TaskCategory.GENERAL, p.category());
        double good = predictor.predict(p, model("x", "good", Map.of(TaskCategory.GENERAL, 0.9)));
        double fair = predictor.predict(p, model("x", "fair", Map.of(TaskCategory.GENERAL, 0.6)));
        double unknown = predictor.predict(p, model("x", "unknown", Map.of()));
        assertTrue(good > fair, good + " vs " + fair);
        assertTrue(unknown > 0 && unknown < 1);
        // Placement reproduces the catalog score over the reference prompts: mean of sigmoid(z + b) over z = -2..2.
        double b = logitSolve(0.9);
        double mean = 0;
        for (double z : new double[] {-2, -1, 0, 1, 2}) {
            mean += 1 / (1 + Math.exp(-(z + b))) / 5;
        }
        assertEquals(0.9, mean, 1e-4);
    }

    private static double logitSolve(double q) {
        double lo = -30;
        double hi = 30;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            double mean = 0;
            for (double z : new double[] {-2, -1, 0, 1, 2}) {
                mean += 1 / (1 + Math.exp(-(z + mid))) / 5;
            }
            if (mean < q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Test
    void categoriesComeFromCheapFeatures() {
        assertEquals(TaskCategory.CODING, category("```python\ndef f(x):\n    return x\n```"));
        assertEquals(TaskCategory.MATH, category("Solve 3x + 7 = 22 and then compute 4^2 * 3."));
        assertEquals(TaskCategory.MULTILINGUAL, category("Как дела? Расскажи мне о погоде в Москве."));
        assertEquals(TaskCategory.GENERAL, category("Who wrote Pride and Prejudice?"));
        assertEquals(TaskCategory.LONG_CONTEXT, category("word ".repeat(40_000)));
    }

    private TaskCategory category(String text) {
        return predictor.assess(ChatRequest.ofUser(text), null).category();
    }

    @Test
    void serviceLoaderFindsTheDefaultPredictorWithShippedWeights() {
        QualityPredictor p = ServiceLoader.load(QualityPredictor.class).findFirst().orElseThrow();
        assertInstanceOf(IrtQualityPredictor.class, p);
        PromptAssessment a = p.assess(ChatRequest.ofUser("What is 2 + 2?"), null);
        double q = p.predict(a, model("openai", "gpt-4o", Map.of(TaskCategory.MATH, 0.8)));
        assertTrue(q > 0 && q < 1, "probability " + q);
    }

    static ModelDescriptor model(String provider, String name, Map<TaskCategory, Double> quality) {
        return new ModelDescriptor(provider, name, 128_000, 4096, new Prices(1, 2, 0), null, null,
                DataRetention.UNKNOWN, quality);
    }
}
