package dev.junction.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.spi.Capability;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.TaskCategory;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Junction's own catalog format.
 *
 * <pre>{@code
 * { "format": "junction-catalog", "version": 1, "updated": "2026-11-21",
 *   "sources": { "<id>": { "title": "...", "url": "https://...", "date": "2026-07-15" } },
 *   "models": [ {
 *     "provider": "openai", "model": "gpt-5",
 *     "limits":       { "contextWindow": 400000, "maxOutputTokens": 128000, "source": "<id>" },
 *     "prices":       { "input": 1.25, "output": 10.0, "cachedInput": 0.125, "source": "<id>" },
 *     "capabilities": { "values": ["tools", "json_schema", "vision", "streaming", "reasoning"], "source": "<id>" },
 *     "regions":      { "values": ["us", "eu"], "source": "<id>" },
 *     "retention":    { "value": "limited", "source": "<id>" },
 *     "quality":      { "scores": { "general": 0.85, "coding": 0.7 }, "source": "<id>" } } ] }
 * }</pre>
 *
 * <p>Prices are US dollars per one million tokens. {@code provider}, {@code model}, {@code limits} and
 * {@code prices} are required; the other groups may be left out ({@code cachedInput} defaults to {@code input}).
 * Every {@code source} must name an entry of {@code sources}, and every source must carry an ISO date
 * ({@code yyyy-mm-dd}): that is how each figure carries its source and date. Unknown fields are ignored (newer
 * files stay readable); unknown capability, retention or category names are errors (a typo must not silently drop
 * a constraint).
 */
final class JunctionFormat {
    static final String FORMAT_NAME = "junction-catalog";
    static final int VERSION = 1;

    private JunctionFormat() {
    }

    static CatalogImport read(JsonNode root, String origin) throws InvalidCatalogException {
        if (!root.isObject()) {
            throw new InvalidCatalogException(origin + ": expected a JSON object with \"format\": \"" + FORMAT_NAME + "\"");
        }
        String format = root.path("format").asText(null);
        if (!FORMAT_NAME.equals(format)) {
            throw new InvalidCatalogException(origin + ": \"format\" must be \"" + FORMAT_NAME + "\", was " + format);
        }
        int version = root.path("version").asInt(VERSION);
        if (version > VERSION) {
            throw new InvalidCatalogException(origin + ": version " + version + " is newer than this reader ("
                    + VERSION + ")");
        }
        Set<String> sources = readSources(root.path("sources"), origin);
        JsonNode models = root.path("models");
        if (!models.isArray()) {
            throw new InvalidCatalogException(origin + ": \"models\" must be an array");
        }
        List<ModelDescriptor> out = new ArrayList<>(models.size());
        int index = 0;
        for (JsonNode m : models) {
            out.add(readModel(m, new Where(origin, ": models[", index, "]"), sources));
            index++;
        }
        return new CatalogImport(origin, CatalogFormat.JUNCTION, out, Map.of());
    }

    private static Set<String> readSources(JsonNode node, String origin) throws InvalidCatalogException {
        Set<String> ids = new LinkedHashSet<>();
        if (node.isMissingNode() || node.isNull()) {
            return ids;
        }
        if (!node.isObject()) {
            throw new InvalidCatalogException(origin + ": \"sources\" must be an object of id -> {title, url, date}");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String date = e.getValue().path("date").asText(null);
            if (date == null) {
                throw new InvalidCatalogException(origin + ": source '" + e.getKey() + "' has no \"date\"");
            }
            try {
                LocalDate.parse(date);
            } catch (DateTimeParseException ex) {
                throw new InvalidCatalogException(origin + ": source '" + e.getKey() + "' has date '" + date
                        + "', expected yyyy-mm-dd", ex);
            }
            ids.add(e.getKey());
        }
        return ids;
    }

