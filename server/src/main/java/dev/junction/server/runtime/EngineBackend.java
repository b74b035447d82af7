package dev.junction.server.runtime;

import dev.junction.engine.BudgetStatus;
import dev.junction.engine.Intent;
import dev.junction.engine.Junction;
import dev.junction.engine.JunctionResponse;
import dev.junction.engine.JunctionStream;
import dev.junction.engine.LiveMatrix;
import dev.junction.engine.LiveStats;
import dev.junction.engine.ModelStatus;
import dev.junction.server.http.ApiError;
import dev.junction.server.http.GatewayBackend;
import dev.junction.spi.CacheStats;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.Embedder;
import dev.junction.spi.ModelDescriptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The production {@link GatewayBackend}: the {@link Junction} engine, plus the local embedder for
 * {@code /v1/embeddings}.
 *
 * <p>Thread-safe. Closing it closes the engine and the parts this server created (cache, embedder).
 */
public final class EngineBackend implements GatewayBackend {

    private final Junction junction;
    private final Embedder embedder;
    private final List<AutoCloseable> owned;
    private final Map<String, Object> facts;

    /**
     * @param junction the engine
     * @param embedder the embedder the engine uses, or null
     * @param owned    what to close after the engine, in order
     * @param facts    what {@code /healthz} reports besides the provider list (cache file, embedder; a null value
     *                 says there is none)
     */
    public EngineBackend(Junction junction, Embedder embedder, List<AutoCloseable> owned, Map<String, Object> facts) {
        this.junction = junction;
        this.embedder = embedder;
        this.owned = List.copyOf(owned);
        this.facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts)); // Map.copyOf refuses null values
    }

    /** The engine behind this backend. */
    public Junction junction() {
        return junction;
    }

    @Override
    public JunctionResponse complete(ChatRequest request, Intent intent) {
        requireProviders();
        return junction.complete(request, intent);
    }

    @Override
    public JunctionStream stream(ChatRequest request, Intent intent) {
        requireProviders();
        return junction.stream(request, intent);
    }

    private void requireProviders() {
        if (junction.providers().isEmpty()) {
            throw new ApiError(503, "server_error", "no_providers", null, "No provider is configured on this server: "
                    + "set a provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, ...) in the server's "
                    + "environment or list providers in its configuration file, then restart it.");
        }
    }

    @Override
    public List<ModelDescriptor> models() {
        List<ModelDescriptor> out = new ArrayList<>();
        for (ModelStatus m : junction.liveMatrix().models()) {
            if (m.configured()) {
                out.add(m.descriptor());
            }
        }
        return out;
    }

    @Override
    public Optional<Embedder> embedder() {
        return Optional.ofNullable(embedder);
    }

    @Override
    public boolean reportWrongCacheHit(String tenantId, String cacheEntryId) {
        return junction.reportWrongCacheHit(tenantId, cacheEntryId);
    }

    @Override
    public void setTenantBudget(String tenantId, double capUsd) {
        junction.budgets().setTenantCap(tenantId, capUsd);
    }

    @Override
    public Object matrixView() {
        LiveMatrix matrix = junction.liveMatrix();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("version", matrix.version());
        view.put("loaded_at", matrix.loadedAt().toString());
        view.put("providers", junction.providers());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModelStatus m : matrix.models()) {
            ModelDescriptor d = m.descriptor();
            LiveStats s = m.stats();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", d.id());
            row.put("configured", m.configured());
            row.put("context_window", d.contextWindow());
            row.put("input_usd_per_million", d.prices().inputPerMillion());
            row.put("output_usd_per_million", d.prices().outputPerMillion());
            row.put("capabilities", d.capabilities().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList());
            row.put("calls", s.calls());
            row.put("error_rate", s.errorRate());
            row.put("latency_p50_ms", millis(s.latencyP50()));
            row.put("latency_p99_ms", millis(s.latencyP99()));
            row.put("ttft_p95_ms", millis(s.timeToFirstTokenP95()));
            row.put("tokens_per_second", s.tokensPerSecond());
            row.put("provider_circuit", m.providerCircuit().name().toLowerCase(Locale.ROOT));
            row.put("model_circuit", m.modelCircuit().name().toLowerCase(Locale.ROOT));
            rows.add(row);
        }
        view.put("models", rows);
        return view;
    }

    private static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }

    @Override
    public Object cacheView() {
        CacheStats s = junction.cacheStats();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("exact_hits", s.exactHits());
        view.put("semantic_hits", s.semanticHits());
        view.put("misses", s.misses());
        long lookups = s.hits() + s.misses();
        view.put("hit_rate", lookups == 0 ? 0.0 : (double) s.hits() / lookups);
        view.put("guard_rejects", s.guardRejects());
        view.put("wrong_hit_reports", s.wrongHitReports());
        view.put("evictions", s.evictions());
        view.put("expirations", s.expirations());
        view.put("entries", s.entries());
        view.put("bytes", s.bytes());
        view.put("cost_saved_usd", s.costSavedUsd());
        return view;
    }

    @Override
    public Object budgetsView() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BudgetStatus b : junction.budgets().all()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("budget", b.budget());
            row.put("cap_usd", Double.isInfinite(b.capUsd()) ? null : b.capUsd());
            row.put("spent_usd", b.spentUsd());
            row.put("held_usd", b.heldUsd());
            row.put("remaining_usd", Double.isInfinite(b.remainingUsd()) ? null : b.remainingUsd());
            rows.add(row);
        }
        return rows;
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("providers", junction.providers());
        h.put("models", models().size());
        h.putAll(facts);
        return h;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            junction.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + c, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
