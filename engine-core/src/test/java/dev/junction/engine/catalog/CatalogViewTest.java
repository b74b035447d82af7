package dev.junction.engine.catalog;

import dev.junction.engine.CircuitState;
import dev.junction.engine.LiveMatrix;
import dev.junction.engine.LiveStats;
import dev.junction.engine.ModelStatus;
import dev.junction.spi.Capability;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogViewTest {
    private static LiveMatrix matrix() {
        LiveStats observed = new LiveStats(40, 2, 0.05, Duration.ofMillis(310), Duration.ofMillis(700), 85.5,
                Duration.ofMillis(1200), Duration.ofMillis(2400), Duration.ofMillis(3100));
        ModelStatus sonnet = new ModelStatus(DefaultCatalog.models().stream()
                .filter(m -> m.id().equals("anthropic/claude-sonnet-4-5")).findFirst().orElseThrow(), true, observed,
                CircuitState.CLOSED, CircuitState.HALF_OPEN);
        ModelStatus cheap = new ModelStatus(TestCatalogs.model("alpha", "a", 0.05, 0.4), false, LiveStats.EMPTY,
                CircuitState.CLOSED, CircuitState.CLOSED);
        return new LiveMatrix(7, Instant.parse("2026-11-21T23:00:00Z"), List.of(cheap, sonnet));
    }

    @Test
    void showsStaticFactsNextToLiveStatisticsAndFiltersByProviderAndCapability() {
        LiveMatrix m = matrix();
        assertEquals(2, CatalogView.rows(m, CatalogView.Filter.ALL).size());
        assertEquals(1, CatalogView.rows(m, new CatalogView.Filter(Set.of("anthropic"), Set.of())).size());
        assertEquals(List.of("anthropic/claude-sonnet-4-5"), CatalogView.rows(m,
                new CatalogView.Filter(Set.of(), Set.of(Capability.VISION))).stream().map(ModelStatus::modelId).toList());

        String table = CatalogView.table(CatalogView.rows(m, CatalogView.Filter.ALL));
        String[] lines = table.split("\\R");
        assertEquals(3, lines.length, table);
        assertTrue(lines[0].startsWith("MODEL"), table);
        assertTrue(lines[2].startsWith("anthropic/claude-sonnet-4-5"), table);
        for (String cell : List.of("200k", "3.00", "15.00", "0.30", "limited", "yes", "40", "5.0", "310 ms", "86",
                "2400 ms", "provider closed, model half_open", "tools,schema,vision,stream,reason")) {
            assertTrue(lines[2].contains(cell), cell + " in " + lines[2]);
        }
        assertTrue(lines[1].contains("0.05") && lines[1].contains(" no ") && lines[1].contains("closed"), lines[1]);
    }

    @Test
    void jsonRoundTrips() throws InvalidCatalogException {
        LiveMatrix m = matrix();
        String json = CatalogView.toJson(m, m.models());
        LiveMatrix back = CatalogView.fromJson(json.getBytes(StandardCharsets.UTF_8), "admin");
        assertEquals(m, back);
    }

    @Test
    void readsTheGatewaysOwnAdminMatrixRows() throws InvalidCatalogException {
        String json = """
                {"version": 3, "loaded_at": "2026-11-21T23:00:00Z", "providers": ["openai"],
                 "models": [{"model": "openai/gpt-5-mini", "configured": true, "context_window": 272000,
                   "input_usd_per_million": 0.25, "output_usd_per_million": 2.0, "capabilities": ["streaming", "tools"],
                   "calls": 10, "error_rate": 0.1, "latency_p50_ms": 900.5, "latency_p99_ms": 2000, "ttft_p95_ms": 400,
                   "tokens_per_second": 70.0, "provider_circuit": "closed", "model_circuit": "open"}]}
                """;
        LiveMatrix m = CatalogView.fromJson(json.getBytes(StandardCharsets.UTF_8), "gateway");
        ModelStatus row = m.models().getFirst();
        assertEquals("openai/gpt-5-mini", row.modelId());
        assertEquals(Set.of(Capability.STREAMING, Capability.TOOLS), row.descriptor().capabilities());
        assertEquals(1, row.stats().errors());
        assertEquals(Duration.ofMillis(400), row.stats().timeToFirstTokenP95());
        assertEquals(CircuitState.OPEN, row.modelCircuit());
        assertTrue(CatalogView.table(m.models()).contains("provider closed, model open"));
    }

    @Test
    void aBadLoadTimeIsNamedWithItsField() {
        InvalidCatalogException own = org.junit.jupiter.api.Assertions.assertThrows(InvalidCatalogException.class,
                () -> CatalogView.fromJson("""
                        {"format": "junction-live-matrix", "loadedAt": "yesterday", "models": []}"""
                        .getBytes(StandardCharsets.UTF_8), "m.json"));
        assertTrue(own.getMessage().startsWith("m.json: \"loadedAt\" must be an ISO-8601 instant")
                && own.getMessage().endsWith("was 'yesterday'"), own.getMessage());
        InvalidCatalogException gateway = org.junit.jupiter.api.Assertions.assertThrows(InvalidCatalogException.class,
                () -> CatalogView.fromJson("""
                        {"loaded_at": "11/21/2026", "models": [{"model": "openai/gpt-5-mini", "context_window": 272000,
                          "input_usd_per_million": 0.25, "output_usd_per_million": 2.0}]}"""
                        .getBytes(StandardCharsets.UTF_8), "gateway"));
        assertTrue(gateway.getMessage().contains("\"loaded_at\"") && gateway.getMessage().contains("'11/21/2026'"),
                gateway.getMessage());
    }
}
