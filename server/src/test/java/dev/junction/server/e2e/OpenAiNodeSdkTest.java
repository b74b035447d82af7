package dev.junction.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official {@code openai} npm package against the gateway: plain, streaming and tool-call requests.
 *
 * <p>Installs the package with npm into {@code target/npm-openai} once (reused by later runs); skipped, with the
 * reason, where Node or npm is missing or the npm registry cannot be reached.
 */
class OpenAiNodeSdkTest {

    /** The package version the test pins. */
    static final String OPENAI_NPM = "openai@6.30.1";

    @TempDir
    Path dataDir;

    @Test
    void theOfficialNodeClientWorksAgainstTheGateway() throws Exception {
        assumeTrue(runs("node", "--version"), "Node.js is not installed: skipping the openai npm client test");
        assumeTrue(runs("npm", "--version"), "npm is not installed: skipping the openai npm client test");
        Path dir = Path.of("target", "npm-openai").toAbsolutePath();
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir.resolve("node_modules/openai"))) {
            Files.writeString(dir.resolve("package.json"), "{\"name\":\"junction-openai-client-test\",\"private\":true}");
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", OPENAI_NPM)
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = npm.waitFor(5, TimeUnit.MINUTES);
            assumeTrue(done && npm.exitValue() == 0, "npm could not install " + OPENAI_NPM + " (registry unreachable?): " + log);
        }
        try (InputStream script = getClass().getResourceAsStream("/npm/openai-client.mjs")) {
            Files.copy(script, dir.resolve("openai-client.mjs"), StandardCopyOption.REPLACE_EXISTING);
        }
        try (LoopbackGateway gateway = new LoopbackGateway(dataDir, false)) {
            ProcessBuilder pb = new ProcessBuilder("node", "openai-client.mjs").directory(dir.toFile());
            pb.environment().put("JUNCTION_BASE_URL", gateway.baseUrl());
            pb.environment().put("JUNCTION_KEY", LoopbackGateway.KEY);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process node = pb.start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(node.waitFor(2, TimeUnit.MINUTES), "node finished");
            assertEquals(0, node.exitValue(), out);
            List<String> lines = out.lines().toList();
            JsonNode r = JsonMapper.builder().build().readTree(lines.get(lines.size() - 1));
            assertTrue(r.get("plain").asText().startsWith("SIMULATED answer from up-"), out);
            assertEquals("stop", r.get("plainFinish").asText());
            assertTrue(r.get("streamed").asText().startsWith("SIMULATED answer from up-"), out);
            assertEquals("stop", r.get("finish").asText());
            assertTrue(r.get("usage").asInt() > 0, out);
            assertEquals("get_weather", r.get("toolName").asText());
            assertEquals("{\"city\":\"Paris\"}", r.get("toolArgs").asText());
            assertEquals("tool_calls", r.get("firstFinish").asText());
            assertEquals("stop", r.get("secondFinish").asText());
            assertEquals(401, r.get("wrongKeyStatus").asInt());
        }
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
