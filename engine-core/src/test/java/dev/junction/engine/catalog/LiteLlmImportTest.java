package dev.junction.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.spi.Capability;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LiteLlmImportTest {

    private static Path evalFile() {
        String dir = System.getProperty("junction.eval.dir");
        assumeTrue(dir != null, "junction.eval.dir is not set: skipping the LiteLLM import test on the real file");
        Path file = Path.of(dir, "catalog", "litellm_model_prices.json");
        assumeTrue(Files.isRegularFile(file), "no " + file + " (../shared/eval absent): skipping the LiteLLM import test");
        return file;
    }

    @Test
    void importsEveryChatModelOfTheSharedLiteLlmFileWithPerMillionPricesLimitsAndCapabilities() throws IOException {
        Path file = evalFile();
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(CatalogFormat.LITELLM, CatalogFormat.detect(bytes, file.toString()));
        CatalogImport result = CatalogFormat.LITELLM.parse(bytes, file.toString());
        System.out.println("LiteLLM import of " + file + ": " + result);

        // The counts this file holds (July 2026 copy): 218 entries, 166 with mode=chat, 52 others.
        assertEquals(166, result.models().size(), "chat models imported");
        assertEquals(52, result.skippedCount(), "non-chat entries skipped");
        Map<String, Integer> expectedSkips = new LinkedHashMap<>();
        expectedSkips.put("mode=responses", 23);
        expectedSkips.put("mode=image_generation", 12);
        expectedSkips.put("mode=audio_transcription", 6);
        expectedSkips.put("mode=audio_speech", 4);
        expectedSkips.put("mode=embedding", 4);
        expectedSkips.put("mode=completion", 2);
        expectedSkips.put("mode=realtime", 1);
        assertEquals(expectedSkips, result.skipped());
        Map<String, Long> perProvider = result.models().stream()
                .collect(Collectors.groupingBy(ModelDescriptor::provider, Collectors.counting()));
        assertEquals(Map.ofEntries(Map.entry("openai", 90L), Map.entry("anthropic", 26L),
                Map.entry("vertex_ai", 26L), Map.entry("gemini", 8L), Map.entry("xai", 6L), Map.entry("deepseek", 4L),
                Map.entry("moonshot", 2L), Map.entry("bedrock", 1L), Map.entry("volcengine", 1L),
                Map.entry("zhipu", 1L), Map.entry("minimax", 1L)), perProvider);
        long tools = result.models().stream().filter(m -> m.supports(Capability.TOOLS)).count();
        long vision = result.models().stream().filter(m -> m.supports(Capability.VISION)).count();
        long schema = result.models().stream().filter(m -> m.supports(Capability.JSON_SCHEMA)).count();
        long reasoning = result.models().stream().filter(m -> m.supports(Capability.REASONING)).count();
        assertEquals(156, tools, "tools");
        assertEquals(117, vision, "vision");
        assertEquals(121, schema, "JSON schema");
        assertEquals(95, reasoning, "reasoning");

        // Every imported model against its raw entry, field by field.
        JsonNode raw = Json.MAPPER.readTree(bytes);
        Map<String, ModelDescriptor> byModel = result.models().stream()
                .collect(Collectors.toMap(ModelDescriptor::model, Function.identity()));
        int checked = 0;
        for (Map.Entry<String, JsonNode> e : raw.properties()) {
            JsonNode v = e.getValue();
            if (!"chat".equals(v.path("mode").asText())) {
                continue;
            }
            ModelDescriptor m = byModel.get(e.getKey());
            assertNotNull(m, "imported " + e.getKey());
            double in = v.get("input_cost_per_token").doubleValue() * 1e6;
            double out = v.get("output_cost_per_token").doubleValue() * 1e6;
            double cached = v.has("cache_read_input_token_cost")
                    ? v.get("cache_read_input_token_cost").doubleValue() * 1e6 : in;
            assertEquals(in, m.prices().inputPerMillion(), 1e-9 * Math.max(1, in), e.getKey() + " input");
            assertEquals(out, m.prices().outputPerMillion(), 1e-9 * Math.max(1, out), e.getKey() + " output");
            assertEquals(cached, m.prices().cachedInputPerMillion(), 1e-9 * Math.max(1, cached), e.getKey() + " cached");
            assertEquals(v.path("max_input_tokens").asInt(v.path("max_tokens").asInt()), m.contextWindow(),
                    e.getKey() + " context");
            assertEquals(v.path("max_output_tokens").asInt(v.path("max_tokens").asInt()), m.maxOutputTokens(),
                    e.getKey() + " max output");
            assertEquals(v.path("supports_function_calling").asBoolean(), m.supports(Capability.TOOLS), e.getKey());
            assertEquals(v.path("supports_vision").asBoolean(), m.supports(Capability.VISION), e.getKey());
            assertEquals(v.path("supports_response_schema").asBoolean(), m.supports(Capability.JSON_SCHEMA), e.getKey());
            assertEquals(v.path("supports_reasoning").asBoolean(), m.supports(Capability.REASONING), e.getKey());
            checked++;
        }
        assertEquals(166, checked);

        // Spot checks written out by hand from the file, exact in decimal.
        Map<String, ModelDescriptor> byId = result.models().stream()
                .collect(Collectors.toMap(ModelDescriptor::id, Function.identity()));
        assertEquals(new Prices(5.0, 30.0, 0.5), byId.get("openai/gpt-5.6").prices());
        assertEquals(1_050_000, byId.get("openai/gpt-5.6").contextWindow());
        assertEquals(new Prices(3.0, 15.0, 0.3), byId.get("anthropic/claude-sonnet-4-5").prices());
        assertEquals(new Prices(0.435, 0.87, 0.003625), byId.get("deepseek/deepseek-v4-pro").prices());
        // No cache_read_input_token_cost: the cached price is the input price.
        assertEquals(new Prices(0.5, 1.5, 0.5), byId.get("openai/gpt-3.5-turbo").prices());
        assertEquals(new Prices(2.0, 6.0, 0.5), byId.get("xai/grok-4.5").prices());
        assertEquals(EnumSet.of(Capability.TOOLS, Capability.JSON_SCHEMA, Capability.VISION, Capability.STREAMING,
                Capability.REASONING), byId.get("anthropic/claude-opus-5").capabilities());
        assertEquals(Set.of(Capability.TOOLS, Capability.JSON_SCHEMA, Capability.STREAMING),
                byId.get("deepseek/deepseek-v4-pro").capabilities());
        assertEquals(1_048_576, byId.get("vertex_ai/gemini-2.5-pro").contextWindow());
        assertEquals(65_535, byId.get("vertex_ai/gemini-2.5-pro").maxOutputTokens());
    }

    @Test
    void mapsOneEntryExactlyAndCountsSkippedModes() throws IOException {
        String json = """
                {"sample_spec": {"mode": "chat", "litellm_provider": "one of the providers"},
                 "gemini/gemini-x": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 3e-06,
                    "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07, "max_input_tokens": 1000,
                    "max_output_tokens": 100, "supports_function_calling": true, "supports_vision": true,
                    "supports_native_streaming": false},
                 "text-embedding-x": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-08},
                 "no-price": {"litellm_provider": "openai", "mode": "chat", "max_tokens": 10}}
                """;
        CatalogImport result = CatalogFormat.LITELLM.parse(json.getBytes(StandardCharsets.UTF_8), "inline");
        assertEquals(1, result.models().size());
        ModelDescriptor m = result.models().getFirst();
        assertEquals("gemini/gemini-x", m.id());
        assertEquals(new Prices(3.0, 15.0, 0.3), m.prices());
        assertEquals(1000, m.contextWindow());
        assertEquals(100, m.maxOutputTokens());
        assertEquals(EnumSet.of(Capability.TOOLS, Capability.VISION), m.capabilities());
        assertEquals(Map.of("sample_spec", 1, "mode=embedding", 1, "chat without input/output price", 1),
                Map.copyOf(result.skipped()));
    }

    @Test
    void aLiteLlmFileWithNoChatModelIsRejected() {
        String json = """
                {"text-embedding-x": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-08}}
                """;
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class,
                () -> CatalogFormat.LITELLM.parse(json.getBytes(StandardCharsets.UTF_8), "only-embeddings.json"));
        assertEquals("only-embeddings.json: the catalog has no usable model", e.getMessage());
    }
}
