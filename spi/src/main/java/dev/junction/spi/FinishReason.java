package dev.junction.spi;

/** Why the model stopped generating. */
public enum FinishReason {
    /** A natural end or a stop sequence. */
    STOP,
    /** The output-token cap was reached. */
    LENGTH,
    /** The model called one or more tools. */
    TOOL_CALLS,
    /** The provider's safety system withheld or cut the content. */
    CONTENT_FILTER,
    /** The stream or call ended with an error. */
    ERROR,
    /** Anything else the provider reported. */
    OTHER
}
