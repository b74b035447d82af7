package dev.junction.engine;

import dev.junction.engine.catalog.CatalogFormat;
import dev.junction.engine.catalog.FileCatalogSource;
import dev.junction.engine.fakes.Models;
import dev.junction.engine.fakes.TestBed;
import dev.junction.spi.CatalogSource;
import dev.junction.spi.ModelDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogRefreshTest {
    private final TestBed bed = new TestBed();
    private final ModelDescriptor m1 = Models.model("a", "m1", 1, 1, 0.7);
    private final ModelDescriptor m2 = Models.model("a", "m2", 2, 2, 0.8);

    /** A source whose next reload result a test sets. */
    static final class ScriptedSource implements CatalogSource {
        final List<ModelDescriptor> initial;
        Object next;
        int polls;

        ScriptedSource(List<ModelDescriptor> initial) {
            this.initial = initial;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public List<ModelDescriptor> load() {
            return initial;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Optional<List<ModelDescriptor>> reloadIfChanged() throws IOException {
            polls++;
            Object n = next;
            next = null;
            if (n instanceof IOException e) {
                throw e;
            }
            return Optional.ofNullable((List<ModelDescriptor>) n);
        }
    }

    @Test
    void refreshSwapsInTheChangedCatalog() {
        ScriptedSource source = new ScriptedSource(List.of(m1));
        bed.provider("a");
        try (Junction j = bed.builder().catalog(source).build()) {
            long v = j.liveMatrix().version();
            assertFalse(j.refreshCatalog(), "nothing changed");
            source.next = List.of(m1, m2);
            assertTrue(j.refreshCatalog());
            assertEquals(v + 1, j.liveMatrix().version());
            assertEquals(List.of("a/m1", "a/m2"), j.liveMatrix().models().stream().map(ModelStatus::modelId).toList());
        }
    }

    @Test
    void aFailingOrInvalidRefreshKeepsThePreviousCatalog() {
        ScriptedSource source = new ScriptedSource(List.of(m1));
        bed.provider("a");
        try (Junction j = bed.builder().catalog(source).build()) {
            long v = j.liveMatrix().version();
            source.next = new IOException("disk on fire");
            assertFalse(j.refreshCatalog());
            source.next = List.of();
            assertFalse(j.refreshCatalog());
            source.next = List.of(m2, m2);
            assertFalse(j.refreshCatalog());
            assertEquals(v, j.liveMatrix().version());
            assertEquals(List.of("a/m1"), j.liveMatrix().models().stream().map(ModelStatus::modelId).toList());
        }
    }

    @Test
    void laterSourcesWinOnTheSameModelId() {
        ModelDescriptor pricier = Models.model("a", "m1", 9, 9, 0.7);
        bed.provider("a");
        try (Junction j = bed.builder().models(List.of(m1)).models(List.of(pricier)).build()) {
            assertEquals(9, j.models().get(0).prices().inputPerMillion());
        }
    }

    @Test
    void sourcesArePolledOnTheRefreshInterval() {
        ScriptedSource source = new ScriptedSource(List.of(m1));
        bed.provider("a");
        try (Junction j = bed.builder().catalog(source).catalogRefreshInterval(Duration.ofSeconds(30)).build()) {
            source.next = List.of(m1, m2);
            bed.scheduler.advance(Duration.ofSeconds(29));
            assertEquals(0, source.polls);
            bed.scheduler.advance(Duration.ofSeconds(1));
            assertEquals(1, source.polls);
            assertEquals(2, j.models().size());
            bed.scheduler.advance(Duration.ofSeconds(60));
            assertEquals(3, source.polls);
        }
    }

    @Test
    void aSourceThatCannotLoadAtStartFailsTheBuildNamingIt() {
        CatalogSource broken = new CatalogSource() {
            @Override
            public String name() {
                return "broken.json";
            }

            @Override
            public List<ModelDescriptor> load() throws IOException {
                throw new IOException("no such file");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bed.builder().catalog(broken).build());
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
    }

    @Test
    void theDefaultCatalogIsUsedWhenNoneIsGiven() {
        try (Junction j = Junction.builder().catalogRefreshInterval(Duration.ZERO).build()) {
            assertFalse(j.models().isEmpty());
            assertTrue(j.providers().isEmpty());
        }
    }

    @Test
    void aFileChangeIsAppliedThoughAnotherSourceFailedInTheSameRefresh(@TempDir Path dir) throws IOException {
        // The file source takes a change as seen once it reports it: refusing the whole refresh because another
        // source failed would lose that change for good.
        ModelDescriptor cheap = Models.model("a", "m1", 1, 1, 0.7);
        ModelDescriptor repriced = Models.model("a", "m1", 5, 5, 0.7);
        ModelDescriptor other = Models.model("a", "m2", 2, 2, 0.8);
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, CatalogFormat.toJunctionJson(List.of(cheap)));
        ScriptedSource flaky = new ScriptedSource(List.of(other));
        bed.provider("a");
        try (Junction j = bed.builder().catalog(FileCatalogSource.of(file)).catalog(flaky).build()) {
            Files.writeString(file, CatalogFormat.toJunctionJson(List.of(repriced)));
            flaky.next = new IOException("HTTP 503 once");
            j.refreshCatalog();
            assertEquals(5.0, price(j, "a/m1"), "the file's new price is in force");
            assertEquals(2.0, price(j, "a/m2"), "the failing source keeps its previous models");
            j.refreshCatalog();
            assertEquals(5.0, price(j, "a/m1"));
        }
    }

    private static double price(Junction j, String id) {
        return j.models().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow().prices().inputPerMillion();
    }
}
