package dev.junction.server.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's two set-up commands stay in sync with what CI runs and what the jar is called. */
class ReadmeCommandsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void readmeShowsTheTestCommandCiRuns() throws Exception {
        List<String> ci = Files.readAllLines(ROOT.resolve(".ci/run"));
        String command = null;
        for (int i = 0; i < ci.size() - 1; i++) {
            if (ci.get(i).contains("The README's test command")) {
                command = ci.get(i + 1).strip();
            }
        }
        assertTrue(command != null && command.startsWith("./mvnw"), ".ci/run names its test command: " + command);
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("\n" + command + "\n"), "README.md shows the command .ci/run runs: " + command);
    }

    @Test
    void readmeShowsTheDemoCommandOnTheShadedJar() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("./mvnw -q -DskipTests package && java -jar server/target/junction.jar demo"), readme);
        String pom = Files.readString(ROOT.resolve("server/pom.xml"));
        assertTrue(pom.contains("<finalName>junction</finalName>"), "the shaded jar is server/target/junction.jar");
    }
}
