package dev.junction.spi;

/** What a provider keeps of prompts and answers sent to a model. */
public enum DataRetention {
    /** Nothing is stored after the answer (zero data retention). */
    ZERO,
    /** Kept for a short, published period (e.g. 30 days for abuse monitoring), never used for training. */
    LIMITED,
    /** Kept under the provider's standard policy, possibly used to improve models. */
    STANDARD,
    /** Not published. */
    UNKNOWN
}
