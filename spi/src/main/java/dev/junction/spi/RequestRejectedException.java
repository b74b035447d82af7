package dev.junction.spi;

import java.io.Serial;

/** Thrown by a {@link RequestInterceptor} (a guardrail) to refuse a request before any model is called. */
public class RequestRejectedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String interceptor;

    public RequestRejectedException(String interceptor, String reason) {
        super(interceptor + " rejected the request: " + reason);
        this.interceptor = interceptor;
    }

    /** The name of the interceptor that refused. */
    public String interceptor() {
        return interceptor;
    }
}
