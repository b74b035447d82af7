package dev.junction.spi;

/**
 * A hook around every request: guardrails, PII redaction, audit sinks.
 *
 * <p>Interceptors run in registration order before the cache and the router, and in reverse order on the answer.
 * To refuse a request, throw {@link RequestRejectedException}. Thread-safe; must not block for long.
 */
public interface RequestInterceptor {

    /** A name for error messages and logs. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Sees (and may rewrite) the request before anything else happens. */
    default ChatRequest beforeRequest(RequestContext context, ChatRequest request) {
        return request;
    }

    /**
     * Sees (and may rewrite) a complete answer, from a model or the cache, before the caller gets it. A cache hit
     * replayed as a stream is rewritten too; a live model stream is not passed here, because its deltas reach the
     * caller as they arrive (its audit record still reaches {@link #onAudit}).
     */
    default ChatResponse afterResponse(RequestContext context, ChatResponse response) {
        return response;
    }

    /** Receives the audit record of every finished request, successful or not. */
    default void onAudit(AuditRecord record) {
    }
}
