package dev.junction.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A connection to one provider account, made by a {@link ProviderPlugin}.
 *
 * <p>Thread-safe: one client serves all concurrent requests to its provider and shares one HTTP client. Close it
 * to release connections; calls after close fail with {@link IllegalStateException}.
 */
public interface ProviderClient extends AutoCloseable {

    /** The provider id this client serves (its {@link ProviderConfig#providerId()}). */
    String providerId();

    /**
     * Refuses, before anything is sent, a request the model cannot serve (tools on a model without them, images on
     * a text-only model, a schema the provider rejects).
     *
     * @throws ProviderException of kind {@link ErrorKind#UNSUPPORTED} naming what is not supported
     */
    void validate(ChatRequest request, ModelDescriptor model);

    /**
     * Sends the request and completes with the whole answer.
     *
     * <p>The future fails with a {@link ProviderException}; cancelling it aborts the HTTP exchange.
     */
    CompletableFuture<ChatResponse> complete(ChatRequest request, CallOptions options);

    /**
     * Streams the answer. Nothing is sent until a subscriber subscribes; each subscription is one call. Failures
     * arrive as a {@link StreamEvent.Error} event followed by {@code onComplete}; cancelling the subscription
     * closes the connection.
     */
    Flow.Publisher<StreamEvent> stream(ChatRequest request, CallOptions options);

    @Override
    void close();
}
