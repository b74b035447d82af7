package dev.junction.spi;

import java.io.Serial;
import java.time.Duration;
import java.util.Objects;

/**
 * A failed provider call, classified by {@link ErrorKind}.
 *
 * <p>Messages must never contain an API key or a request's secret headers.
 */
public class ProviderException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String provider;
    private final String model;
    private final int httpStatus;
    private final transient Duration retryAfter;

    /**
     * @param kind       the error's class
     * @param provider   the provider that failed
     * @param model      the model that was called, or null
     * @param httpStatus the HTTP status, or 0 when there was none (network error, timeout)
     * @param retryAfter how long the provider asked to wait, or null
     * @param message    what happened, for a person
     * @param cause      the underlying exception, or null
     */
    public ProviderException(ErrorKind kind, String provider, String model, int httpStatus, Duration retryAfter,
                             String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.model = model;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public ProviderException(ErrorKind kind, String provider, String model, int httpStatus, String message) {
        this(kind, provider, model, httpStatus, null, message, null);
    }

    public ErrorKind kind() {
        return kind;
    }

    public String provider() {
        return provider;
    }

    /** The model that was called, or null. */
    public String model() {
        return model;
    }

    /** The HTTP status, or 0 when the call got none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** How long the provider asked to wait before trying again, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    @Override
    public String toString() {
        return "ProviderException[" + kind + ", provider=" + provider + (model == null ? "" : ", model=" + model)
                + (httpStatus == 0 ? "" : ", status=" + httpStatus)
                + (retryAfter == null ? "" : ", retryAfter=" + retryAfter) + "]: " + getMessage();
    }
}
