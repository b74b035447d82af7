package dev.junction.embeddings.quality;

import dev.junction.embeddings.PromptText;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.Message;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.PromptAssessment;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.TaskCategory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link QualityPredictor}: an item-response model over the prompt's embedding and cheap text features.
 *
 * <p>A prompt gets a task category (from {@link PromptFeatures}) and an ease {@code z} (difficulty {@code -z}) from a
 * small network trained with Deeplearning4j (module {@code training}) and evaluated here in plain Java. A model gets a
 * discrimination {@code a} and an ability {@code b_c} per category; it answers well with probability
 * {@code sigmoid(a z + b_c)}. Models in the training data use their trained parameters (matched by model id, with or
 * without the organisation prefix, ignoring case), which add their own linear read-out {@code u · x} of the prompt's
 * embedding and features: one shared ease cannot say on which prompts one model beats another, and that difference
 * is exactly what routing between them needs. Any other model is placed from its catalog quality score
 * {@code q_c} ({@link ModelDescriptor#quality()}): {@code a} is the trained models' mean and {@code b_c} is solved so
 * that the model's mean predicted success over the training prompts of category {@code c} equals {@code q_c} (a
 * missing category falls back to GENERAL, then to the mean of the given scores, then to the trained models' mean
 * ability). Placements are computed once per model id and kept until its quality scores change.
 *
 * <p>Why this shape: the routing decision needs a probability per candidate for models the training data never saw,
 * and catalogs publish one benchmark score per model and category; an item-response model is the smallest model that
 * turns "how hard is this prompt" and "how good is this model" into that probability.
 *
 * <p>Cost: {@link #assess} is one pass over the text and one {@code hidden x (dims + features)} matrix-vector product
 * (Vector API when available); {@link #predict} is a map lookup and a sigmoid, plus one {@code (dims + features)}-long
 * dot product for a trained model.
 * Thread-safe.
 */
public final class IrtQualityPredictor implements QualityPredictor {

    /** The head used at run time. */
    public static final String DEFAULT_HEAD = "default";

    private final QualityHead head;
    private final double meanDiscrimination;
    private final Map<String, Placement> placements = new ConcurrentHashMap<>();

    /** The predictor with the shipped default weights (trained on RouteLLM's MMLU and GSM8K outcomes). */
    public IrtQualityPredictor() {
        this(QualityWeights.loadDefault(), DEFAULT_HEAD);
    }

    public IrtQualityPredictor(QualityWeights weights, String headName) {
        this.head = new QualityHead(weights, headName);
        double sum = 0;
        List<QualityWeights.ModelAbility> models = head.head().models();
        for (QualityWeights.ModelAbility m : models) {
            sum += m.discrimination();
        }
        this.meanDiscrimination = models.isEmpty() ? 1 : sum / models.size();
    }

    /** The embedder whose vectors this predictor expects ({@code Embedder.modelId()}). */
    @Override
    public String embedderId() {
        return head.weights().embedderId();
    }

    @Override
    public PromptAssessment assess(ChatRequest request, float[] embedding) {
        String text = PromptText.of(request);
        int tokens = 0;
        for (Message m : request.messages()) {
            tokens += 4 + PromptFeatures.estimateTokens(m.text());
        }
        TaskCategory category = PromptFeatures.category(text, tokens);
        float[] x = head.input(embedding, text);
        return new PromptAssessment(category, -head.ease(x), tokens, embedding, x);
    }

    @Override
    public double predict(PromptAssessment prompt, ModelDescriptor model) {
        double z = -prompt.difficulty();
        int c = prompt.category().ordinal();
        Placement placed = placements.get(model.id());
        if (placed == null || placed.quality() != model.quality() && !placed.quality().equals(model.quality())) {
            placed = new Placement(model.quality(), place(model), trained(model));
            placements.put(model.id(), placed);
        }
        float[] p = placed.parameters();
        double readOut = placed.trained() == null ? 0 : placed.trained().readOutOf(input(prompt));
        return QualityHead.sigmoid(p[0] * z + p[1 + c] + readOut);
    }

    /**
     * The head's input for {@code prompt}: the one {@link #assess} made, or, for an assessment from elsewhere, its
     * embedding with the training prompts' mean features.
     */
    private float[] input(PromptAssessment prompt) {
        float[] x = prompt.predictorInput();
        return x != null && x.length == head.weights().inputs() ? x : head.input(prompt.embedding());
    }

    /** {@code [a, b_0 .. b_C-1]} for {@code model}. */
    private float[] place(ModelDescriptor model) {
        QualityWeights.ModelAbility trained = trained(model);
        TaskCategory[] categories = TaskCategory.values();
        float[] p = new float[1 + categories.length];
        if (trained != null) {
            p[0] = trained.discrimination();
            System.arraycopy(trained.abilityByCategory(), 0, p, 1, categories.length);
            return p;
        }
        p[0] = (float) meanDiscrimination;
        Map<TaskCategory, Double> q = model.quality();
        double meanGiven = q.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        for (TaskCategory c : categories) {
            Double score = q.get(c);
            if (score == null) {
                score = q.get(TaskCategory.GENERAL);
            }
            if (score == null && !Double.isNaN(meanGiven)) {
                score = meanGiven;
            }
            p[1 + c.ordinal()] = score == null ? meanTrainedAbility(c) : solveAbility(score, head.head().zQuantiles()[c.ordinal()]);
        }
        return p;
    }

    private QualityWeights.ModelAbility trained(ModelDescriptor model) {
        String id = model.model().toLowerCase(Locale.ROOT);
        String shortId = id.substring(id.lastIndexOf('/') + 1); // OpenRouter's ids carry the organisation too
        for (QualityWeights.ModelAbility m : head.head().models()) {
            String name = m.name().toLowerCase(Locale.ROOT);
            String shortName = name.substring(name.lastIndexOf('/') + 1);
            if (id.equals(name) || shortId.equals(shortName) || model.id().toLowerCase(Locale.ROOT).equals(name)) {
                return m;
            }
        }
        return null;
    }

    private float meanTrainedAbility(TaskCategory c) {
        List<QualityWeights.ModelAbility> models = head.head().models();
        if (models.isEmpty()) {
            return 0;
        }
        double s = 0;
        for (QualityWeights.ModelAbility m : models) {
            s += m.abilityByCategory()[c.ordinal()];
        }
        return (float) (s / models.size());
    }

    /** The {@code b} with mean over {@code zs} of {@code sigmoid(a z + b)} equal to {@code q}, by bisection. */
    private float solveAbility(double q, float[] zs) {
        double target = Math.min(0.999, Math.max(0.001, q));
        if (zs.length == 0) {
            return (float) Math.log(target / (1 - target));
        }
        double lo = -30;
        double hi = 30;
        for (int it = 0; it < 60; it++) {
            double mid = (lo + hi) / 2;
            double mean = 0;
            for (float z : zs) {
                mean += QualityHead.sigmoid(meanDiscrimination * z + mid);
            }
            mean /= zs.length;
            if (mean < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (float) ((lo + hi) / 2);
    }

    /**
     * A model's parameters {@code [a, b_0 .. b_C-1]}, the catalog scores they were placed from, and its trained
     * parameters (null for a model placed from its catalog scores).
     */
    private record Placement(Map<TaskCategory, Double> quality, float[] parameters, QualityWeights.ModelAbility trained) {
    }

    @Override
    public String toString() {
        return "IrtQualityPredictor(head " + head.head().name() + ", embedder " + embedderId() + ", "
                + head.head().models().size() + " trained models)";
    }
}
