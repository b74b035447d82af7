package dev.junction.server.cli;

import dev.junction.engine.ProviderPlugins;
import dev.junction.server.config.ConfigException;
import dev.junction.server.config.ConfigLoader;
import dev.junction.server.config.JunctionConfig;
import dev.junction.server.http.GatewayOptions;
import dev.junction.server.http.GatewayServer;
import dev.junction.server.http.Tenant;
import dev.junction.server.http.TenantAuthenticator;
import dev.junction.server.runtime.EngineBackend;
import dev.junction.server.runtime.GatewayAssembly;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code junction serve}: the OpenAI-compatible gateway. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {
            "Runs the OpenAI-compatible gateway: POST /v1/chat/completions (streaming or not), GET /v1/models, "
                    + "POST /v1/embeddings, GET /healthz, GET /metrics (Prometheus) and read-only GET /admin/matrix, "
                    + "/admin/cache, /admin/budgets.",
            "",
            "Send \"model\": \"junction/auto\" to let Junction route (a named model pins it). State the intent in an "
                    + "\"intent\" body object or x-junction-* headers (max_cost_usd / x-junction-max-cost-usd, "
                    + "latency_budget_ms, ttft_budget_ms, min_quality, objective = cheapest|fastest|best_quality|balanced, "
                    + "cache = off|exact|semantic, ...); the decision comes back in x-junction-* response headers and "
                    + "a \"junction\" field.",
            "",
            "Without --config: the built-in catalog, a persistent semantic cache under ./junction-data, and one provider "
                    + "per key variable that is set (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, ...). With no "
                    + "tenants configured the gateway is open; bind it to loopback only (the default)."
        })
public final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML (.yaml/.yml) or JSON (.json) configuration file; a bad file stops the start with its "
                    + "line, column and reason.")
    Path config;

    @Option(names = "--host", description = "Address to bind (default: the file's, else 127.0.0.1).")
    String host;

    @Option(names = {"-p", "--port"}, description = "Port to listen on, 0 for any free port (default: the file's, else 8080).")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the cache file lives (default: the file's, "
            + "else ./junction-data).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Running running;
        try {
            running = start(config, host, port, dataDir, System.getenv());
        } catch (ConfigException e) {
            System.err.println("junction serve: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "junction-shutdown"));
        stopped.await();
        return 0;
    }

    /** A started gateway: the HTTP server and the engine behind it. */
    public record Running(GatewayServer server, EngineBackend backend) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            backend.close();
        }
    }

    /** Starts the gateway from a configuration file (or the embedded defaults) and the environment. */
    public static Running start(Path configFile, String host, Integer port, Path dataDir, Map<String, String> env) {
        JunctionConfig cfg = configFile == null ? JunctionConfig.DEFAULTS : ConfigLoader.load(configFile);
        Path configDir = configFile == null ? null : configFile.toAbsolutePath().getParent();
        GatewayOptions options = GatewayAssembly.options(cfg);
        options = new GatewayOptions(host != null ? host : options.host(), port != null ? port : options.port(),
                options.maxBodyBytes(), options.readTimeout(), options.streamEventTimeout());
        List<ProviderPlugin> pluginList = new ArrayList<>();
        ServiceLoader.load(ProviderPlugin.class).forEach(pluginList::add);
        ProviderPlugins plugins = ProviderPlugins.of(pluginList);
        List<ProviderConfig> providers = GatewayAssembly.providers(cfg, env, plugins, pluginList);
        Map<String, Tenant> keys = GatewayAssembly.tenants(cfg, env);
        Map<String, Double> providerCaps = new LinkedHashMap<>();
        if (cfg.providers() != null) {
            cfg.providers().stream().filter(p -> p.budgetUsd() != null).forEach(p -> providerCaps.put(p.id(), p.budgetUsd()));
        }
        CatalogSource catalog = GatewayAssembly.catalog(cfg, configDir);
        if (catalog != null) {
            try {
                catalog.load(); // before the embedder loads and the cache file is created
            } catch (IOException e) {
                throw new ConfigException(configFile + ": catalog: " + e.getMessage(), e);
            }
        }
        Path data = dataDir != null ? dataDir : Path.of(cfg.dataDir());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EngineBackend backend = GatewayAssembly.backend(providers, catalog, data,
                cfg.cache(), registry, providerCaps, b -> { });
        try {
            TenantAuthenticator auth = new TenantAuthenticator(keys);
            GatewayServer server = new GatewayServer(backend, auth, options, registry, Clock.systemUTC()).start();
            System.out.println("Junction gateway listening on http://" + options.host() + ":" + server.port()
                    + "  providers: " + (providers.isEmpty() ? "none (set OPENAI_API_KEY, ANTHROPIC_API_KEY, "
                    + "GEMINI_API_KEY, ...)" : String.join(", ", providers.stream().map(ProviderConfig::providerId).toList()))
                    + "  tenants: " + (auth.open() ? "open (no virtual keys configured)"
                    : new LinkedHashSet<>(keys.values().stream().map(Tenant::id).toList()).size())
                    + "  cache: " + backend.health().get("cache"));
            return new Running(server, backend);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }
}
