package dev.junction.server.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} works on the root command and on every subcommand, and explains it. */
class CliHelpTest {

    @Test
    void everySubcommandExplainsItself() {
        CommandLine root = new CommandLine(new JunctionCli());
        Map<String, CommandLine> subcommands = root.getSubcommands();
        assertTrue(subcommands.containsKey("serve") && subcommands.containsKey("demo"), subcommands.keySet().toString());
        for (Map.Entry<String, CommandLine> e : subcommands.entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            CommandLine cmd = new CommandLine(new JunctionCli());
            cmd.setOut(new PrintWriter(out));
            java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
            java.io.PrintStream stderr = System.err;
            int code;
            System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                code = cmd.execute(e.getKey(), "--help");
            } finally {
                System.setErr(stderr);
            }
            assertEquals(0, code, e.getKey() + " --help exits 0");
            // A bare '%' in a description makes picocli warn and print the text unformatted.
            assertFalse(warnings.toString(java.nio.charset.StandardCharsets.UTF_8).contains("picocli WARN"),
                    e.getKey() + ": " + warnings);
            String text = out.toString();
            assertTrue(text.contains("Usage: junction " + e.getKey()), e.getKey() + ": " + text);
            assertTrue(text.length() > 200, e.getKey() + " --help explains the command: " + text);
        }
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new JunctionCli());
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("--help"));
        assertTrue(out.toString().contains("serve") && out.toString().contains("demo"), out.toString());
    }

    @Test
    void telemetryIsOffOnceTheCommandLineIsLoaded() {
        new JunctionCli();
        assertEquals("true", System.getProperty("chronicle.analytics.disable"));
        assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
    }

    /** Helidon logs through java.util.logging, so the slf4j level Telemetry set for it never applied. */
    @Test
    void helidonsStartUpChatterIsQuietOnceTheCommandLineIsLoaded() {
        new JunctionCli();
        assertFalse(System.getLogger("io.helidon.webserver.LoomServer").isLoggable(System.Logger.Level.INFO));
    }
}
