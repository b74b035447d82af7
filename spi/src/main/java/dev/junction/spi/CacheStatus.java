package dev.junction.spi;

/** How the cache took part in answering a request. */
public enum CacheStatus {
    /** The intent turned caching off, or no cache is configured. */
    BYPASS,
    /** Looked up, not found; the answer came from a model. */
    MISS,
    /** Served from an entry for the identical canonical request. */
    EXACT_HIT,
    /** Served from an entry for a semantically equivalent prompt. */
    SEMANTIC_HIT
}