    /** An error location built only when a message needs it (a catalog of 1,000 models parses without it). */
    record Where(Object parent, Object... parts) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.valueOf(parent));
            for (Object p : parts) {
                b.append(p);
            }
            return b.toString();
        }
    }

    static ModelDescriptor readModel(JsonNode m, Object where, Set<String> sources)
            throws InvalidCatalogException {
        if (!m.isObject()) {
            throw new InvalidCatalogException(where + ": expected an object");
        }
        String provider = requiredText(m, "provider", where);
        String model = requiredText(m, "model", where);
        where = new Where(where, " (", provider, "/", model, ")");

        JsonNode limits = requiredObject(m, "limits", where);
        checkSource(limits, "limits", where, sources);
        int context = requiredInt(limits, "contextWindow", where);
        int maxOut = requiredInt(limits, "maxOutputTokens", where);

        JsonNode p = requiredObject(m, "prices", where);
        checkSource(p, "prices", where, sources);
        double in = requiredNumber(p, "input", new Where(where, ".prices"));
        double outPrice = requiredNumber(p, "output", new Where(where, ".prices"));
        double cached = p.has("cachedInput") ? requiredNumber(p, "cachedInput", new Where(where, ".prices")) : in;

        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        JsonNode capNode = m.path("capabilities");
        if (!capNode.isMissingNode()) {
            checkSource(capNode, "capabilities", where, sources);
            for (JsonNode c : values(capNode, "capabilities", where)) {
                caps.add(enumValue(Capability.class, c.asText(), new Where(where, ".capabilities")));
            }
        }
        Set<String> regions = new LinkedHashSet<>();
        JsonNode regNode = m.path("regions");
        if (!regNode.isMissingNode()) {
            checkSource(regNode, "regions", where, sources);
            for (JsonNode r : values(regNode, "regions", where)) {
                regions.add(r.asText().toLowerCase(Locale.ROOT));
            }
        }
        DataRetention retention = DataRetention.UNKNOWN;
        JsonNode retNode = m.path("retention");
        if (!retNode.isMissingNode()) {
            checkSource(retNode, "retention", where, sources);
            retention = enumValue(DataRetention.class, retNode.path("value").asText(""), new Where(where, ".retention"));
        }
        Map<TaskCategory, Double> quality = new EnumMap<>(TaskCategory.class);
        JsonNode qNode = m.path("quality");
        if (!qNode.isMissingNode()) {
            checkSource(qNode, "quality", where, sources);
            JsonNode scores = qNode.path("scores");
            if (!scores.isObject()) {
                throw new InvalidCatalogException(where + ".quality: \"scores\" must be an object of category -> [0, 1]");
            }
            for (Map.Entry<String, JsonNode> e : scores.properties()) {
                TaskCategory cat = enumValue(TaskCategory.class, e.getKey(), new Where(where, ".quality"));
                if (!e.getValue().isNumber()) {
                    throw new InvalidCatalogException(where + ".quality." + e.getKey() + ": expected a number, was "
                            + e.getValue());
                }
                quality.put(cat, e.getValue().doubleValue());
            }
        }
        try {
            return new ModelDescriptor(provider, model, context, maxOut, new Prices(in, outPrice, cached), caps,
                    regions, retention, quality);
        } catch (IllegalArgumentException e) {
            throw new InvalidCatalogException(where + ": " + e.getMessage(), e);
        }
    }

    private static void checkSource(JsonNode group, String name, Object where, Set<String> sources)
            throws InvalidCatalogException {
        if (!group.isObject()) {
            throw new InvalidCatalogException(where + ": \"" + name + "\" must be an object");
        }
        JsonNode src = group.get("source");
        if (src != null && !sources.contains(src.asText())) {
            throw new InvalidCatalogException(where + "." + name + ": source '" + src.asText()
                    + "' is not listed in \"sources\"");
        }
    }

    private static Iterable<JsonNode> values(JsonNode group, String name, Object where) throws InvalidCatalogException {
        JsonNode v = group.path("values");
        if (!v.isArray()) {
            throw new InvalidCatalogException(where + "." + name + ": \"values\" must be an array");
        }
        return v;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, Object where)
            throws InvalidCatalogException {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidCatalogException(where + ": unknown " + type.getSimpleName() + " '" + text
                    + "', expected one of " + EnumSet.allOf(type).toString().toLowerCase(Locale.ROOT), e);
        }
    }

    private static String requiredText(JsonNode node, String field, Object where) throws InvalidCatalogException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new InvalidCatalogException(where + ": \"" + field + "\" must be a non-empty string, was " + v);
        }
        return v.asText();
    }

    private static JsonNode requiredObject(JsonNode node, String field, Object where) throws InvalidCatalogException {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw new InvalidCatalogException(where + ": \"" + field + "\" must be an object, was " + v);
        }
        return v;
    }

    private static int requiredInt(JsonNode node, String field, Object where) throws InvalidCatalogException {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidCatalogException(where + ": \"" + field + "\" must be an integer, was " + v);
        }
        return v.intValue();
    }

    private static double requiredNumber(JsonNode node, String field, Object where) throws InvalidCatalogException {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new InvalidCatalogException(where + ": \"" + field + "\" must be a number, was " + v);
        }
        return v.doubleValue();
    }

    static String write(List<ModelDescriptor> models) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT_NAME);
        root.put("version", VERSION);
        ArrayNode arr = root.putArray("models");
        for (ModelDescriptor d : models) {
            writeModel(d, arr.addObject());
        }
        try {
            return Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a catalog tree", e);
        }
    }

    /** Writes one descriptor's fields into {@code m}, in this format. */
    static void writeModel(ModelDescriptor d, ObjectNode m) {
        m.put("provider", d.provider());
        m.put("model", d.model());
        ObjectNode limits = m.putObject("limits");
        limits.put("contextWindow", d.contextWindow());
        limits.put("maxOutputTokens", d.maxOutputTokens());
        ObjectNode prices = m.putObject("prices");
        prices.put("input", d.prices().inputPerMillion());
        prices.put("output", d.prices().outputPerMillion());
        prices.put("cachedInput", d.prices().cachedInputPerMillion());
        ArrayNode caps = m.putObject("capabilities").putArray("values");
        for (Capability c : EnumSet.allOf(Capability.class)) {
            if (d.supports(c)) {
                caps.add(c.name().toLowerCase(Locale.ROOT));
            }
        }
        if (!d.regions().isEmpty()) {
            ArrayNode regs = m.putObject("regions").putArray("values");
            d.regions().stream().sorted().forEach(regs::add);
        }
        if (d.retention() != DataRetention.UNKNOWN) {
            m.putObject("retention").put("value", d.retention().name().toLowerCase(Locale.ROOT));
        }
        if (!d.quality().isEmpty()) {
            ObjectNode scores = m.putObject("quality").putObject("scores");
            for (TaskCategory c : TaskCategory.values()) {
                Double q = d.quality().get(c);
                if (q != null) {
                    scores.put(c.name().toLowerCase(Locale.ROOT), q);
                }
            }
        }
    }
}
