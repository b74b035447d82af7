package dev.junction.embeddings.quality;

import dev.junction.embeddings.internal.Dot;
import dev.junction.spi.TaskCategory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The trained parameters of the item-response quality model: one or more heads over a shared input layout.
 *
 * <p>Input {@code x} = the prompt's embedding ({@link #embeddingDims()} floats, from embedder {@link #embedderId()})
 * followed by the {@link PromptFeatures} standardized with {@link #featureMean()}/{@link #featureStd()}. A head maps it
 * to the prompt's ease {@code z = w2 · relu(W1 x + b1) + b2} (its difficulty is {@code -z}) and gives each trained
 * model {@code m} the probability {@code sigmoid(a_m z + b_m,c + u_m · x)} of answering well, with {@code a_m} the
 * model's discrimination, {@code b_m,c} its ability in task category {@code c} and {@code u_m} its own linear read-out
 * of the prompt's input {@code x} (what this model, unlike the others, is good or bad at). Each head also keeps
 * quantiles of {@code z} per category over its training prompts, to place models it never saw (see
 * {@link IrtQualityPredictor}).
 *
 * <p>Several heads share a file so that an evaluation can use, for each prompt, a head that never saw it (the
 * cross-validation folds). The binary format ({@link #write}, {@link #read}) is versioned; big-endian. Immutable
 * after construction (arrays are not copied: do not mutate them).
 *
 * @param embedderId    the {@code Embedder.modelId()} whose vectors the heads expect
 * @param embeddingDims the embedding length
 * @param embeddingMean the mean training embedding, used when a request comes without one
 * @param featureMean   per-feature means of the training prompts
 * @param featureStd    per-feature standard deviations (never 0)
 * @param foldRule      how training prompts were split into folds, e.g. {@code sha256-mod-5}, or {@code none}
 * @param heads         the heads, the runtime default first
 */
public record QualityWeights(String embedderId, int embeddingDims, float[] embeddingMean, float[] featureMean,
                             float[] featureStd, String foldRule, List<Head> heads) {

    /** The class-path resource of the shipped weights. */
    public static final String DEFAULT_RESOURCE = "/dev/junction/embeddings/quality/default-quality-weights.bin";
    /**
     * The format version this code writes and reads. Version 2 added each trained model's read-out of the embedding;
     * version 3 reads out the whole input (embedding and features, {@link ModelAbility#readOut()}) and records the
     * feature count. Older files must be retrained.
     */
    public static final int FORMAT_VERSION = 3;
    private static final int MAGIC = 0x4A515057; // "JQPW"

    public QualityWeights {
        Objects.requireNonNull(embedderId, "embedderId");
        Objects.requireNonNull(foldRule, "foldRule");
        heads = List.copyOf(heads);
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("weights need at least one head");
        }
        if (embeddingMean.length != embeddingDims) {
            throw new IllegalArgumentException("embeddingMean has " + embeddingMean.length + " values, expected " + embeddingDims);
        }
        if (featureMean.length != PromptFeatures.COUNT || featureStd.length != PromptFeatures.COUNT) {
            throw new IllegalArgumentException("feature statistics must have " + PromptFeatures.COUNT + " values");
        }
        for (Head h : heads) {
            for (ModelAbility m : h.models()) {
                if (m.readOut().length != 0 && m.readOut().length != embeddingDims + PromptFeatures.COUNT) {
                    throw new IllegalArgumentException("head " + h.name() + ", model " + m.name() + ": readOut has "
                            + m.readOut().length + " values, expected 0 or " + (embeddingDims + PromptFeatures.COUNT));
                }
            }
            if (h.w1().length != h.hidden() * (embeddingDims + PromptFeatures.COUNT)) {
                throw new IllegalArgumentException("head " + h.name() + ": W1 has " + h.w1().length + " values, expected "
                        + h.hidden() * (embeddingDims + PromptFeatures.COUNT));
            }
        }
    }

    /** The number of inputs of a head: embedding plus features. */
    public int inputs() {
        return embeddingDims + PromptFeatures.COUNT;
    }

    /** The head named {@code name}. */
    public Head head(String name) {
        for (Head h : heads) {
            if (h.name().equals(name)) {
                return h;
            }
        }
        List<String> names = new ArrayList<>();
        heads.forEach(h -> names.add(h.name()));
        throw new IllegalArgumentException("no head named " + name + " in these weights; heads: " + names);
    }

    /**
     * One trained head.
     *
     * @param name      e.g. {@code default} or {@code fold-3}
     * @param trainedOn a human-readable description of its training data (which benchmarks, which folds left out)
     * @param hidden    the hidden layer's width
     * @param w1        the hidden layer's weights, row-major {@code [hidden][inputs]}
     * @param b1        the hidden layer's biases
     * @param w2        the ease output's weights
     * @param b2        the ease output's bias
     * @param models    the models it was trained on
     * @param zQuantiles per {@link TaskCategory} ordinal, quantiles of the training prompts' ease (equal count each)
     */
    public record Head(String name, String trainedOn, int hidden, float[] w1, float[] b1, float[] w2, float b2,
                       List<ModelAbility> models, float[][] zQuantiles) {
        public Head {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(trainedOn, "trainedOn");
            models = List.copyOf(models);
            if (b1.length != hidden || w2.length != hidden) {
                throw new IllegalArgumentException("head " + name + ": b1 and w2 must have " + hidden + " values");
            }
            if (zQuantiles.length != TaskCategory.values().length) {
                throw new IllegalArgumentException("head " + name + ": zQuantiles needs one row per task category");
            }
        }

        /**
         * The ease {@code z = w2 · relu(W1 x + b1) + b2} of an input vector {@code x}: the embedding, then the
         * standardized {@link PromptFeatures} (see {@link PromptFeatures#extractStandardized}).
         */
        public double ease(float[] x) {
            int inputs = w1.length / hidden;
            if (x.length != inputs) {
                throw new IllegalArgumentException("input has " + x.length + " values, head " + name + " expects "
                        + inputs);
            }
            double z = b2;
            for (int h = 0, off = 0; h < hidden; h++, off += inputs) {
                float a = Dot.dot(w1, off, x, inputs) + b1[h];
                if (a > 0) {
                    z += a * w2[h];
                }
            }
            return z;
        }

        /** The trained model called {@code name}, or null. */
        public ModelAbility model(String name) {
            for (ModelAbility m : models) {
                if (m.name().equals(name)) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * A trained model's parameters.
     *
     * @param name              the model id in the training data, e.g. {@code gpt-4-1106-preview}
     * @param discrimination    {@code a_m}
     * @param abilityByCategory {@code b_m,c} per {@link TaskCategory} ordinal
     * @param meanCostUsd       its mean cost per prompt in the training data, or 0 when unknown
     * @param readOut           {@code u_m}, its read-out of the prompt's input (embedding, then standardized features)
     *                          added to the logit; empty for none
     */
    public record ModelAbility(String name, float discrimination, float[] abilityByCategory, float meanCostUsd,
                               float[] readOut) {
        public ModelAbility {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(readOut, "readOut");
            if (abilityByCategory.length != TaskCategory.values().length) {
                throw new IllegalArgumentException(name + ": abilityByCategory needs one value per task category");
            }
        }

        /**
         * The probability {@code sigmoid(a_m z + b_m,c + u_m · x)} that this model answers well a prompt of ease
         * {@code z} ({@link Head#ease}) in category {@code c} with input {@code x}.
         */
        public double probability(TaskCategory c, double z, float[] x) {
            return QualityHead.sigmoid(discrimination * z + abilityByCategory[c.ordinal()] + readOutOf(x));
        }

        /** {@code u_m · x}, this model's own read-out of the input {@code x}; 0 for none. */
        public double readOutOf(float[] x) {
            if (readOut.length == 0) {
                return 0;
            }
            if (x.length != readOut.length) {
                throw new IllegalArgumentException("input has " + x.length + " values, model " + name + " reads "
                        + readOut.length);
            }
            return Dot.dot(readOut, 0, x, readOut.length);
        }
    }

    /** Reads the shipped default weights. */
    public static QualityWeights loadDefault() {
        try (InputStream in = QualityWeights.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("class-path resource " + DEFAULT_RESOURCE + " is missing");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** Reads weights from a file written by {@link #write(Path)}. */
    public static QualityWeights read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads weights; does not close {@code in}. */
    public static QualityWeights read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(new BufferedInputStream(in));
        int magic = d.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a Junction quality-weights file (magic " + Integer.toHexString(magic) + ")");
        }
        int version = d.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("quality-weights format version " + version + " is not supported (expected "
                    + FORMAT_VERSION + ")" + (version < FORMAT_VERSION ? ": the file predates per-model read-outs of "
                    + "the " + PromptFeatures.COUNT + " prompt features; retrain it with the training module "
                    + "(TrainRouteLlm or Calibrate)" : ""));
        }
        String embedderId = d.readUTF();
        int dims = d.readInt();
        int features = d.readInt();
        if (features != PromptFeatures.COUNT) {
            throw new IOException("quality-weights file has " + features + " prompt features, this code computes "
                    + PromptFeatures.COUNT + "; retrain it with the training module (TrainRouteLlm or Calibrate)");
        }
        float[] embeddingMean = floats(d, dims);
        float[] featureMean = floats(d, PromptFeatures.COUNT);
        float[] featureStd = floats(d, PromptFeatures.COUNT);
        String foldRule = d.readUTF();
        int headCount = d.readInt();
        int categories = TaskCategory.values().length;
        List<Head> heads = new ArrayList<>(headCount);
        for (int h = 0; h < headCount; h++) {
            String name = d.readUTF();
            String trainedOn = d.readUTF();
            int hidden = d.readInt();
            float[] w1 = floats(d, hidden * (dims + PromptFeatures.COUNT));
            float[] b1 = floats(d, hidden);
            float[] w2 = floats(d, hidden);
            float b2 = d.readFloat();
            int modelCount = d.readInt();
            List<ModelAbility> models = new ArrayList<>(modelCount);
            for (int m = 0; m < modelCount; m++) {
                models.add(new ModelAbility(d.readUTF(), d.readFloat(), floats(d, categories), d.readFloat(),
                        floats(d, d.readInt())));
            }
            float[][] quantiles = new float[categories][];
            for (int c = 0; c < categories; c++) {
                quantiles[c] = floats(d, d.readInt());
            }
            heads.add(new Head(name, trainedOn, hidden, w1, b1, w2, b2, models, quantiles));
        }
        return new QualityWeights(embedderId, dims, embeddingMean, featureMean, featureStd, foldRule, heads);
    }

    /** Writes these weights to {@code file}, creating its folder if needed. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out);
        }
    }

    /** Writes these weights; flushes but does not close {@code out}. */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(new BufferedOutputStream(out));
        d.writeInt(MAGIC);
        d.writeInt(FORMAT_VERSION);
        d.writeUTF(embedderId);
        d.writeInt(embeddingDims);
        d.writeInt(PromptFeatures.COUNT);
        writeFloats(d, embeddingMean);
        writeFloats(d, featureMean);
        writeFloats(d, featureStd);
        d.writeUTF(foldRule);
        d.writeInt(heads.size());
        for (Head h : heads) {
            d.writeUTF(h.name());
            d.writeUTF(h.trainedOn());
            d.writeInt(h.hidden());
            writeFloats(d, h.w1());
            writeFloats(d, h.b1());
            writeFloats(d, h.w2());
            d.writeFloat(h.b2());
            d.writeInt(h.models().size());
            for (ModelAbility m : h.models()) {
                d.writeUTF(m.name());
                d.writeFloat(m.discrimination());
                writeFloats(d, m.abilityByCategory());
                d.writeFloat(m.meanCostUsd());
                d.writeInt(m.readOut().length);
                writeFloats(d, m.readOut());
            }
            for (float[] q : h.zQuantiles()) {
                d.writeInt(q.length);
                writeFloats(d, q);
            }
        }
        d.flush();
    }

    private static float[] floats(DataInputStream d, int n) throws IOException {
        if (n < 0 || n > 50_000_000) {
            throw new IOException("corrupt quality-weights file: array length " + n);
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = d.readFloat();
        }
        return a;
    }

    private static void writeFloats(DataOutputStream d, float[] a) throws IOException {
        for (float x : a) {
            d.writeFloat(x);
        }
    }
}
