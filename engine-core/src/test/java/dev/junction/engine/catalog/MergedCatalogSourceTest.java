package dev.junction.engine.catalog;

import dev.junction.spi.CatalogSource;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.TaskCategory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MergedCatalogSourceTest {
    @TempDir
    Path dir;

    private static CatalogSource fixed(String name, List<ModelDescriptor> models) {
        return new CatalogSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ModelDescriptor> load() {
                return models;
            }
        };
    }

    @Test
    void theLastSourceWinsPricesWhileQualityRegionsAndRetentionFillFromEarlierSources() throws IOException {
        ModelDescriptor base = new ModelDescriptor("alpha", "a", 1000, 100, new Prices(3, 6, 0.3), Set.of(),
                Set.of("eu"), DataRetention.ZERO, Map.of(TaskCategory.CODING, 0.7));
        ModelDescriptor feed = new ModelDescriptor("alpha", "a", 2000, 200, new Prices(1, 2, 0.1), Set.of(),
                Set.of(), DataRetention.UNKNOWN, Map.of());
        ModelDescriptor onlyInFeed = TestCatalogs.model("gamma", "c", 5, 5);
        ModelDescriptor onlyInBase = TestCatalogs.model("beta", "b", 1, 1);
        MergedCatalogSource merged = MergedCatalogSource.of(fixed("base", List.of(onlyInBase, base)),
                fixed("feed", List.of(feed, onlyInFeed)));

        List<ModelDescriptor> models = merged.load();
        assertEquals(List.of("beta/b", "alpha/a", "gamma/c"), models.stream().map(ModelDescriptor::id).toList());
        ModelDescriptor a = models.get(1);
        assertEquals(new Prices(1, 2, 0.1), a.prices());
        assertEquals(2000, a.contextWindow());
        assertEquals(Set.of("eu"), a.regions());
        assertEquals(DataRetention.ZERO, a.retention());
        assertEquals(Map.of(TaskCategory.CODING, 0.7), a.quality());
        assertEquals("merged[base < feed]", merged.name());
    }

    @Test
    void aChangeInOneSourceIsMergedAndABrokenOneKeepsItsPreviousModels() throws IOException {
        Path overrides = dir.resolve("overrides.json");
        Files.writeString(overrides, CatalogFormat.toJunctionJson(List.of(TestCatalogs.model("alpha", "a", 9, 9))));
        MergedCatalogSource merged = MergedCatalogSource.of(
                fixed("base", List.of(TestCatalogs.model("alpha", "a", 3, 3), TestCatalogs.model("beta", "b", 1, 1))),
                FileCatalogSource.of(overrides));
        assertEquals(9, merged.load().getFirst().prices().inputPerMillion());
        assertEquals(Optional.empty(), merged.reloadIfChanged());

        Files.writeString(overrides, CatalogFormat.toJunctionJson(List.of(TestCatalogs.model("alpha", "a", 2, 9))));
        List<ModelDescriptor> updated = merged.reloadIfChanged().orElseThrow();
        assertEquals(2, updated.getFirst().prices().inputPerMillion());
        assertEquals(2, updated.size());

        Files.writeString(overrides, "{ not json");
        assertThrows(InvalidCatalogException.class, merged::reloadIfChanged);
        assertEquals(Optional.empty(), merged.reloadIfChanged());
    }

    @Test
    void needsAtLeastOneSource() {
        assertThrows(IllegalArgumentException.class, MergedCatalogSource::of);
    }
}
