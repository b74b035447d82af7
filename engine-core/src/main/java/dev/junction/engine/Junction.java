package dev.junction.engine;

import dev.junction.engine.catalog.DefaultCatalog;
import dev.junction.engine.internal.CatalogQualityPredictor;
import dev.junction.engine.internal.Engine;
import dev.junction.engine.internal.EngineParts;
import dev.junction.engine.internal.InMemoryExactCacheStore;
import dev.junction.spi.AuditRecord;
import dev.junction.spi.CacheStats;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.Embedder;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.RequestInterceptor;
import dev.junction.spi.SemanticCacheStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The engine: for each request, decides whether a model call is needed (cache) and which provider and model to call
 * (routing by {@link Intent}), then calls it with failover, circuit breaking and budgets.
 *
 * <p>Build one with {@link #builder()} and share it: it is thread-safe and meant to live as long as the application.
 * Close it to release what it created (provider clients made from {@link ProviderConfig}s, the default cache store,
 * the default executor, a discovered embedder); parts passed in ready-made are the caller's to close.
 *
 * <pre>{@code
 * try (Junction junction = Junction.builder().providerClient(client).build()) {
 *     JunctionResponse r = junction.complete(ChatRequest.ofUser("Hello"), Intent.DEFAULT);
 * }
 * }</pre>
 */
public final class Junction implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Junction.class);

    /** Default catalog refresh interval: 30 seconds. */
    public static final Duration DEFAULT_CATALOG_REFRESH_INTERVAL = Duration.ofSeconds(30);

    private final Engine engine;

    private Junction(Engine engine) {
        this.engine = engine;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Answers a request, blocking until the answer or the failure.
     *
     * @throws InfeasibleIntentException no model meets the intent (lists every candidate and why)
     * @throws BudgetExceededException   the estimated cost exceeds a tenant's or provider's remaining budget
     * @throws DispatchFailedException   every candidate failed or the latency budget ran out
     * @throws dev.junction.spi.RequestRejectedException an interceptor refused the request
     */
    public JunctionResponse complete(ChatRequest request, Intent intent) {
        try {
            return engine.completeAsync(request, intent).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Answers a request asynchronously; the future fails with the exceptions {@link #complete} throws. Cancelling it
     * stops the wait, not the provider call: that runs to its end, is charged to the budgets and its answer cached.
     */
    public CompletableFuture<JunctionResponse> completeAsync(ChatRequest request, Intent intent) {
        return engine.completeAsync(request, intent);
    }

    /**
     * Streams the answer. Routing errors ({@link InfeasibleIntentException}, {@link BudgetExceededException}) are
     * thrown here; provider failures arrive in the stream as a final {@link dev.junction.spi.StreamEvent.Error} and
     * fail the decision future with {@link DispatchFailedException}. Nothing is sent until the events are
     * subscribed to; a stream nobody subscribes to within the intent's latency budget ends with a timeout, giving back
     * the budget it held.
     */
    public JunctionStream stream(ChatRequest request, Intent intent) {
        return engine.stream(request, intent);
    }

    /** The catalog in force with every model's live statistics and circuit state. */
    public LiveMatrix liveMatrix() {
        return engine.liveMatrix();
    }

    /** The models of the catalog in force, sorted by {@code provider/model}. */
    public List<ModelDescriptor> models() {
        return engine.models();
    }

    /** The ids of the providers a client is configured for, sorted. */
    public List<String> providers() {
        return engine.providers();
    }

    /** The cache store's counters (all zero when caching is off). */
    public CacheStats cacheStats() {
        return engine.cacheStats();
    }

    /**
     * Reports that a cached answer was wrong for the request it served: the entry is removed, so the next such request
     * calls a model, and the report is counted in {@link CacheStats#wrongHitReports()}.
     *
     * @param tenantId     the tenant the answer was served to (null or blank: the default tenant); another tenant's
     *                     entry is left alone
     * @param cacheEntryId {@link RouteDecision#cacheEntryId()} of the answer
     * @return whether the tenant had that entry (false when it expired, was already removed, or caching is off)
     */
    public boolean reportWrongCacheHit(String tenantId, String cacheEntryId) {
        return engine.reportWrongCacheHit(tenantId, cacheEntryId);
    }

    /** Spend and caps per tenant and provider; caps can be changed at run time. */
    public BudgetLedger budgets() {
        return engine.budgets();
    }

    /**
     * Polls every catalog source for changes now (it also happens on the refresh interval) and swaps in a new
     * snapshot when one changed; a failing or invalid source is logged and the previous snapshot is kept.
     *
     * @return whether a new snapshot is in force
     */
    public boolean refreshCatalog() {
        return engine.refreshCatalog();
    }

    @Override
    public void close() {
        engine.close();
    }

    /**
     * Builds a {@link Junction}; every part has a working default. Not thread-safe.
     */
    public static final class Builder {
        private ProviderPlugins plugins;
        private final List<ProviderConfig> providerConfigs = new ArrayList<>();
        private final List<ProviderClient> providerClients = new ArrayList<>();
        private final List<CatalogSource> catalogs = new ArrayList<>();
        private Embedder embedder;
        private boolean embedderSet;
        private QualityPredictor predictor;
        private SemanticCacheStore cacheStore;
        private boolean cacheSet;
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private Scheduler scheduler;
        private final List<RequestInterceptor> interceptors = new ArrayList<>();
        private MeterRegistry meterRegistry;
        private final List<Consumer<AuditRecord>> auditListeners = new ArrayList<>();
        private final Map<String, Double> tenantCaps = new LinkedHashMap<>();
        private final Map<String, Double> providerCaps = new LinkedHashMap<>();
        private RetryConfig retry = RetryConfig.ofDefaults();
        private CircuitConfig circuit = CircuitConfig.ofDefaults();
        private Duration refreshInterval = DEFAULT_CATALOG_REFRESH_INTERVAL;

        private Builder() {
        }

        /** The plugins {@link #provider(ProviderConfig)} configs are created with; default {@link ProviderPlugins#discover()}. */
        public Builder plugins(ProviderPlugins plugins) {
            this.plugins = Objects.requireNonNull(plugins, "plugins");
            return this;
        }

        /** A provider account to reach through its plugin; the engine creates and closes its client. */
        public Builder provider(ProviderConfig config) {
            providerConfigs.add(Objects.requireNonNull(config, "config"));
            return this;
        }

        /** A ready-made client (for embedders and tests); the caller closes it. */
        public Builder providerClient(ProviderClient client) {
            providerClients.add(Objects.requireNonNull(client, "client"));
            return this;
        }

        /**
         * Adds a catalog source; several merge in order, a later one winning on the same {@code provider/model}.
         * Default: {@link DefaultCatalog#source()}.
         */
        public Builder catalog(CatalogSource source) {
            catalogs.add(Objects.requireNonNull(source, "source"));
            return this;
        }

        /** Adds a fixed list of models as a catalog source. */
        public Builder models(List<ModelDescriptor> models) {
            List<ModelDescriptor> copy = List.copyOf(models);
            return catalog(new CatalogSource() {
                @Override
                public String name() {
                    return "builder models (" + copy.size() + ")";
                }

                @Override
                public List<ModelDescriptor> load() {
                    return copy;
                }
            });
        }

        /** Adds fixed models as a catalog source. */
        public Builder models(ModelDescriptor... models) {
            return models(List.of(models));
        }

        /** The embedder (null for none); default: the first {@link Embedder} {@link ServiceLoader} finds, else none. */
        public Builder embedder(Embedder embedder) {
            this.embedder = embedder;
            this.embedderSet = true;
            return this;
        }

        /**
         * The quality predictor; default: the first {@link QualityPredictor} {@link ServiceLoader} finds, else one
         * that reads the catalog's quality score for the prompt's detected task category.
         */
        public Builder qualityPredictor(QualityPredictor predictor) {
            this.predictor = Objects.requireNonNull(predictor, "predictor");
            return this;
        }

        /** The cache store (null turns caching off); default: an in-memory exact-match store. */
        public Builder cacheStore(SemanticCacheStore store) {
            this.cacheStore = store;
            this.cacheSet = true;
            return this;
        }

        /** The clock every timestamp and duration is read from; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where timer-driven work (retries, hedges, catalog refresh) runs; default: virtual threads. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The timer source, on the same time line as the clock; default {@link Scheduler#system()}. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Adds an interceptor; they run in the order added, and in reverse on answers. */
        public Builder interceptor(RequestInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Where metrics go; default a {@link SimpleMeterRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Receives the audit record of every finished request. */
        public Builder auditListener(Consumer<AuditRecord> listener) {
            auditListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Caps a tenant's total spend in US dollars. */
        public Builder tenantBudget(String tenantId, double capUsd) {
            if (!(capUsd >= 0)) {
                throw new IllegalArgumentException("tenant budget for " + tenantId + " must be >= 0, was " + capUsd);
            }
            tenantCaps.put(Objects.requireNonNull(tenantId, "tenantId"), capUsd);
            return this;
        }

        /** Caps a provider's total spend in US dollars. */
        public Builder providerBudget(String providerId, double capUsd) {
            if (!(capUsd >= 0)) {
                throw new IllegalArgumentException("provider budget for " + providerId + " must be >= 0, was " + capUsd);
            }
            providerCaps.put(Objects.requireNonNull(providerId, "providerId"), capUsd);
            return this;
        }

        public Builder retry(RetryConfig retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        public Builder circuitBreaker(CircuitConfig circuit) {
            this.circuit = Objects.requireNonNull(circuit, "circuit");
            return this;
        }

        /** How often catalog sources are polled for changes; {@link Duration#ZERO} turns polling off. */
        public Builder catalogRefreshInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.compareTo(Intent.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("catalogRefreshInterval must be >= 0 and at most "
                        + Intent.MAX_DURATION.toDays() + " days, was " + interval);
            }
            this.refreshInterval = interval;
            return this;
        }

        /**
         * Builds the engine: creates the configured provider clients and loads the catalog.
         *
         * @throws IllegalStateException when a plugin is missing, two clients serve one provider, or a catalog
         *                               source cannot be loaded
         */
        public Junction build() {
            List<AutoCloseable> owned = new ArrayList<>();
            Map<String, ProviderClient> clients = new LinkedHashMap<>();
            try {
                for (ProviderClient c : providerClients) {
                    putClient(clients, c);
                }
                if (!providerConfigs.isEmpty()) {
                    ProviderPlugins p = plugins != null ? plugins : ProviderPlugins.discover();
                    for (ProviderConfig config : providerConfigs) {
                        ProviderClient c = p.require(config.pluginId()).create(config);
                        owned.add(c);
                        putClient(clients, c);
                    }
                }
                Embedder emb = embedder;
                if (!embedderSet) {
                    emb = first(Embedder.class);
                    if (emb != null) {
                        owned.add(emb);
                    }
                }
                QualityPredictor pred = predictor;
                boolean builtIn = false;
                if (pred == null) {
                    pred = first(QualityPredictor.class);
                    if (pred != null && !reads(pred, emb)) {
                        LOG.warn("the quality predictor {} was trained on {} embeddings, not on the embedder's {}: "
                                + "routing uses catalog scores", pred, pred.embedderId(), emb.modelId());
                        pred = null;
                    }
                    if (pred == null) {
                        pred = new CatalogQualityPredictor();
                        builtIn = true;
                    }
                } else if (!reads(pred, emb)) {
                    throw new IllegalStateException("the quality predictor " + pred + " was trained on "
                            + pred.embedderId() + " embeddings, but the embedder gives " + emb.modelId()
                            + " embeddings: pair it with the embedder it was trained on");
                } else {
                    builtIn = pred instanceof CatalogQualityPredictor;
                }
                SemanticCacheStore store = cacheStore;
                if (!cacheSet) {
                    store = new InMemoryExactCacheStore();
                    owned.add(store);
                }
                Executor exec = executor;
                if (exec == null) {
                    ExecutorService vt = Executors.newThreadPerTaskExecutor(
                            Thread.ofVirtual().name("junction-", 0).factory());
                    owned.add(vt::shutdown);
                    exec = vt;
                }
                List<CatalogSource> sources = catalogs.isEmpty() ? List.of(DefaultCatalog.source()) : catalogs;
                EngineParts parts = new EngineParts(clients, owned, sources, emb, pred, builtIn, store, clock, exec,
                        scheduler != null ? scheduler : Scheduler.system(), List.copyOf(interceptors),
                        meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(), List.copyOf(auditListeners),
                        Map.copyOf(tenantCaps), Map.copyOf(providerCaps), retry, circuit, refreshInterval);
                return new Junction(new Engine(parts));
            } catch (RuntimeException e) {
                for (AutoCloseable c : owned) {
                    try {
                        c.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        /** Whether {@code predictor} can read {@code embedder}'s vectors (or needs none, or there are none). */
        private static boolean reads(QualityPredictor predictor, Embedder embedder) {
            return embedder == null || predictor.embedderId() == null || predictor.embedderId().equals(embedder.modelId());
        }

        private static void putClient(Map<String, ProviderClient> clients, ProviderClient c) {
            ProviderClient previous = clients.putIfAbsent(c.providerId(), c);
            if (previous != null) {
                throw new IllegalStateException("two provider clients serve '" + c.providerId() + "': "
                        + previous.getClass().getName() + " and " + c.getClass().getName());
            }
        }

        private static <T> T first(Class<T> type) {
            Iterator<T> it = ServiceLoader.load(type).iterator();
            return it.hasNext() ? it.next() : null;
        }
    }
}
