package dev.junction.server.http;

import dev.junction.engine.Intent;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.JunctionStream;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.Embedder;
import dev.junction.spi.ModelDescriptor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the HTTP front end needs from the engine: answer, stream, list models, embed, and read-only admin views.
 *
 * <p>The production implementation wraps {@code dev.junction.engine.Junction}; tests use fakes. Thread-safe.
 */
public interface GatewayBackend extends AutoCloseable {

    /** Answers a request under an intent; throws the engine's exceptions on failure. */
    JunctionResponse complete(ChatRequest request, Intent intent);

    /** Streams an answer under an intent. */
    JunctionStream stream(ChatRequest request, Intent intent);

    /** The catalog's models whose provider is configured. */
    List<ModelDescriptor> models();

    /** The local embedder, when one is available. */
    Optional<Embedder> embedder();

    /**
     * Reports that the cached answer in this entry was wrong for the tenant it served: removes it and counts the report.
     *
     * @return whether the tenant had that entry
     */
    boolean reportWrongCacheHit(String tenantId, String cacheEntryId);

    /** Sets a tenant's budget cap in US dollars (called once per configured tenant at start-up). */
    void setTenantBudget(String tenantId, double capUsd);

    /** A JSON-serializable view of the live matrix (models, live statistics, circuit states). */
    Object matrixView();

    /** A JSON-serializable view of the cache's statistics. */
    Object cacheView();

    /** A JSON-serializable view of every budget. */
    Object budgetsView();

    /** What is running, for {@code /healthz} (e.g. providers configured, cache and embedder present). */
    Map<String, Object> health();

    @Override
    void close();
}
