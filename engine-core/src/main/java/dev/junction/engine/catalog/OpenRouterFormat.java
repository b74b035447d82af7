package dev.junction.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.spi.Capability;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the answer of OpenRouter's {@code GET /api/v1/models}: {@code {"data": [model, ...]}}.
 *
 * <p>Mapping, per model object: provider {@value #PROVIDER} (the call goes through OpenRouter), model = {@code id}
 * (e.g. {@code openai/gpt-4o}); prices from {@code pricing.prompt}, {@code pricing.completion} and
 * {@code pricing.input_cache_read} (decimal strings in dollars per token) times 10^6; context window
 * {@code context_length} (else {@code top_provider.context_length}); max output
 * {@code top_provider.max_completion_tokens} (else the context window); capabilities from
 * {@code supported_parameters} ({@code tools} → tools, {@code structured_outputs} → JSON schema,
 * {@code reasoning}/{@code include_reasoning} → reasoning), {@code architecture.input_modalities} containing
 * {@code image} → vision, and streaming for all (every OpenRouter chat model streams).
 * Skipped, counted per reason: models whose output modalities lack {@code text}, models with a negative
 * (variable, e.g. {@code openrouter/auto}) or missing price, models without a context length.
 */
final class OpenRouterFormat {
    static final String PROVIDER = "openrouter";

    private OpenRouterFormat() {
    }

    static CatalogImport read(JsonNode root, String origin) throws InvalidCatalogException {
        JsonNode data = root.path("data");
        if (!data.isArray()) {
            throw new InvalidCatalogException(origin + ": expected an OpenRouter models answer {\"data\": [...]}");
        }
        List<ModelDescriptor> out = new ArrayList<>(data.size());
        Map<String, Integer> skipped = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode m : data) {
            String where = origin + ": data[" + index++ + "]";
            String id = m.path("id").asText("");
            if (id.isBlank()) {
                throw new InvalidCatalogException(where + ": model without \"id\"");
            }
            JsonNode outputs = m.path("architecture").path("output_modalities");
            if (outputs.isArray() && !contains(outputs, "text")) {
                skipped.merge("no text output", 1, Integer::sum);
                continue;
            }
            JsonNode pricing = m.path("pricing");
            double in;
            double outPrice;
            double cached;
            try {
                in = price(pricing.get("prompt"));
                outPrice = price(pricing.get("completion"));
                cached = pricing.has("input_cache_read") ? price(pricing.get("input_cache_read")) : in;
            } catch (NumberFormatException e) {
                throw new InvalidCatalogException(where + " (" + id + "): price is not a decimal number: "
                        + e.getMessage(), e);
            }
            if (Double.isNaN(in) || Double.isNaN(outPrice) || in < 0 || outPrice < 0) {
                skipped.merge("variable or missing price", 1, Integer::sum);
                continue;
            }
            if (Double.isNaN(cached) || cached < 0) {
                cached = in;
            }
            int context = m.path("context_length").asInt(0);
            if (context < 1) {
                context = m.path("top_provider").path("context_length").asInt(0);
            }
            if (context < 1) {
                skipped.merge("no context length", 1, Integer::sum);
                continue;
            }
            int maxOut = m.path("top_provider").path("max_completion_tokens").asInt(0);
            if (maxOut < 1) {
                maxOut = context;
            }
            Set<Capability> caps = EnumSet.of(Capability.STREAMING);
            JsonNode params = m.path("supported_parameters");
            if (contains(params, "tools")) {
                caps.add(Capability.TOOLS);
            }
            if (contains(params, "structured_outputs")) {
                caps.add(Capability.JSON_SCHEMA);
            }
            if (contains(params, "reasoning") || contains(params, "include_reasoning")) {
                caps.add(Capability.REASONING);
            }
            if (contains(m.path("architecture").path("input_modalities"), "image")) {
                caps.add(Capability.VISION);
            }
            if (!ids.add(id)) {
                throw new InvalidCatalogException(where + ": model " + id + " appears more than once");
            }
            try {
                out.add(new ModelDescriptor(PROVIDER, id, context, maxOut, new Prices(in, outPrice, cached), caps,
                        Set.of(), DataRetention.UNKNOWN, Map.of()));
            } catch (IllegalArgumentException e) {
                throw new InvalidCatalogException(where + " (" + id + "): " + e.getMessage(), e);
            }
        }
        return new CatalogImport(origin, CatalogFormat.OPENROUTER, out, skipped);
    }

    /** Dollars per million tokens, NaN when absent. */
    private static double price(JsonNode node) {
        if (node == null || node.isNull()) {
            return Double.NaN;
        }
        return node.isNumber() ? Json.perToken2perMillion(node.doubleValue()) : Json.perToken2perMillion(node.asText());
    }

    private static boolean contains(JsonNode array, String value) {
        if (!array.isArray()) {
            return false;
        }
        for (JsonNode n : array) {
            if (value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }
}
