package dev.junction.cache;

import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real child JVM writes entries and is killed with SIGKILL mid-write; every completed put survives. While it lives,
 * this process cannot open the file.
 */
class CrashSafetyTest {
    @TempDir
    Path dir;

    static ChronicleCacheConfig config(Path file) {
        return ChronicleCacheConfig.custom(file).maxEntries(100_000).averageEntryBytes(400).dimensions(Entries.DIMS)
                .similarityThreshold(0.9).build();
    }

    static CacheEntry entryNumber(int i) {
        return Entries.entry("id-" + i, "tenant", "ns", "prompt number " + i + " " + "x".repeat(i % 200),
                Entries.unit(i), 0.9, Duration.ofDays(1));
    }

    @Test
    void sigkillMidWriteLeavesEveryCompletedPutIntact() throws Exception {
        Path file = dir.resolve("crash.dat");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ProcessHandle.current().info().arguments().orElse(new String[0])) {
            if (arg.startsWith("--add-") || arg.startsWith("-D") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashWriter.class.getName());
        command.add(file.toString());
        Process child = new ProcessBuilder(command).redirectError(dir.resolve("child.err").toFile()).start();
        int lastCompleted = -1;
        boolean killed = false;
        boolean refusedWhileAlive = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("READY")) {
                    // While the child writes, another process must not open the file (Chronicle would "recover" it).
                    IllegalStateException refused = assertThrows(IllegalStateException.class,
                            () -> ChronicleSemanticCache.open(config(file)));
                    assertTrue(refused.getMessage().contains("is in use by another process"), refused.getMessage());
                    refusedWhileAlive = true;
                }
                if (line.startsWith("PUT ")) {
                    lastCompleted = Integer.parseInt(line.substring(4));
                    if (lastCompleted == 1500 && !killed) {
                        kill(child);
                        killed = true;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(killed, "child died before 1500 puts; see " + dir.resolve("child.err"));
        assertTrue(refusedWhileAlive, "the child said READY");
        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");
        assertTrue(lastCompleted >= 1500);

        try (ChronicleSemanticCache cache = ChronicleSemanticCache.open(config(file))) {
            long entries = cache.stats().entries();
            assertTrue(entries >= lastCompleted + 1, entries + " entries, " + (lastCompleted + 1) + " completed");
            assertTrue(entries <= lastCompleted + 2, "at most the in-flight put beyond the last reported one");
            for (int i = 0; i <= lastCompleted; i++) {
                CacheEntry expected = entryNumber(i);
                CacheHit hit = cache.lookupExact(Entries.exact("tenant", "ns", expected.prompt()))
                        .orElseThrow(() -> new AssertionError("lost a completed put"));
                assertEquals(expected.id(), hit.entry().id());
                assertEquals(expected.response(), hit.entry().response());
            }
            CacheEntry probe = entryNumber(lastCompleted / 2);
            assertEquals(probe.id(), cache.lookupSimilar(Entries.similar("tenant", "ns", probe.prompt(), probe.embedding()))
                    .orElseThrow().entry().id());
            cache.put(entryNumber(1_000_000));
            assertTrue(cache.lookupExact(Entries.exact("tenant", "ns", entryNumber(1_000_000).prompt())).isPresent());
        }
    }

    private static void kill(Process child) throws IOException, InterruptedException {
        File kill = new File("/bin/kill");
        if (kill.canExecute()) {
            new ProcessBuilder(kill.getPath(), "-KILL", Long.toString(child.pid())).inheritIO().start().waitFor();
        } else {
            child.destroyForcibly(); // SIGKILL on Unix as well
        }
    }
}
