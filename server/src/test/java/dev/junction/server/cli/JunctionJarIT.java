package dev.junction.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's run command on the real artifact: {@code java -jar server/target/junction.jar demo} (and {@code serve}
 * on embedded defaults) as child processes with no extra JVM flags.
 */
class JunctionJarIT {

    private static Path jar() {
        Path jar = Path.of(System.getProperty("junction.jar", "target/junction.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the shaded jar exists: " + jar);
        return jar;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void demoRunsOfflineAndReportsRoutingCacheFailoversAndCost(@TempDir Path work) throws Exception {
        Process p = new ProcessBuilder(java(), "-jar", jar().toString(), "demo").directory(work.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the demo finishes");
        assertEquals(0, p.exitValue(), out);
        for (String expected : List.of("SIMULATED", "45/45 requests", "Routing per difficulty tier", "easy", "hard",
                "Cache hits:", "Failovers:", "Junction cost", "always sim-anthropic/sim-opus")) {
            assertTrue(out.contains(expected), "demo output contains '" + expected + "':\n" + out);
        }
        assertTrue(!out.contains("Exception"), out);
    }

    @Test
    void serveStartsOnEmbeddedDefaultsWithoutKeys(@TempDir Path work) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(), "-jar", jar().toString(), "serve", "--port", "0",
                "--data-dir", work.resolve("data").toString()).directory(work.toFile()).redirectErrorStream(true);
        for (String key : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY")) {
            pb.environment().remove(key);
        }
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
            String base = null;
            StringBuilder seen = new StringBuilder();
            String line;
            while (base == null && (line = r.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                }
            }
            assertTrue(base != null, "serve printed its address:\n" + seen);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(models.body().contains("junction/auto"), models.body());
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"junction/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, chat.statusCode(), "no providers configured: " + chat.body());
            assertTrue(chat.body().contains("OPENAI_API_KEY"), chat.body());
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
