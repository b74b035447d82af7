package dev.junction.server.e2e;

import dev.junction.server.config.JunctionConfig;
import dev.junction.server.demo.SimulatedProvider;
import dev.junction.server.http.GatewayOptions;
import dev.junction.server.http.GatewayServer;
import dev.junction.server.http.Tenant;
import dev.junction.server.http.TenantAuthenticator;
import dev.junction.server.runtime.EngineBackend;
import dev.junction.server.runtime.GatewayAssembly;
import dev.junction.spi.Capability;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.Secret;
import dev.junction.spi.TaskCategory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole gateway on loopback: a simulated OpenAI-wire upstream, the real engine with the real OpenAI-compatible
 * plugin, and the HTTP server, with the virtual keys {@link #KEY} (tenant "test") and {@link #OTHER_KEY} (tenant "other").
 */
final class LoopbackGateway implements AutoCloseable {

    static final String KEY = "jk-test-key-0123456789";
    static final String OTHER_KEY = "jk-other-key-0123456789";

    final SimulatedProvider upstream;
    final EngineBackend backend;
    final GatewayServer server;

    LoopbackGateway(Path dataDir, boolean cache) {
        this(dataDir, cache, 100);
    }

    LoopbackGateway(Path dataDir, boolean cache, double tenantBudgetUsd) {
        upstream = new SimulatedProvider(SimulatedProvider.Wire.OPENAI, Map.of(
                "up-small", new SimulatedProvider.Model("up-small", Duration.ZERO, Duration.ZERO, 0, 12),
                "up-large", new SimulatedProvider.Model("up-large", Duration.ZERO, Duration.ZERO, 0, 12)), 1);
        List<ModelDescriptor> models = List.of(model("up-small", 0.2, 0.8, 0.7), model("up-large", 3, 12, 0.9));
        CatalogSource catalog = new CatalogSource() {
            @Override
            public String name() {
                return "test catalog";
            }

            @Override
            public List<ModelDescriptor> load() {
                return models;
            }
        };
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        backend = GatewayAssembly.backend(List.of(ProviderConfig.of("upstream", "openai-compatible", upstream.baseUrl(),
                        new Secret("sk-upstream-secret"))), catalog, dataDir, new JunctionConfig.Cache(cache, 1000L), registry,
                Map.of(), b -> { });
        server = new GatewayServer(backend, new TenantAuthenticator(Map.of(KEY, new Tenant("test", tenantBudgetUsd, 0, null),
                OTHER_KEY, new Tenant("other", 100, 0, null))),
                GatewayOptions.DEFAULTS.withPort(0), registry, Clock.systemUTC()).start();
    }

    private static ModelDescriptor model(String id, double in, double out, double q) {
        return new ModelDescriptor("upstream", id, 128_000, 4096, new Prices(in, out, in),
                Set.of(Capability.TOOLS, Capability.STREAMING, Capability.JSON_SCHEMA), Set.of(), DataRetention.ZERO,
                Map.of(TaskCategory.GENERAL, q, TaskCategory.CODING, q, TaskCategory.MATH, q, TaskCategory.REASONING, q));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    @Override
    public void close() {
        server.close();
        backend.close();
        upstream.close();
    }
}
