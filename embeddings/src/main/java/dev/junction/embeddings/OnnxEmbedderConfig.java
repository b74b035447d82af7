package dev.junction.embeddings;

import java.util.Objects;

/**
 * The immutable settings of an {@link OnnxEmbedder}; build one with {@link #custom()} or take {@link #ofDefaults()}.
 *
 * @param model            the model, {@link #DEFAULT_MODEL} by default
 * @param intraOpThreads   ONNX Runtime threads per call, {@link #DEFAULT_INTRA_OP_THREADS} by default
 * @param maxTokens        the token window used, at most the model's own; by default the model's
 *                         {@link EmbeddingModel#defaultTokens()}
 * @param memoMaxBytes     the weight bound of the memo of recent embeddings by exact text, {@link #DEFAULT_MEMO_MAX_BYTES}
 *                         by default; {@code 0} turns memoization off
 * @param maxBatch         how many texts {@code embedAll} runs through the model at once, {@link #DEFAULT_MAX_BATCH} by
 *                         default
 */
public record OnnxEmbedderConfig(EmbeddingModel model, int intraOpThreads, int maxTokens, long memoMaxBytes, int maxBatch) {

    /** all-MiniLM-L6-v2 (quantized): small, fast and good at paraphrase detection. */
    public static final EmbeddingModel DEFAULT_MODEL = EmbeddingModel.ALL_MINILM_L6_V2_Q;
    /** One thread per call: on small inputs more threads cost more in hand-off than they save; callers run in parallel. */
    public static final int DEFAULT_INTRA_OP_THREADS = 1;
    /** 32 MiB: about 40,000 memoized prompts of 100 characters with 384-dimension vectors. */
    public static final long DEFAULT_MEMO_MAX_BYTES = 32L << 20;
    /**
     * One: every text runs alone, so its vector never depends on what it was batched with. The bundled models are
     * dynamically int8-quantized with one activation scale per batch tensor, so batch-mates and their padding move a
     * vector (cosine to the unbatched vector down to about 0.987 on short texts), which a cache keyed by similarity must
     * not see; and on one intra-op thread batching saves little. Raise it for bulk jobs that tolerate that.
     */
    public static final int DEFAULT_MAX_BATCH = 1;

    public OnnxEmbedderConfig {
        Objects.requireNonNull(model, "model");
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + intraOpThreads);
        }
        if (maxTokens < 8 || maxTokens > model.maxTokens()) {
            throw new IllegalArgumentException("maxTokens must be in [8, " + model.maxTokens() + "] for " + model.id()
                    + ", was " + maxTokens);
        }
        if (memoMaxBytes < 0) {
            throw new IllegalArgumentException("memoMaxBytes must be >= 0, was " + memoMaxBytes);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
    }

    /** The defaults: {@link #DEFAULT_MODEL} with its default window, one thread, a 32 MiB memo, no batching. */
    public static OnnxEmbedderConfig ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** A builder of {@link OnnxEmbedderConfig}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private EmbeddingModel model = DEFAULT_MODEL;
        private int intraOpThreads = DEFAULT_INTRA_OP_THREADS;
        private int maxTokens;
        private long memoMaxBytes = DEFAULT_MEMO_MAX_BYTES;
        private int maxBatch = DEFAULT_MAX_BATCH;

        private Builder() {
        }

        public Builder model(EmbeddingModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        public Builder intraOpThreads(int intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        /** The token window, special tokens included; longer prompts keep their head and tail (see {@link OnnxEmbedder}). */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder memoMaxBytes(long memoMaxBytes) {
            this.memoMaxBytes = memoMaxBytes;
            return this;
        }

        public Builder maxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        public OnnxEmbedderConfig build() {
            return new OnnxEmbedderConfig(model, intraOpThreads, maxTokens == 0 ? model.defaultTokens() : maxTokens,
                    memoMaxBytes, maxBatch);
        }
    }
}
