package dev.junction.spi;

/** What went wrong with a provider call, and whether trying again (here or elsewhere) can help. */
public enum ErrorKind {
    /** 429: slow down; carries a retry-after when the provider sent one. */
    RATE_LIMITED(true),
    /** The provider is overloaded (Anthropic 529, 503 with an overload body). */
    OVERLOADED(true),
    /** No answer (or no first token) within the deadline. */
    TIMEOUT(true),
    /** A 5xx from the provider. */
    SERVER_ERROR(true),
    /** The connection failed, was reset, or the stream was cut. */
    NETWORK(true),
    /** 401/403: the key is missing, wrong or lacks permission. Never retried. */
    AUTHENTICATION(false),
    /** 400/404/422: the request itself is wrong for this provider. */
    BAD_REQUEST(false),
    /** The prompt plus output cap does not fit the model's context window. */
    CONTEXT_LENGTH_EXCEEDED(false),
    /** The provider's safety system refused the prompt or withheld the answer. */
    CONTENT_FILTERED(false),
    /** The request uses something this provider or model cannot do; refused before sending. */
    UNSUPPORTED(false),
    /** The call was cancelled by the caller. */
    CANCELLED(false);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether another attempt, on this provider after a pause or on another, can succeed. */
    public boolean retryable() {
        return retryable;
    }
}
