package dev.junction.cache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable configuration of a {@link ChronicleSemanticCache}: where its file lives, how big it may grow (the
 * sizing hints Chronicle Map needs up front) and its hit policy.
 *
 * <p>Build one with {@link #custom(Path)}; {@code maxEntries}, {@code averageEntryBytes} and {@code dimensions} are
 * mandatory because Chronicle fixes the file's layout at creation (an existing file opened with other sizes is copied
 * into a new one of those sizes).
 */
public final class ChronicleCacheConfig {
    /** Longest an entry is served, whatever expiry its producer asked for: 30 days. */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(30);
    /** Candidates the semantic tier examines, nearest first: 10. */
    public static final int DEFAULT_CANDIDATES = 10;
    /** The guard is on. */
    public static final boolean DEFAULT_GUARD_ENABLED = true;
    /** Live vectors in one namespace at which the exact scan gives way to the graph index: 8,192. */
    public static final int DEFAULT_GRAPH_THRESHOLD = 8192;
    /**
     * A hit is refused when another entry for a different prompt lies within this similarity of the nearest one, with
     * the guard on or off: 0.02. Chosen on GPTCache's paraphrase set, where it removes about four in five wrong hits for
     * one in ten correct ones (see {@code cache/EVAL.md}).
     */
    public static final double DEFAULT_AMBIGUITY_MARGIN = 0.02;
    /** The embedding model assumed when none is named: all-MiniLM-L6-v2 (quantized). */
    public static final String DEFAULT_EMBEDDING_MODEL = "all-minilm-l6-v2-q";

    /**
     * Similarity thresholds calibrated per embedding model id (see {@code cache/EVAL.md}): the lowest similarity at
     * which, on the calibration half (half A, by a stable hash of the pair) of the Quora question pairs and with the
     * guard on, at most 1 % of the non-duplicate pairs would be served as a hit: all-MiniLM-L6-v2 (quantized) 0.949 on
     * all 40,684 half-A pairs (half B: 1.16 % served), bge-small-en-v1.5 (quantized) 0.959 on the first 5,000.
     */
    public static final Map<String, Double> CALIBRATED_THRESHOLDS = Map.of("all-minilm-l6-v2-q", 0.949,
            "bge-small-en-v1.5-q", 0.959);
    /** The threshold for a model without a calibration: deliberately strict. */
    public static final double UNCALIBRATED_THRESHOLD = 0.95;

    private final Path file;
    private final long maxEntries;
    private final int averageEntryBytes;
    private final int dimensions;
    private final String embeddingModelId;
    private final double similarityThreshold;
    private final Duration maxTtl;
    private final boolean guardEnabled;
    private final int graphThreshold;
    private final int candidates;
    private final double ambiguityMargin;

    private ChronicleCacheConfig(Builder b) {
        this.file = b.file;
        this.maxEntries = b.maxEntries;
        this.averageEntryBytes = b.averageEntryBytes;
        this.dimensions = b.dimensions;
        this.embeddingModelId = b.embeddingModelId;
        this.similarityThreshold = b.similarityThreshold != null ? b.similarityThreshold
                : CALIBRATED_THRESHOLDS.getOrDefault(b.embeddingModelId, UNCALIBRATED_THRESHOLD);
        this.maxTtl = b.maxTtl;
        this.guardEnabled = b.guardEnabled;
        this.graphThreshold = b.graphThreshold;
        this.candidates = b.candidates;
        this.ambiguityMargin = b.ambiguityMargin;
    }

    /** A builder for a cache persisted to {@code file}. */
    public static Builder custom(Path file) {
        return new Builder(file);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder(file).maxEntries(maxEntries).averageEntryBytes(averageEntryBytes).dimensions(dimensions)
                .embeddingModel(embeddingModelId).maxTtl(maxTtl).guardEnabled(guardEnabled).graphThreshold(graphThreshold)
                .candidates(candidates).ambiguityMargin(ambiguityMargin);
        b.similarityThreshold = similarityThreshold;
        return b;
    }

    public Path file() {
        return file;
    }

    public long maxEntries() {
        return maxEntries;
    }

    public int averageEntryBytes() {
        return averageEntryBytes;
    }

    public int dimensions() {
        return dimensions;
    }

    public String embeddingModelId() {
        return embeddingModelId;
    }

    /** The similarity a semantic hit needs when the query names none. */
    public double similarityThreshold() {
        return similarityThreshold;
    }

    public Duration maxTtl() {
        return maxTtl;
    }

    public boolean guardEnabled() {
        return guardEnabled;
    }

    public int graphThreshold() {
        return graphThreshold;
    }

    public int candidates() {
        return candidates;
    }

    public double ambiguityMargin() {
        return ambiguityMargin;
    }

