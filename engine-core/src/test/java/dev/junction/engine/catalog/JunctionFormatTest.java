package dev.junction.engine.catalog;

import dev.junction.spi.Capability;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.TaskCategory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JunctionFormatTest {

    private static CatalogImport parse(String json) throws InvalidCatalogException {
        return CatalogFormat.JUNCTION.parse(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    private static String reject(String json) {
        return assertThrows(InvalidCatalogException.class, () -> parse(json)).getMessage();
    }

    @Test
    void writesAndReadsBackEveryField() throws InvalidCatalogException {
        ModelDescriptor full = new ModelDescriptor("alpha", "a-1", 200_000, 64_000, new Prices(3, 15, 0.3),
                EnumSet.allOf(Capability.class), Set.of("us", "eu"), DataRetention.LIMITED,
                Map.of(TaskCategory.GENERAL, 0.9, TaskCategory.MATH, 0.5));
        ModelDescriptor bare = new ModelDescriptor("beta", "b", 8_192, 4_096, Prices.FREE, Set.of(), Set.of(),
                DataRetention.UNKNOWN, Map.of());
        String json = CatalogFormat.toJunctionJson(List.of(full, bare));
        assertEquals(List.of(full, bare), parse(json).models());
        assertEquals(CatalogFormat.JUNCTION, CatalogFormat.detect(json.getBytes(StandardCharsets.UTF_8), "x"));
    }

    @Test
    void readsSourcesAndDefaultsTheCachedPriceToTheInputPrice() throws InvalidCatalogException {
        ModelDescriptor m = parse("""
                {"format": "junction-catalog", "version": 1,
                 "sources": {"s": {"title": "t", "url": "https://example.org", "date": "2026-07-15"}},
                 "models": [{"provider": "p", "model": "m",
                   "limits": {"contextWindow": 10, "maxOutputTokens": 5, "source": "s"},
                   "prices": {"input": 2, "output": 4, "source": "s"},
                   "capabilities": {"values": ["Tools", "json_schema"], "source": "s"},
                   "quality": {"scores": {"coding": 0.25}, "source": "s"}, "future": {"ignored": true}}]}
                """).models().getFirst();
        assertEquals(new Prices(2, 4, 2), m.prices());
        assertEquals(EnumSet.of(Capability.TOOLS, Capability.JSON_SCHEMA), m.capabilities());
        assertEquals(Map.of(TaskCategory.CODING, 0.25), m.quality());
    }

    @Test
    void namesTheModelAndFieldOfEveryInvalidValue() {
        String head = "{\"format\": \"junction-catalog\", \"models\": [";
        String limits = "\"limits\": {\"contextWindow\": 10, \"maxOutputTokens\": 5}";
        String prices = "\"prices\": {\"input\": 1, \"output\": 1}";
        assertEquals("test.json: models[0] (p/m): \"prices\" must be an object, was null",
                reject(head + "{\"provider\": \"p\", \"model\": \"m\", " + limits + "}]}"));
        assertEquals("test.json: models[0] (p/m).prices: \"output\" must be a number, was \"1\"",
                reject(head + "{\"provider\": \"p\", \"model\": \"m\", " + limits
                        + ", \"prices\": {\"input\": 1, \"output\": \"1\"}}]}"));
        assertEquals("test.json: models[0] (p/m).capabilities: unknown Capability 'telepathy', expected one of"
                        + " [tools, json_schema, vision, streaming, reasoning]",
                reject(head + "{\"provider\": \"p\", \"model\": \"m\", " + limits + ", " + prices
                        + ", \"capabilities\": {\"values\": [\"telepathy\"]}}]}"));
        assertEquals("test.json: models[0] (p/m): p/m: quality for GENERAL must be in [0, 1], was 1.5",
                reject(head + "{\"provider\": \"p\", \"model\": \"m\", " + limits + ", " + prices
                        + ", \"quality\": {\"scores\": {\"general\": 1.5}}}]}"));
        assertEquals("test.json: models[0] (p/m).prices: source 'nowhere' is not listed in \"sources\"",
                reject(head + "{\"provider\": \"p\", \"model\": \"m\", " + limits
                        + ", \"prices\": {\"input\": 1, \"output\": 1, \"source\": \"nowhere\"}}]}"));
        assertEquals("test.json: model p/m appears more than once",
                reject(head + "{\"provider\": \"p\", \"model\": \"m\", " + limits + ", " + prices + "},"
                        + "{\"provider\": \"p\", \"model\": \"m\", " + limits + ", " + prices + "}]}"));
        assertEquals("test.json: the catalog has no usable model", reject(head + "]}"));
        assertEquals("test.json: \"format\" must be \"junction-catalog\", was null", reject("{\"models\": []}"));
        assertEquals("test.json: source 's' has date 'July 2026', expected yyyy-mm-dd",
                reject("{\"format\": \"junction-catalog\", \"sources\": {\"s\": {\"date\": \"July 2026\"}},"
                        + " \"models\": []}"));
        assertEquals("test.json: empty document", assertThrows(InvalidCatalogException.class,
                () -> CatalogFormat.JUNCTION.parse(new byte[0], "test.json")).getMessage());
    }

    @Test
    void rejectsDuplicateKeysAndTruncatedDocuments() {
        String duplicateKey = reject("{\"format\": \"junction-catalog\", \"format\": \"junction-catalog\", \"models\": []}");
        assertEquals(true, duplicateKey.startsWith("test.json: malformed JSON: Duplicate field 'format'"), duplicateKey);
        String truncated = reject("{\"format\": \"junction-catalog\", \"models\": [");
        assertEquals(true, truncated.startsWith("test.json: malformed JSON"), truncated);
    }

    @Test
    void detectRefusesAnUnknownDocument() {
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class,
                () -> CatalogFormat.detect("[1, 2]".getBytes(StandardCharsets.UTF_8), "odd.json"));
        assertEquals(true, e.getMessage().startsWith("odd.json: not a catalog in a known format"), e.getMessage());
    }

    /** Two catalogs concatenated (or a stray half document after the first) lost everything after the first silently. */
    @Test
    void rejectsContentAfterTheDocument() {
        String one = TestCatalogs.twoModels(1.0);
        String concatenated = reject(one + one.replace("\"alpha\"", "\"gamma\""));
        assertEquals(true, concatenated.startsWith("test.json: malformed JSON"), concatenated);
        String trailing = reject(one + " {\"models\": ");
        assertEquals(true, trailing.startsWith("test.json: malformed JSON"), trailing);
    }
}
