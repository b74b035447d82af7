package dev.junction.engine.internal;

import dev.junction.engine.CircuitConfig;
import dev.junction.engine.RetryConfig;
import dev.junction.engine.Scheduler;
import dev.junction.spi.AuditRecord;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.Embedder;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.RequestInterceptor;
import dev.junction.spi.SemanticCacheStore;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Everything an engine is built from, resolved (defaults applied) by {@code Junction.Builder}.
 *
 * @param clients             provider clients by provider id
 * @param ownedResources      what the engine created and must close (clients from configs, default store, executor)
 * @param embedder            the embedder, or null
 * @param cacheStore          the cache store, or null for no caching
 * @param builtInPredictor    whether the predictor is the catalog-score one (which needs no embedding)
 * @param refreshInterval     how often sources are polled; zero disables
 */
public record EngineParts(Map<String, ProviderClient> clients, List<AutoCloseable> ownedResources,
                          List<CatalogSource> catalogSources, Embedder embedder, QualityPredictor predictor,
                          boolean builtInPredictor, SemanticCacheStore cacheStore, Clock clock, Executor executor,
                          Scheduler scheduler, List<RequestInterceptor> interceptors, MeterRegistry meterRegistry,
                          List<Consumer<AuditRecord>> auditListeners, Map<String, Double> tenantCaps,
                          Map<String, Double> providerCaps, RetryConfig retry, CircuitConfig circuit,
                          Duration refreshInterval) {
}
