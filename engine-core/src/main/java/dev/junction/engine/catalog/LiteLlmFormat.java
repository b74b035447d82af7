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
 * Reads LiteLLM's {@code model_prices_and_context_window.json}: an object of model key to entry.
 *
 * <p>Mapping, for each entry with {@code "mode": "chat"}:
 * <ul>
 *   <li>provider: {@code litellm_provider}, with LiteLLM's compound names shortened
 *       ({@code vertex_ai-language-models} → {@code vertex_ai}, {@code text-completion-openai} → {@code openai});
 *       the model id is the key with a leading {@code "<provider>/"} removed.</li>
 *   <li>prices: {@code input_cost_per_token}, {@code output_cost_per_token} and {@code cache_read_input_token_cost}
 *       (else {@code input_cost_per_token_cache_hit}, else the input price) times 10^6, exact in decimal.</li>
 *   <li>context window: {@code max_input_tokens}, else {@code max_tokens}. LiteLLM's input limit is the
 *       conservative reading of "prompt plus output" (OpenAI publishes a larger total for some models, Anthropic
 *       counts the output inside it); max output: {@code max_output_tokens}, else {@code max_tokens}.</li>
 *   <li>capabilities: {@code supports_function_calling} → tools, {@code supports_response_schema} → JSON schema,
 *       {@code supports_vision} → vision, {@code supports_reasoning} → reasoning, and streaming unless
 *       {@code supports_native_streaming} is {@code false}.</li>
 * </ul>
 * Skipped, counted per reason: other modes ({@code mode=embedding}, {@code mode=responses} — served only by OpenAI's
 * Responses API, which Junction's OpenAI-compatible plugin does not speak — ...), chat entries without an input
 * or output price, or without a context window. The top-level {@code sample_spec} entry LiteLLM keeps as
 * documentation is skipped too.
 */
final class LiteLlmFormat {
    private static final Map<String, String> PROVIDER_IDS = Map.of(
            "vertex_ai-language-models", "vertex_ai",
            "text-completion-openai", "openai",
            "xai", "xai",
            "gemini", "gemini");

    private LiteLlmFormat() {
    }

    static String providerId(String litellmProvider) {
        String id = PROVIDER_IDS.get(litellmProvider);
        if (id != null) {
            return id;
        }
        int dash = litellmProvider.indexOf("-models");
        return dash > 0 ? litellmProvider.substring(0, dash) : litellmProvider;
    }

    static CatalogImport read(JsonNode root, String origin) throws InvalidCatalogException {
        if (!root.isObject()) {
            throw new InvalidCatalogException(origin + ": expected a JSON object of model key -> LiteLLM entry");
        }
        List<ModelDescriptor> out = new ArrayList<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if ("sample_spec".equals(key)) {
                skipped.merge("sample_spec", 1, Integer::sum);
                continue;
            }
            if (!v.isObject()) {
                throw new InvalidCatalogException(origin + ": entry '" + key + "' is not an object");
            }
            String mode = v.path("mode").asText("");
            if (!"chat".equals(mode)) {
                skipped.merge("mode=" + (mode.isEmpty() ? "(none)" : mode), 1, Integer::sum);
                continue;
            }
            String litellmProvider = v.path("litellm_provider").asText("");
            if (litellmProvider.isEmpty()) {
                skipped.merge("no litellm_provider", 1, Integer::sum);
                continue;
            }
            String provider = providerId(litellmProvider);
            String model = key.startsWith(litellmProvider + "/") ? key.substring(litellmProvider.length() + 1)
                    : key.startsWith(provider + "/") ? key.substring(provider.length() + 1) : key;
            JsonNode in = v.get("input_cost_per_token");
            JsonNode outCost = v.get("output_cost_per_token");
            if (in == null || !in.isNumber() || outCost == null || !outCost.isNumber()) {
                skipped.merge("chat without input/output price", 1, Integer::sum);
                continue;
            }
            int context = firstInt(v, "max_input_tokens", "max_tokens");
            if (context < 1) {
                skipped.merge("chat without context window", 1, Integer::sum);
                continue;
            }
            int maxOut = firstInt(v, "max_output_tokens", "max_tokens");
            if (maxOut < 1) {
                maxOut = context;
            }
            double inPrice = Json.perToken2perMillion(in.doubleValue());
            JsonNode cachedNode = v.has("cache_read_input_token_cost") ? v.get("cache_read_input_token_cost")
                    : v.get("input_cost_per_token_cache_hit");
            double cached = cachedNode != null && cachedNode.isNumber()
                    ? Json.perToken2perMillion(cachedNode.doubleValue()) : inPrice;
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            if (v.path("supports_function_calling").asBoolean(false)) {
                caps.add(Capability.TOOLS);
            }
            if (v.path("supports_response_schema").asBoolean(false)) {
                caps.add(Capability.JSON_SCHEMA);
            }
            if (v.path("supports_vision").asBoolean(false)) {
                caps.add(Capability.VISION);
            }
            if (v.path("supports_reasoning").asBoolean(false)) {
                caps.add(Capability.REASONING);
            }
            if (v.path("supports_native_streaming").asBoolean(true)) {
                caps.add(Capability.STREAMING);
            }
            if (!ids.add(provider + "/" + model)) {
                skipped.merge("duplicate id after removing the provider prefix", 1, Integer::sum);
                continue;
            }
            try {
                out.add(new ModelDescriptor(provider, model, context, maxOut,
                        new Prices(inPrice, Json.perToken2perMillion(outCost.doubleValue()), cached), caps, Set.of(),
                        DataRetention.UNKNOWN, Map.of()));
            } catch (IllegalArgumentException ex) {
                throw new InvalidCatalogException(origin + ": entry '" + key + "': " + ex.getMessage(), ex);
            }
        }
        return new CatalogImport(origin, CatalogFormat.LITELLM, out, skipped);
    }

    private static int firstInt(JsonNode v, String... fields) {
        for (String f : fields) {
            JsonNode n = v.get(f);
            if (n != null && n.isNumber() && n.canConvertToInt() && n.intValue() > 0) {
                return n.intValue();
            }
        }
        return 0;
    }
}
