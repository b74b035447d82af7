package dev.junction.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
}
