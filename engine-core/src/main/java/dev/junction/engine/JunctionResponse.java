package dev.junction.engine;

import dev.junction.spi.ChatResponse;

import java.util.Objects;

/**
 * A complete answer and the decision that produced it.
 *
 * @param response the answer, from a model or the cache
 * @param decision how it was routed, cached and dispatched
 */
public record JunctionResponse(ChatResponse response, RouteDecision decision) {
    public JunctionResponse {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(decision, "decision");
    }
}
