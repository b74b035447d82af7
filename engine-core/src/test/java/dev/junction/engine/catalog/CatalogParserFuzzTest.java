package dev.junction.engine.catalog;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutated catalog documents (truncated, bytes flipped, spans deleted or duplicated, numbers made extreme) either
 * import or fail with {@link InvalidCatalogException}: never another exception, never a half-built catalog. A bad
 * update must always be a clean rejection so the previous snapshot stays in force.
 */
class CatalogParserFuzzTest {
    private static final int CASES_PER_DOCUMENT = 1_000;

    private static byte[] openRouterFixture() throws IOException {
        try (InputStream in = CatalogParserFuzzTest.class.getResourceAsStream("openrouter-models.json")) {
            return in.readAllBytes();
        }
    }

    private static final String LITELLM = """
            {"gpt-x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1.25e-06,
              "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-07, "max_input_tokens": 272000,
              "max_output_tokens": 128000, "supports_function_calling": true, "supports_vision": true},
             "emb": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 2e-08},
             "gemini/g": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 3e-07,
              "output_cost_per_token": 2.5e-06, "max_tokens": 8192}}
            """;

    @Test
    void mutatedDocumentsImportOrAreRejectedCleanly() throws IOException {
        List<byte[]> seeds = List.of(
                TestCatalogs.twoModels(3.0).getBytes(StandardCharsets.UTF_8),
                LITELLM.getBytes(StandardCharsets.UTF_8),
                openRouterFixture());
        SplittableRandom rnd = new SplittableRandom(20261121);
        int rejected = 0;
        int accepted = 0;
        for (byte[] seed : seeds) {
            for (int i = 0; i < CASES_PER_DOCUMENT; i++) {
                byte[] doc = mutate(seed, rnd);
                try {
                    CatalogImport result = CatalogFormat.parseAny(doc, "fuzz");
                    assertTrue(!result.models().isEmpty());
                    accepted++;
                } catch (InvalidCatalogException expected) {
                    if (expected.getMessage().contains(CatalogFormat.INTERNAL_ERROR)) {
                        fail("mutation " + i + ": " + expected.getMessage() + " for:\n"
                                + new String(doc, StandardCharsets.UTF_8), expected);
                    }
                    rejected++;
                } catch (RuntimeException e) {
                    fail("mutation " + i + " threw " + e + " for:\n" + new String(doc, StandardCharsets.UTF_8), e);
                }
            }
        }
        assertTrue(rejected > 0 && accepted > 0, "accepted " + accepted + ", rejected " + rejected);
    }

    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        String s = new String(seed, StandardCharsets.UTF_8);
        int at = rnd.nextInt(s.length());
        return (switch (rnd.nextInt(6)) {
            case 0 -> s.substring(0, at);
            case 1 -> s.substring(0, at) + (char) (32 + rnd.nextInt(95)) + s.substring(at + 1);
            case 2 -> s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + rnd.nextInt(40)));
            case 3 -> s.substring(0, at) + s.substring(at, Math.min(s.length(), at + rnd.nextInt(60))) + s.substring(at);
            case 4 -> s.replaceFirst("[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?", switch (rnd.nextInt(6)) {
                case 0 -> "1e999";
                case 1 -> "-1";
                case 2 -> "99999999999999999999";
                case 3 -> "\"7\"";
                case 4 -> "null";
                default -> "1.5e-320";
            });
            default -> s.replace("\"" + pick(rnd) + "\"", "\"" + pick(rnd) + "\"");
        }).getBytes(StandardCharsets.UTF_8);
    }

    private static String pick(SplittableRandom rnd) {
        String[] words = {"provider", "model", "limits", "prices", "input", "output", "mode", "chat", "data", "id",
            "pricing", "prompt", "completion", "context_length", "format", "models", "values", "capabilities",
            "max_input_tokens", "litellm_provider", "junction-catalog", "tools", "scores", "quality"};
        return words[rnd.nextInt(words.length)];
    }
}