    @Override
    public String toString() {
        return "ChronicleCacheConfig[file=" + file + ", maxEntries=" + maxEntries + ", averageEntryBytes="
                + averageEntryBytes + ", dimensions=" + dimensions + ", embeddingModelId=" + embeddingModelId
                + ", similarityThreshold=" + similarityThreshold + ", maxTtl=" + maxTtl + ", guardEnabled="
                + guardEnabled + ", graphThreshold=" + graphThreshold + ", candidates=" + candidates + ", ambiguityMargin=" + ambiguityMargin + "]";
    }

    /** Builds a {@link ChronicleCacheConfig}; validates each value as it is set and echoes a bad one. */
    public static final class Builder {
        private final Path file;
        private long maxEntries = -1;
        private int averageEntryBytes = -1;
        private int dimensions = -1;
        private String embeddingModelId = DEFAULT_EMBEDDING_MODEL;
        private Double similarityThreshold;
        private Duration maxTtl = DEFAULT_MAX_TTL;
        private boolean guardEnabled = DEFAULT_GUARD_ENABLED;
        private int graphThreshold = DEFAULT_GRAPH_THRESHOLD;
        private int candidates = DEFAULT_CANDIDATES;
        private double ambiguityMargin = DEFAULT_AMBIGUITY_MARGIN;

        private Builder(Path file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /** The capacity bound (mandatory): past it, or past {@code maxEntries × averageEntryBytes}, entries go. */
        public Builder maxEntries(long maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * The average stored size of one entry in bytes (mandatory): prompt and answer text in UTF-8, the embedding
         * (4 bytes per dimension) and about 200 bytes of fields. Entries may be larger; the file is sized from it, and
         * larger entries fill it sooner.
         */
        public Builder averageEntryBytes(int averageEntryBytes) {
            if (averageEntryBytes < 64) {
                throw new IllegalArgumentException("averageEntryBytes must be >= 64, was " + averageEntryBytes);
            }
            this.averageEntryBytes = averageEntryBytes;
            return this;
        }

        /** The embeddings' length (mandatory), e.g. 384 for all-MiniLM-L6-v2. */
        public Builder dimensions(int dimensions) {
            if (dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be >= 1, was " + dimensions);
            }
            this.dimensions = dimensions;
            return this;
        }

        /** The embedding model's id, which selects the calibrated threshold; default {@value #DEFAULT_EMBEDDING_MODEL}. */
        public Builder embeddingModel(String modelId) {
            this.embeddingModelId = Objects.requireNonNull(modelId, "modelId");
            return this;
        }

        /** Overrides the calibrated threshold; queries may still override it per request. */
        public Builder similarityThreshold(double threshold) {
            if (!(threshold >= -1 && threshold <= 1)) {
                throw new IllegalArgumentException("similarityThreshold must be in [-1, 1], was " + threshold);
            }
            this.similarityThreshold = threshold;
            return this;
        }

        /** The longest an entry is served; default {@link #DEFAULT_MAX_TTL}. */
        public Builder maxTtl(Duration maxTtl) {
            if (maxTtl == null || maxTtl.isNegative() || maxTtl.isZero() || maxTtl.toDays() > 36_500) {
                // Longer ones overflow createdAt + maxTtl, and every put would fail.
                throw new IllegalArgumentException("maxTtl must be positive and at most 36500 days, was " + maxTtl);
            }
            this.maxTtl = maxTtl;
            return this;
        }

        /** Turns the negation/number/date/entity guard on or off; default on. */
        public Builder guardEnabled(boolean enabled) {
            this.guardEnabled = enabled;
            return this;
        }

        /** Namespace size at which the graph index replaces the exact scan; default {@value #DEFAULT_GRAPH_THRESHOLD}. */
        public Builder graphThreshold(int threshold) {
            if (threshold < 2) {
                throw new IllegalArgumentException("graphThreshold must be >= 2, was " + threshold);
            }
            this.graphThreshold = threshold;
            return this;
        }

        /** Nearest candidates examined per semantic look-up; default {@value #DEFAULT_CANDIDATES}. */
        public Builder candidates(int candidates) {
            if (candidates < 1 || candidates > 1000) {
                throw new IllegalArgumentException("candidates must be in [1, 1000], was " + candidates);
            }
            this.candidates = candidates;
            return this;
        }

        /** The ambiguity margin (0 turns the rule off); default {@value #DEFAULT_AMBIGUITY_MARGIN}. */
        public Builder ambiguityMargin(double margin) {
            if (!(margin >= 0 && margin <= 1)) {
                throw new IllegalArgumentException("ambiguityMargin must be in [0, 1], was " + margin);
            }
            this.ambiguityMargin = margin;
            return this;
        }

        public ChronicleCacheConfig build() {
            if (maxEntries < 0 || averageEntryBytes < 0 || dimensions < 0) {
                throw new IllegalStateException("maxEntries, averageEntryBytes and dimensions are mandatory, were "
                        + maxEntries + ", " + averageEntryBytes + ", " + dimensions);
            }
            return new ChronicleCacheConfig(this);
        }
    }
}
