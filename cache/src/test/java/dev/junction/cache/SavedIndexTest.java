package dev.junction.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.junction.cache.Entries.entry;
import static dev.junction.cache.Entries.similar;
import static dev.junction.cache.Entries.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph index saved beside the cache file on close and loaded, or rebuilt, on open. */
class SavedIndexTest {
    private static final int ENTRIES = 300;

    @TempDir
    Path dir;

    private ChronicleCacheConfig config() {
        return Entries.config(dir.resolve("c.dat")).graphThreshold(64).build();
    }

    private Path indexDir() {
        return dir.resolve("c.dat.index");
    }

    private List<Path> savedGraphs() throws IOException {
        if (!Files.isDirectory(indexDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(indexDir())) {
            return files.toList();
        }
    }

    /**
     * Every entry in [from, to) is served for its own vector or missed, never confused with another; misses stay
     * within the graph's recall (JVector builds in parallel, so a rare exact match can be missed).
     */
    private static void assertEveryEntryIsFound(ChronicleSemanticCache cache, int from, int to) {
        int served = 0;
        for (int i = from; i < to; i++) {
            var hit = cache.lookupSimilar(similar("acme", "ns", "prompt " + i, unit(i)));
            if (hit.isPresent()) {
                assertEquals("e" + i, hit.get().entry().id());
                served++;
            }
        }
        assertTrue(served >= (to - from) * 0.98, served + " of " + (to - from) + " entries served");
    }

    @Test
    void closeSavesTheGraphAndOpenLoadsItThenDeletesIt() throws IOException {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config())) {
            for (int i = 0; i < ENTRIES; i++) {
                cache.put(entry("e" + i, "acme", "ns", "prompt " + i, unit(i)));
            }
            cache.put(entry("small", "acme", "other", "prompt", unit(1)));
            assertTrue(cache.usesGraphIndex("acme", "ns"));
        }
        assertEquals(1, savedGraphs().size(), "only the graph-mode namespace is saved: " + savedGraphs());
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config())) {
            assertTrue(savedGraphs().isEmpty(), "a loaded graph is not trusted again after this session");
            assertTrue(cache.usesGraphIndex("acme", "ns"));
            assertEveryEntryIsFound(cache, 0, ENTRIES);
            // The loaded graph keeps taking inserts and invalidations.
            for (int i = ENTRIES; i < ENTRIES + 50; i++) {
                cache.put(entry("e" + i, "acme", "ns", "prompt " + i, unit(i)));
            }
            assertTrue(cache.invalidate("e7"));
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "prompt 7", unit(7))).isEmpty());
            assertEveryEntryIsFound(cache, ENTRIES, ENTRIES + 50);
        }
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config())) {
            assertEveryEntryIsFound(cache, 8, ENTRIES + 50);
            assertTrue(cache.lookupSimilar(similar("acme", "ns", "prompt 7", unit(7))).isEmpty());
        }
    }

    @Test
    void aCorruptOrStaleSavedGraphIsRebuiltFromTheEntries() throws IOException {
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.create(config())) {
            for (int i = 0; i < ENTRIES; i++) {
                cache.put(entry("e" + i, "acme", "ns", "prompt " + i, unit(i)));
            }
        }
        Path saved = savedGraphs().getFirst();
        byte[] bytes = Files.readAllBytes(saved);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(saved, bytes);
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config())) {
            assertTrue(cache.usesGraphIndex("acme", "ns"));
            assertEveryEntryIsFound(cache, 0, ENTRIES);
        }
        // Stale: a graph saved before entries changed (as a crashed session would leave it).
        Path copy = dir.resolve("stale.graph");
        Files.copy(savedGraphs().getFirst(), copy);
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config())) {
            cache.put(entry("e" + ENTRIES, "acme", "ns", "prompt " + ENTRIES, unit(ENTRIES)));
            assertTrue(cache.invalidate("e3"));
        }
        Files.move(copy, savedGraphs().getFirst(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config())) {
            assertFalse(cache.lookupSimilar(similar("acme", "ns", "prompt 3", unit(3))).isPresent());
            assertEveryEntryIsFound(cache, 4, ENTRIES + 1);
        }
    }
}
