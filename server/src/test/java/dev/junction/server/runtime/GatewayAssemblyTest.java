package dev.junction.server.runtime;

import dev.junction.engine.Junction;
import dev.junction.engine.catalog.DefaultCatalog;
import dev.junction.server.config.JunctionConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayAssemblyTest {

    @Test
    void opensTheCacheFileNamedForTheDefaultModel(@TempDir Path data) {
        try (EngineBackend backend = GatewayAssembly.backend(List.of(), DefaultCatalog.source(), data,
                new JunctionConfig.Cache(true, 1000L), new SimpleMeterRegistry(), Map.of(), b -> { })) {
            Map<String, Object> health = backend.health();
            assertEquals("all-minilm-l6-v2-q", health.get("embedder"));
            Path file = data.resolve("cache-all-minilm-l6-v2-q.dat");
            assertEquals(file.toString(), health.get("cache"));
            assertTrue(Files.isRegularFile(file));
            assertEquals(384, backend.embedder().orElseThrow().embed("a question").length);
        }
    }

    @Test
    void cacheOffOpensNoFile(@TempDir Path data) throws Exception {
        try (EngineBackend backend = GatewayAssembly.backend(List.of(), DefaultCatalog.source(), data,
                new JunctionConfig.Cache(false, null), new SimpleMeterRegistry(), Map.of(), b -> { })) {
            assertEquals("off", backend.health().get("cache"));
            assertEquals("all-minilm-l6-v2-q", backend.health().get("embedder"));
        }
        try (var files = Files.list(data)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void healthKeepsAFactWhoseValueIsNone() {
        // The assembly reports a model that failed to load as "embedder": null (the demo prints it as "none").
        Map<String, Object> facts = new HashMap<>();
        facts.put("embedder", null);
        facts.put("cache", "in-memory exact");
        try (EngineBackend backend = new EngineBackend(Junction.builder()
                .catalog(DefaultCatalog.source()).cacheStore(null).embedder(null).build(), null, List.of(), facts)) {
            Map<String, Object> health = backend.health();
            assertTrue(health.containsKey("embedder"));
            assertNull(health.get("embedder"));
            assertEquals("in-memory exact", health.get("cache"));
            assertFalse(health.containsKey("predictor"));
        }
    }
}
