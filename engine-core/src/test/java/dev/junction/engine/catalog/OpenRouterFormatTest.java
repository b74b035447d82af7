package dev.junction.engine.catalog;

import dev.junction.spi.Capability;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** On a fixture written from OpenRouter's documented {@code GET /api/v1/models} schema. */
class OpenRouterFormatTest {

    private static byte[] fixture() throws IOException {
        try (InputStream in = OpenRouterFormatTest.class.getResourceAsStream("openrouter-models.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void importsChatModelsWithPerMillionPricesAndSkipsVariablePricedAndImageOnlyModels() throws IOException {
        byte[] bytes = fixture();
        assertEquals(CatalogFormat.OPENROUTER, CatalogFormat.detect(bytes, "fixture"));
        CatalogImport result = CatalogFormat.OPENROUTER.parse(bytes, "fixture");
        assertEquals(List.of("openrouter/openai/gpt-4o", "openrouter/deepseek/deepseek-r1",
                "openrouter/meta-llama/llama-3.3-70b-instruct:free"),
                result.models().stream().map(ModelDescriptor::id).toList());
        assertEquals(Map.of("variable or missing price", 1, "no text output", 1), Map.copyOf(result.skipped()));

        ModelDescriptor gpt4o = result.models().get(0);
        assertEquals(new Prices(2.5, 10.0, 1.25), gpt4o.prices());
        assertEquals(128_000, gpt4o.contextWindow());
        assertEquals(16_384, gpt4o.maxOutputTokens());
        assertEquals(EnumSet.of(Capability.TOOLS, Capability.JSON_SCHEMA, Capability.VISION, Capability.STREAMING),
                gpt4o.capabilities());

        ModelDescriptor r1 = result.models().get(1);
        assertEquals(new Prices(0.4, 2.0, 0.4), r1.prices());
        assertEquals(163_840, r1.maxOutputTokens(), "no max_completion_tokens: the context window");
        assertEquals(EnumSet.of(Capability.REASONING, Capability.STREAMING), r1.capabilities());

        assertEquals(Prices.FREE, result.models().get(2).prices());
    }

    @Test
    void rejectsANonDecimalPriceNamingTheModel() {
        String json = """
                {"data": [{"id": "x/y", "context_length": 10, "pricing": {"prompt": "cheap", "completion": "0"}}]}
                """;
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class,
                () -> CatalogFormat.OPENROUTER.parse(json.getBytes(StandardCharsets.UTF_8), "models.json"));
        assertEquals(true, e.getMessage().startsWith("models.json: data[0] (x/y): price is not a decimal number"),
                e.getMessage());
    }
}
