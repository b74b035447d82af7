package dev.junction.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.spi.Capability;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.TaskCategory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultCatalogTest {
    private static final List<String> GROUPS = List.of("limits", "prices", "capabilities", "regions", "retention",
            "quality");

    @Test
    void shipsCurrentModelsOfAtLeastTwelveProvidersUnderThePluginPresetIds() throws IOException {
        List<ModelDescriptor> models = DefaultCatalog.source().load();
        assertSame(models, DefaultCatalog.models());
        Set<String> providers = models.stream().map(ModelDescriptor::provider)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("openai", "anthropic", "gemini", "deepseek", "mistral", "qwen", "xai",
                "moonshot", "groq", "together", "fireworks", "cohere", "bedrock")), providers);
        assertTrue(models.size() >= 50, "models: " + models.size());
        for (ModelDescriptor m : models) {
            assertTrue(m.supports(Capability.STREAMING), m.id());
            assertTrue(m.prices().cachedInputPerMillion() <= m.prices().inputPerMillion(), m.id());
            assertTrue(m.prices().outputPerMillion() > 0, m.id());
        }
        // Every provider has quality scores for at least one model, and the frontier models cover every category.
        Map<String, Long> scored = models.stream().filter(m -> !m.quality().isEmpty())
                .collect(Collectors.groupingBy(ModelDescriptor::provider, Collectors.counting()));
        for (String p : providers) {
            if (!p.equals("cohere")) {
                assertTrue(scored.getOrDefault(p, 0L) > 0, "quality for some " + p + " model");
            }
        }
        ModelDescriptor gemini3 = models.stream().filter(m -> m.id().equals("gemini/gemini-3-pro-preview"))
                .findFirst().orElseThrow();
        assertEquals(Set.of(TaskCategory.values()), gemini3.quality().keySet());
    }

    @Test
    void everyFigureNamesASourceWithADateAndEveryScoreItsBenchmark() throws IOException {
        JsonNode root;
        try (InputStream in = DefaultCatalog.class.getResourceAsStream(DefaultCatalog.RESOURCE)) {
            root = Json.MAPPER.readTree(in);
        }
        JsonNode sources = root.path("sources");
        assertFalse(sources.isEmpty());
        for (Map.Entry<String, JsonNode> s : sources.properties()) {
            assertNotNull(LocalDate.parse(s.getValue().path("date").asText()), s.getKey());
            assertTrue(s.getValue().path("url").asText().startsWith("https://"), s.getKey());
        }
        for (JsonNode m : root.path("models")) {
            String id = m.path("provider").asText() + "/" + m.path("model").asText();
            for (String group : GROUPS) {
                JsonNode g = m.path(group);
                if (!g.isMissingNode()) {
                    assertTrue(sources.has(g.path("source").asText()), id + "." + group + " names a listed source");
                }
            }
            JsonNode quality = m.path("quality");
            for (Map.Entry<String, JsonNode> score : quality.path("scores").properties()) {
                String benchmark = quality.path("benchmarks").path(score.getKey()).asText("");
                assertFalse(benchmark.isBlank(), id + " quality." + score.getKey() + " names its benchmark");
                TaskCategory.valueOf(score.getKey().toUpperCase(Locale.ROOT));
            }
        }
    }
}
