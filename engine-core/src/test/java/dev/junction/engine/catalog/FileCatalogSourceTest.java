package dev.junction.engine.catalog;

import dev.junction.spi.ModelDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileCatalogSourceTest {
    @TempDir
    Path dir;

    @Test
    void reportsAChangedPriceOnceAndNothingWhenTheFileIsUnchangedOrRewrittenIdentically() throws IOException {
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, TestCatalogs.twoModels(3.0));
        FileCatalogSource source = FileCatalogSource.of(file);
        assertEquals(3.0, source.load().getFirst().prices().inputPerMillion());
        assertEquals(Optional.empty(), source.reloadIfChanged());

        Files.writeString(file, TestCatalogs.twoModels(3.0));
        assertEquals(Optional.empty(), source.reloadIfChanged(), "same bytes rewritten: no change");

        Files.writeString(file, TestCatalogs.twoModels(0.5));
        List<ModelDescriptor> updated = source.reloadIfChanged().orElseThrow();
        assertEquals(0.5, updated.getFirst().prices().inputPerMillion());
        assertEquals(Optional.empty(), source.reloadIfChanged());
    }

    @Test
    void rejectsABrokenUpdateWithItsReasonThenAcceptsTheNextGoodOne() throws IOException {
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, TestCatalogs.twoModels(3.0));
        FileCatalogSource source = FileCatalogSource.of(file, CatalogFormat.JUNCTION);
        source.load();

        Files.writeString(file, TestCatalogs.twoModels(0.5).substring(0, 200));
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class, source::reloadIfChanged);
        assertTrue(e.getMessage().startsWith("file:" + file.toAbsolutePath() + ": malformed JSON"), e.getMessage());
        assertEquals(Optional.empty(), source.reloadIfChanged(), "the same rejected content is not reported again");

        Files.writeString(file, TestCatalogs.twoModels(3.0).replace("\"input\" : 3.0", "\"input\" : -1.0"));
        InvalidCatalogException negative = assertThrows(InvalidCatalogException.class, source::reloadIfChanged);
        assertTrue(negative.getMessage().contains("(alpha/a): prices must be finite and >= 0"), negative.getMessage());

        Files.delete(file);
        IOException gone = assertThrows(IOException.class, source::reloadIfChanged);
        assertTrue(gone.getMessage().contains("cannot read the catalog file"), gone.getMessage());

        Files.writeString(file, TestCatalogs.twoModels(0.25));
        assertEquals(0.25, source.reloadIfChanged().orElseThrow().getFirst().prices().inputPerMillion());
        assertEquals(2, source.lastImport().models().size());
    }

    @Test
    void detectsTheFormatOfEachRead() throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {"m1": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06,
                        "output_cost_per_token": 2e-06, "max_input_tokens": 1000, "max_output_tokens": 100}}
                """);
        FileCatalogSource source = FileCatalogSource.of(file);
        assertEquals("openai/m1", source.load().getFirst().id());
        assertEquals(CatalogFormat.LITELLM, source.lastImport().format());
    }

    /**
     * A huge file (a wrong path, a runaway export) threw OutOfMemoryError out of load and reloadIfChanged: a stack
     * trace from the CLI, a dead refresher in a server, instead of a rejection that keeps the previous catalog.
     */
    @Test
    void rejectsAnOversizedFileAndKeepsThePreviousCatalog() throws IOException {
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, TestCatalogs.twoModels(3.0));
        FileCatalogSource source = FileCatalogSource.of(file);
        source.load();
        try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            huge.setLength(3L << 30); // sparse: takes no disk
        }
        IOException reload = assertThrows(IOException.class, () -> {
            try {
                source.reloadIfChanged();
            } catch (OutOfMemoryError e) { // JUnit and Surefire treat it as fatal: report it as a failure
                throw new AssertionError("not a rejection: " + e);
            }
        });
        assertTrue(reload.getMessage().contains(file.getFileName().toString()), reload.getMessage());
        IOException load = assertThrows(IOException.class, () -> {
            try {
                FileCatalogSource.of(file).load();
            } catch (OutOfMemoryError e) {
                throw new AssertionError("not a rejection: " + e);
            }
        });
        assertTrue(load.getMessage().contains("bytes"), load.getMessage());
    }
}
