package dev.junction.server.http;

import dev.junction.engine.RouteDecision;
import dev.junction.spi.ChatResponse;
import io.helidon.webserver.http.ServerResponse;

import java.util.Locale;

/** Reports a routing decision in {@code x-junction-*} response headers. */
final class DecisionHeaders {

    private DecisionHeaders() {
    }

    static void apply(ServerResponse res, RouteDecision d, ChatResponse r) {
        res.header("x-junction-request-id", d.requestId());
        if (r != null) {
            res.header("x-junction-provider", r.provider());
            res.header("x-junction-model", r.model());
        }
        res.header("x-junction-cost-usd", String.format(Locale.ROOT, "%.8f", d.costUsd()));
        res.header("x-junction-cache", d.cacheStatus().name().toLowerCase(Locale.ROOT));
        if (!Double.isNaN(d.cacheSimilarity())) {
            res.header("x-junction-cache-similarity", String.format(Locale.ROOT, "%.4f", d.cacheSimilarity()));
        }
        if (d.cacheEntryId() != null) {
            res.header("x-junction-cache-entry", d.cacheEntryId());
        }
        res.header("x-junction-attempts", Integer.toString(d.attempts().size()));
        if (d.degraded()) {
            res.header("x-junction-degraded", d.violated().constraint().name().toLowerCase(Locale.ROOT));
        }
    }
}
