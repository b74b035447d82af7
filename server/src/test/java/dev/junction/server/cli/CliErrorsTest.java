package dev.junction.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command that fails on bad input prints one line naming the problem and exits 2, never a stack trace. */
class CliErrorsTest {

    private record Run(int exit, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = JunctionCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void aMissingFileIsNamedInOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("nosuch.bin");
        Run r = run("eval-router", "--weights", missing.toString(), "--data", dir.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("junction eval-router: no such file: " + missing, r.err().strip());
    }

    @Test
    void anOutOfRangePortIsRefusedBeforeAnythingStarts() {
        Run r = run("serve", "--port", "70000");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("junction serve: ") && r.err().contains("70000"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aBadDemoQualityIsRefusedBeforeTheSimulatorsStart() {
        Run r = run("demo", "--min-quality", "5");
        assertEquals(2, r.exit(), r.err());
        assertEquals("junction demo: --min-quality must be in [0, 1], was 5.0", r.err().strip());
    }

    @Test
    void describeFollowsTheCausesAndSaysEachOnce() {
        assertEquals("cannot read data.json: no such file: data.json", JunctionCli.describe(
                new UncheckedIOException("cannot read data.json", new NoSuchFileException("data.json"))));
        assertEquals("bad: worse", JunctionCli.describe(new IllegalStateException("bad",
                new IllegalArgumentException("worse"))));
        assertEquals("NullPointerException", JunctionCli.describe(new NullPointerException()));
    }

    /** README: a command failing on its input names the problem in one line and exits 2; catalog said just the path, exit 1. */
    @Test
    void aMissingCatalogFileIsNamedAndExitsTwo(@TempDir Path dir) {
        Path missing = dir.resolve("matrix.json");
        Run from = run("catalog", "--from", missing.toString());
        assertEquals(2, from.exit(), from.err());
        assertTrue(from.err().contains("no such file: " + missing), from.err());
        assertEquals(1, from.err().strip().lines().count(), from.err());
        Run folder = run("catalog", "--from", dir.toString());
        assertEquals(2, folder.exit(), folder.err());
        assertTrue(folder.err().contains(dir.toString()), folder.err());
        Run layer = run("catalog", "--catalog", missing.toString());
        assertEquals(2, layer.exit(), layer.err());
        assertTrue(layer.err().contains("no such file: " + missing), layer.err());
    }

    /** A config whose catalog is unusable failed only after creating the semantic cache file (~450 MB) it left behind. */
    @Test
    void aBadCatalogStopsTheStartBeforeAnyFileIsCreated(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("junction.yaml"), "catalog: missing.json\nserver: {port: 0}\n");
        Path data = dir.resolve("data");
        Run r = run("serve", "--config", config.toString(), "--data-dir", data.toString());
        assertEquals(2, r.exit(), r.err());
        assertFalse(Files.exists(data), () -> "left behind: " + data);
    }

    /** README: a port in use is one line; Helidon logged its own SEVERE with a 40-line stack trace before it. */
    @Test
    void aPortInUseShowsNoLibraryStackTrace(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("junction.yaml"), "cache: {enabled: false}\n");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.INFO.intValue()) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger helidon = Logger.getLogger("io.helidon");
        helidon.addHandler(capture);
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = run("serve", "--config", config.toString(), "--host", "127.0.0.1", "--port",
                    String.valueOf(busy.getLocalPort()), "--data-dir", dir.resolve("data").toString());
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains(String.valueOf(busy.getLocalPort())), r.err());
        } finally {
            helidon.removeHandler(capture);
        }
        assertTrue(records.stream().noneMatch(rec -> rec.getThrown() != null),
                () -> records.stream().map(rec -> rec.getLevel() + " " + rec.getLoggerName() + ": " + rec.getMessage()
                        + " " + rec.getThrown()).toList().toString());
    }

    /** --threads 0 failed after loading the model with "maximumPoolSize must be positive"; --qqp-pairs -5 meant "all". */
    @Test
    void badEvalCacheCountsAreRefusedBeforeAnythingStarts(@TempDir Path dir) {
        Run threads = run("eval-cache", "--data", dir.toString(), "--threads", "0");
        assertEquals(2, threads.exit(), threads.err());
        assertTrue(threads.err().contains("--threads"), threads.err());
        Run pairs = run("eval-cache", "--data", dir.toString(), "--qqp-pairs", "-5");
        assertEquals(2, pairs.exit(), pairs.err());
        assertTrue(pairs.err().contains("--qqp-pairs"), pairs.err());
    }

    /** A negative latency or token count started a simulator that reported negative usage (and ran until killed). */
    @Test
    void badSimulatorValuesAreRefusedBeforeItStarts() {
        for (String[] args : List.of(new String[] {"--latency-ms", "-5"}, new String[] {"--output-tokens", "-1"})) {
            Run r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> run("sim-upstream", "--port", "0", args[0], args[1]), () -> "started with " + args[0] + " "
                            + args[1]);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains(args[0]), r.err());
        }
    }
}
