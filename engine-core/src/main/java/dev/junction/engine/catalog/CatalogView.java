package dev.junction.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.engine.CircuitState;
import dev.junction.engine.LiveMatrix;
import dev.junction.engine.LiveStats;
import dev.junction.engine.ModelStatus;
import dev.junction.spi.Capability;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.TaskCategory;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The live capability and price matrix for people and scripts: each model's static facts (limits, prices,
 * capabilities, regions, retention, quality) next to its live statistics (time to first token, tokens per second,
 * error rate, latency, circuit state), filtered by provider and capability, as a text table or JSON.
 *
 * <p>{@code junction catalog} prints it; a server's admin endpoint can serve {@link #toJson} and the CLI can read
 * that back with {@link #fromJson} ({@code junction catalog --from URL}). The JSON is, per model, the model object
 * of {@linkplain CatalogFormat#JUNCTION Junction's catalog format} plus {@code configured}, {@code live} and
 * {@code circuit}. Stateless and thread-safe.
 */
public final class CatalogView {
    /** The format name of the JSON document. */
    public static final String FORMAT_NAME = "junction-live-matrix";

    private CatalogView() {
    }

    /**
     * Which rows to show.
     *
     * @param providers    if not empty, only these providers
     * @param capabilities every one of these capabilities is required
     */
    public record Filter(Set<String> providers, Set<Capability> capabilities) {
        /** Every model. */
        public static final Filter ALL = new Filter(Set.of(), Set.of());

        public Filter {
            providers = providers == null ? Set.of() : Set.copyOf(providers);
            capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
        }

        public boolean matches(ModelDescriptor d) {
            return (providers.isEmpty() || providers.contains(d.provider()))
                    && d.capabilities().containsAll(capabilities);
        }
    }

    /** The rows of {@code matrix} that pass {@code filter}, in the matrix's order. */
    public static List<ModelStatus> rows(LiveMatrix matrix, Filter filter) {
        List<ModelStatus> out = new ArrayList<>();
        for (ModelStatus s : matrix.models()) {
            if (filter.matches(s.descriptor())) {
                out.add(s);
            }
        }
        return out;
    }

    /** A fixed-width text table, one line per model; unknown values show as {@code -}. */
    public static String table(List<ModelStatus> rows) {
        String[] header = {"MODEL", "CONTEXT", "MAX OUT", "$IN/1M", "$OUT/1M", "$CACHED", "CAPABILITIES", "REGIONS",
            "RETENTION", "Q gen/cod/mat/rea/mul/lng", "CONF", "CALLS", "ERR%", "TTFT p50", "TOK/S", "LAT p95",
            "CIRCUIT"};
        List<String[]> lines = new ArrayList<>();
        lines.add(header);
        for (ModelStatus s : rows) {
            ModelDescriptor d = s.descriptor();
            LiveStats st = s.stats();
            lines.add(new String[] {
                d.id(), tokens(d.contextWindow()), tokens(d.maxOutputTokens()), money(d.prices().inputPerMillion()),
                money(d.prices().outputPerMillion()), money(d.prices().cachedInputPerMillion()), caps(d),
                d.regions().isEmpty() ? "-" : String.join(",", d.regions().stream().sorted().toList()),
                d.retention() == DataRetention.UNKNOWN ? "-" : d.retention().name().toLowerCase(Locale.ROOT),
                quality(d), s.configured() ? "yes" : "no", Integer.toString(st.calls()),
                st.calls() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", st.errorRate() * 100),
                millis(st.timeToFirstTokenP50()),
                st.tokensPerSecond() > 0 ? String.format(Locale.ROOT, "%.0f", st.tokensPerSecond()) : "-",
                millis(st.latencyP95()), circuit(s)});
        }
        int[] width = new int[header.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                boolean left = i == 0 || i == 6 || i == 7 || i == 8 || i == 9 || i == 16;
                String cell = l[i];
                String pad = " ".repeat(width[i] - cell.length());
                b.append(left ? cell + pad : pad + cell);
                b.append(i == l.length - 1 ? "" : "  ");
            }
            b.append(System.lineSeparator());
        }
        return b.toString().replaceAll("(?m) +$", "");
    }

    /** The rows as a JSON document: {@code {"format", "version", "loadedAt", "models": [...]}}. */
    public static String toJson(LiveMatrix matrix, List<ModelStatus> rows) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT_NAME);
        root.put("version", matrix.version());
        root.put("loadedAt", matrix.loadedAt() == null ? null : matrix.loadedAt().toString());
        ArrayNode models = root.putArray("models");
        for (ModelStatus s : rows) {
            ObjectNode m = models.addObject();
            JunctionFormat.writeModel(s.descriptor(), m);
            m.put("configured", s.configured());
            LiveStats st = s.stats();
            ObjectNode live = m.putObject("live");
            live.put("calls", st.calls());
            live.put("errors", st.errors());
            live.put("errorRate", st.errorRate());
            putMillis(live, "timeToFirstTokenP50Ms", st.timeToFirstTokenP50());
            putMillis(live, "timeToFirstTokenP95Ms", st.timeToFirstTokenP95());
            live.put("tokensPerSecond", st.tokensPerSecond());
            putMillis(live, "latencyP50Ms", st.latencyP50());
            putMillis(live, "latencyP95Ms", st.latencyP95());
            putMillis(live, "latencyP99Ms", st.latencyP99());
            ObjectNode circuit = m.putObject("circuit");
            circuit.put("provider", s.providerCircuit().name());
            circuit.put("model", s.modelCircuit().name());
        }
        try {
            return Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the live matrix", e);
        }
    }

    /**
     * Reads a document written by {@link #toJson} (e.g. fetched from a server's admin view).
     *
     * @throws InvalidCatalogException naming the origin and the bad row when it is not such a document
     */
    public static LiveMatrix fromJson(byte[] json, String origin) throws InvalidCatalogException {
        JsonNode root = Json.parse(json, origin);
        if (root.path("format").isMissingNode() && root.path("models").isArray()
                && root.path("models").path(0).has("input_usd_per_million")) {
            return fromGatewayRows(root, origin);
        }
        if (!FORMAT_NAME.equals(root.path("format").asText(null))) {
            throw new InvalidCatalogException(origin + ": \"format\" must be \"" + FORMAT_NAME + "\", was "
                    + root.path("format"));
        }
        List<ModelStatus> rows = new ArrayList<>();
        int i = 0;
        for (JsonNode m : root.path("models")) {
            String where = origin + ": models[" + i++ + "]";
            ModelDescriptor d = JunctionFormat.readModel(m, where, Set.of());
            JsonNode live = m.path("live");
            LiveStats stats = new LiveStats(live.path("calls").asInt(), live.path("errors").asInt(),
                    live.path("errorRate").asDouble(), duration(live, "timeToFirstTokenP50Ms"),
                    duration(live, "timeToFirstTokenP95Ms"), live.path("tokensPerSecond").asDouble(),
                    duration(live, "latencyP50Ms"), duration(live, "latencyP95Ms"), duration(live, "latencyP99Ms"));
            try {
                rows.add(new ModelStatus(d, m.path("configured").asBoolean(), stats,
                        CircuitState.valueOf(m.path("circuit").path("provider").asText("CLOSED")),
                        CircuitState.valueOf(m.path("circuit").path("model").asText("CLOSED"))));
            } catch (IllegalArgumentException e) {
                throw new InvalidCatalogException(where + ": bad circuit state: " + e.getMessage(), e);
            }
        }
        return new LiveMatrix(root.path("version").asLong(), instant(root, "loadedAt", origin), rows);
    }

    /**
     * Reads the gateway's own {@code /admin/matrix} rows ({@code model}, {@code context_window},
     * {@code input_usd_per_million}, {@code calls}, {@code error_rate}, ...), which carry fewer facts: the max output
     * is taken as the context window and the cached price as the input price.
     */
    private static LiveMatrix fromGatewayRows(JsonNode root, String origin) throws InvalidCatalogException {
        List<ModelStatus> rows = new ArrayList<>();
        int i = 0;
        for (JsonNode r : root.path("models")) {
            String where = origin + ": models[" + i++ + "]";
            String id = r.path("model").asText("");
            int slash = id.indexOf('/');
            if (slash <= 0 || slash == id.length() - 1) {
                throw new InvalidCatalogException(where + ": \"model\" must be provider/model, was '" + id + "'");
            }
            EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
            for (JsonNode c : r.path("capabilities")) {
                try {
                    caps.add(Capability.valueOf(c.asText().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    // a capability this reader does not know: not shown
                }
            }
            int calls = r.path("calls").asInt();
            double errorRate = r.path("error_rate").asDouble();
            try {
                double in = r.path("input_usd_per_million").asDouble();
                ModelDescriptor d = new ModelDescriptor(id.substring(0, slash), id.substring(slash + 1),
                        r.path("context_window").asInt(), r.path("context_window").asInt(),
                        new dev.junction.spi.Prices(in, r.path("output_usd_per_million").asDouble(), in), caps,
                        Set.of(), DataRetention.UNKNOWN, java.util.Map.of());
                LiveStats stats = new LiveStats(calls, (int) Math.round(calls * errorRate), errorRate, null,
                        duration(r, "ttft_p95_ms"), r.path("tokens_per_second").asDouble(), duration(r, "latency_p50_ms"),
                        null, duration(r, "latency_p99_ms"));
                rows.add(new ModelStatus(d, r.path("configured").asBoolean(), stats,
                        CircuitState.valueOf(r.path("provider_circuit").asText("closed").toUpperCase(Locale.ROOT)),
                        CircuitState.valueOf(r.path("model_circuit").asText("closed").toUpperCase(Locale.ROOT))));
            } catch (IllegalArgumentException e) {
                throw new InvalidCatalogException(where + " (" + id + "): " + e.getMessage(), e);
            }
        }
        return new LiveMatrix(root.path("version").asLong(), instant(root, "loaded_at", origin), rows);
    }

    /** An ISO-8601 instant field, or null when absent. */
    private static Instant instant(JsonNode root, String field, String origin) throws InvalidCatalogException {
        String text = root.path(field).asText(null);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidCatalogException(origin + ": \"" + field + "\" must be an ISO-8601 instant such as "
                    + "2026-01-01T00:00:00Z, was '" + text + "'", e);
        }
    }

    private static void putMillis(ObjectNode node, String field, Duration d) {
        if (d == null) {
            node.putNull(field);
        } else {
            node.put(field, d.toNanos() / 1e6);
        }
    }

    private static Duration duration(JsonNode live, String field) {
        JsonNode v = live.get(field);
        return v == null || !v.isNumber() ? null : Duration.ofNanos(Math.round(v.doubleValue() * 1e6));
    }

    private static String tokens(int n) {
        if (n >= 1_000_000) {
            return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : String.format(Locale.ROOT, "%.2fM", n / 1e6);
        }
        return n >= 1000 ? String.format(Locale.ROOT, "%.0fk", n / 1000.0) : Integer.toString(n);
    }

    /** Dollars with at least 2 and at most 4 decimals: 3.00, 0.075, 0.0375. */
    private static String money(double perMillion) {
        java.math.BigDecimal v = java.math.BigDecimal.valueOf(perMillion).setScale(4, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros();
        return (v.scale() < 2 ? v.setScale(2, java.math.RoundingMode.UNNECESSARY) : v).toPlainString();
    }

    private static String caps(ModelDescriptor d) {
        StringBuilder b = new StringBuilder();
        for (Capability c : EnumSet.allOf(Capability.class)) {
            if (d.supports(c)) {
                b.append(b.isEmpty() ? "" : ",").append(switch (c) {
                    case TOOLS -> "tools";
                    case JSON_SCHEMA -> "schema";
                    case VISION -> "vision";
                    case STREAMING -> "stream";
                    case REASONING -> "reason";
                });
            }
        }
        return b.isEmpty() ? "-" : b.toString();
    }

    private static String quality(ModelDescriptor d) {
        StringBuilder b = new StringBuilder();
        for (TaskCategory c : TaskCategory.values()) {
            Double q = d.quality().get(c);
            b.append(b.isEmpty() ? "" : "/").append(q == null ? " - "
                    : q >= 1 ? "1.0" : String.format(Locale.ROOT, "%.2f", q).substring(1));
        }
        return b.toString();
    }

    private static String millis(Duration d) {
        return d == null ? "-" : d.toMillis() + " ms";
    }

    private static String circuit(ModelStatus s) {
        if (s.providerCircuit() == CircuitState.CLOSED && s.modelCircuit() == CircuitState.CLOSED) {
            return "closed";
        }
        return "provider " + s.providerCircuit().name().toLowerCase(Locale.ROOT) + ", model "
                + s.modelCircuit().name().toLowerCase(Locale.ROOT);
    }
}
