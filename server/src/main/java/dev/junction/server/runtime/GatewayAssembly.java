package dev.junction.server.runtime;

import dev.junction.cache.ChronicleCacheConfig;
import dev.junction.cache.ChronicleSemanticCache;
import dev.junction.embeddings.OnnxEmbedder;
import dev.junction.engine.Intent;
import dev.junction.engine.Junction;
import dev.junction.engine.ProviderPlugins;
import dev.junction.engine.catalog.DefaultCatalog;
import dev.junction.engine.catalog.FileCatalogSource;
import dev.junction.server.config.ConfigException;
import dev.junction.server.config.JunctionConfig;
import dev.junction.server.http.ApiError;
import dev.junction.server.http.GatewayOptions;
import dev.junction.server.http.IntentDefaults;
import dev.junction.server.http.Tenant;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.Embedder;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ProviderPreset;
import dev.junction.spi.QualityPredictor;
import dev.junction.spi.Secret;
import dev.junction.spi.SemanticCacheStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns a {@link JunctionConfig} and the environment into running parts: provider configs, tenants, the engine with
 * its embedder and persistent cache, and the listener options.
 *
 * <p>Provider keys come only from environment variables; a provider named in the file whose key variable is unset
 * is a start-up error, while without a {@code providers} section every plugin preset whose key variable is set is
 * enabled. Parts that cannot start (no embedding model on the class path, a cache file that cannot be opened) are
 * logged and left out, so the gateway still serves with an exact in-memory cache.
 */
