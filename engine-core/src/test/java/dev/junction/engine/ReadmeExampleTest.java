package dev.junction.engine;

import dev.junction.engine.fakes.FakeClock;
import dev.junction.engine.fakes.FakeProviderClient;
import dev.junction.engine.fakes.FakeScheduler;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Compiles and runs the README's "Embedding the engine" example, so that it cannot rot. */
class ReadmeExampleTest {

    static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("README.md");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    static String example(String markdown) {
        int section = markdown.indexOf("## Embedding the engine");
        if (section < 0) {
            throw new AssertionError("README.md has no \"## Embedding the engine\" section");
        }
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        if (!m.find(section)) {
            throw new AssertionError("the \"Embedding the engine\" section has no ```java block");
        }
        return m.group(1);
    }

    @Test
    void theEmbeddingExampleCompilesAndAnswers() throws Exception {
        Path readme = readme();
        Assumptions.assumeTrue(readme != null, "README.md not found above " + Path.of("").toAbsolutePath());
        String source = example(Files.readString(readme));

        Path dir = Files.createTempDirectory("readme-example");
        try {
            Files.writeString(dir.resolve("EmbeddingExample.java"), source);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            assertNotNull(javac, "a JDK is needed to compile the README example");
            ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
            int rc = javac.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                    "-Xlint:all", "-Werror", "-d", dir.toString(), dir.resolve("EmbeddingExample.java").toString());
            assertEquals(0, rc, "the README example does not compile:\n" + diagnostics);

            FakeClock clock = new FakeClock();
            FakeProviderClient client = new FakeProviderClient("local", new FakeScheduler(clock), clock)
                    .script("llama-3.1-8b", FakeProviderClient.ok(Duration.ZERO, "Bonjour !", 12, 3));
            try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader())) {
                Method ask = loader.loadClass("EmbeddingExample").getMethod("ask", dev.junction.spi.ProviderClient.class);
                assertEquals("Bonjour !", ask.invoke(null, client));
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