public final class GatewayAssembly {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayAssembly.class);

    private GatewayAssembly() {
    }

    /** The listener options of a configuration. */
    public static GatewayOptions options(JunctionConfig config) {
        JunctionConfig.Server s = config.server();
        GatewayOptions d = GatewayOptions.DEFAULTS;
        return new GatewayOptions(s.host() == null ? d.host() : s.host(), s.port() == null ? d.port() : s.port(),
                s.maxBodyBytes() == null ? d.maxBodyBytes() : s.maxBodyBytes(),
                s.readTimeoutSeconds() == null ? d.readTimeout() : Duration.ofSeconds(s.readTimeoutSeconds()),
                d.streamEventTimeout());
    }

    /** Virtual key to tenant, from the configuration (keys may come from environment variables). */
    public static Map<String, Tenant> tenants(JunctionConfig config, Map<String, String> env) {
        Map<String, Tenant> keys = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        for (JunctionConfig.TenantConfig t : config.tenants()) {
            if (!ids.add(t.id())) {
                throw new ConfigException("tenant " + t.id() + ": listed twice; give each tenant one entry");
            }
            Intent intent;
            try {
                intent = t.intent() == null ? Intent.DEFAULT : IntentDefaults.parse(t.intent());
            } catch (ApiError e) {
                throw new ConfigException("tenant " + t.id() + ": intent: " + e.getMessage());
            }
            Tenant tenant = new Tenant(t.id(), t.budgetUsd() == null ? Double.POSITIVE_INFINITY : t.budgetUsd(),
                    t.requestsPerSecond() == null ? 0 : t.requestsPerSecond(), intent);
            List<String> tenantKeys = new ArrayList<>(t.keys());
            if (t.keyEnv() != null) {
                String v = env.get(t.keyEnv());
                if (v == null || v.isBlank()) {
                    throw new ConfigException("tenant " + t.id() + ": environment variable " + t.keyEnv() + " is not set");
                }
                tenantKeys.add(v.strip()); // an env file's CR or trailing space would make the key unmatchable
            }
            for (String k : tenantKeys) {
                if (keys.put(k, tenant) != null) {
                    throw new ConfigException("tenant " + t.id() + ": a virtual key is given to two tenants");
                }
            }
        }
        return keys;
    }

    /** The provider accounts to configure. */
    public static List<ProviderConfig> providers(JunctionConfig config, Map<String, String> env, ProviderPlugins plugins,
                                                 List<ProviderPlugin> pluginList) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        Map<String, Map.Entry<ProviderPlugin, ProviderPreset>> presets = new LinkedHashMap<>();
        for (ProviderPlugin p : pluginList) {
            for (ProviderPreset preset : p.presets()) {
                presets.putIfAbsent(preset.providerId(), Map.entry(p, preset));
            }
        }
        if (config.providers() == null) {
            for (Map.Entry<ProviderPlugin, ProviderPreset> e : presets.values()) {
                ProviderPreset preset = e.getValue();
                String key = preset.apiKeyEnv() == null ? null : env.get(preset.apiKeyEnv());
                if (key != null && !key.isBlank()) {
                    out.put(preset.providerId(), new ProviderConfig(preset.providerId(), e.getKey().id(), preset.baseUrl(),
                            new Secret(key), Map.of(), null, preset.options()));
                }
            }
            return List.copyOf(out.values());
        }
        for (JunctionConfig.Provider p : config.providers()) {
            if (out.containsKey(p.id())) {
                throw new ConfigException("provider " + p.id() + ": listed twice; give each provider id one entry");
            }
            Map.Entry<ProviderPlugin, ProviderPreset> known = presets.get(p.id());
            String pluginId = p.plugin() != null ? p.plugin() : known == null ? null : known.getKey().id();
            if (pluginId == null) {
                throw new ConfigException("provider " + p.id() + ": no preset has this id, so 'plugin' and 'base_url' are "
                        + "required (known presets: " + String.join(", ", presets.keySet()) + ")");
            }
            try {
                plugins.require(pluginId);
            } catch (IllegalStateException e) {
                throw new ConfigException("provider " + p.id() + ": " + e.getMessage());
            }
            URI baseUrl;
            try {
                baseUrl = p.baseUrl() != null ? URI.create(p.baseUrl()) : known == null ? null : known.getValue().baseUrl();
            } catch (IllegalArgumentException e) {
                throw new ConfigException("provider " + p.id() + ": base_url is not a URL: " + e.getMessage());
            }
            if (baseUrl == null) {
                throw new ConfigException("provider " + p.id() + ": base_url is required");
            }
            if (baseUrl.getScheme() == null || !(baseUrl.getScheme().equalsIgnoreCase("http")
                    || baseUrl.getScheme().equalsIgnoreCase("https")) || baseUrl.getHost() == null) {
                throw new ConfigException("provider " + p.id() + ": base_url must be an absolute http:// or https:// "
                        + "URL, was " + baseUrl);
            }
            String keyEnv = p.apiKeyEnv() != null ? p.apiKeyEnv() : known == null ? null : known.getValue().apiKeyEnv();
            Secret key = null;
            if (keyEnv != null) {
                String v = env.get(keyEnv);
                if (v == null || v.isBlank()) {
                    throw new ConfigException("provider " + p.id() + ": environment variable " + keyEnv + " is not set");
                }
                key = new Secret(v.strip()); // a trailing CR or newline would be sent inside the auth header
            }
            Map<String, String> options = new LinkedHashMap<>();
            if (known != null) {
                options.putAll(known.getValue().options());
            }
            options.putAll(p.options());
            out.put(p.id(), new ProviderConfig(p.id(), pluginId, baseUrl, key, p.headers(), null, options));
        }
        return List.copyOf(out.values());
    }

    /**
     * Builds the engine backend.
     *
     * @param providers     provider accounts
     * @param catalog       the catalog source, or null for the built-in one
     * @param dataDir       where the cache file lives, or null for no persistent cache
     * @param cache         cache settings
     * @param registry      where engine metrics go
     * @param providerCaps  provider budgets
     * @param customize     last changes to the engine builder (tests, the demo)
     */
    public static EngineBackend backend(List<ProviderConfig> providers, CatalogSource catalog, Path dataDir,
                                        JunctionConfig.Cache cache, MeterRegistry registry,
                                        Map<String, Double> providerCaps, Consumer<Junction.Builder> customize) {
        List<AutoCloseable> owned = new ArrayList<>();
        Map<String, Object> facts = new LinkedHashMap<>();
        Embedder embedder = null;
        try {
            embedder = new OnnxEmbedder();
            owned.add(embedder);
            facts.put("embedder", embedder.modelId());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("no local embedding model ({}): semantic caching and /v1/embeddings are off", e.toString());
            facts.put("embedder", null);
        }
        SemanticCacheStore store = null;
        if (cache.on() && embedder != null && dataDir != null) {
            Path file = dataDir.resolve("cache-" + embedder.modelId() + ".dat");
            try {
                store = ChronicleSemanticCache.openOrCreate(ChronicleCacheConfig.custom(file)
                        .maxEntries(cache.capacity())
                        .averageEntryBytes(4096)
                        .dimensions(embedder.dimensions())
                        .embeddingModel(embedder.modelId())
                        .build());
                owned.add(0, store);
                facts.put("cache", file.toString());
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("cannot open the semantic cache at {} ({}): using an in-memory exact cache", file, e.toString());
            }
        }
        if (store == null) {
            facts.put("cache", cache.on() ? "in-memory exact" : "off");
        }
        Junction.Builder b = Junction.builder().embedder(embedder).meterRegistry(registry);
        try {
            ServiceLoader.load(QualityPredictor.class).findFirst();
        } catch (ServiceConfigurationError | LinkageError e) {
            LOG.warn("the trained quality predictor cannot load ({}): routing uses catalog scores only", e.toString());
            b.qualityPredictor(new FallbackQualityPredictor());
            facts.put("predictor", "catalog scores (fallback)");
        }
        if (!cache.on()) {
            b.cacheStore(null);
        } else if (store != null) {
            b.cacheStore(store);
        }
        b.catalog(catalog != null ? catalog : DefaultCatalog.source());
        for (ProviderConfig p : providers) {
            b.provider(p);
        }
        providerCaps.forEach(b::providerBudget);
        customize.accept(b);
        try {
            return new EngineBackend(b.build(), embedder, owned, facts);
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

    /** The catalog source a configuration names, or null for the built-in one. */
    public static CatalogSource catalog(JunctionConfig config, Path configDir) {
        if (config.catalog() == null) {
            return null;
        }
        Path path = configDir == null ? Path.of(config.catalog()) : configDir.resolve(config.catalog());
        return FileCatalogSource.of(path);
    }

}
