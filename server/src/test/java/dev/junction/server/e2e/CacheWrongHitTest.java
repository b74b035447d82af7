package dev.junction.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A tenant told a cached answer was wrong reports it with the entry id the answer carried: the real cache (Chronicle
 * file, ONNX embedder) removes the entry and counts the report, and another tenant cannot remove it.
 */
class CacheWrongHitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAT = "{\"model\":\"upstream/up-large\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"What is the boiling point of water at sea level?\"}]}";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aReportedWrongHitIsRemovedAndCountedAndOnlyItsTenantCanReportIt() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway(dataDir, true)) {
            HttpResponse<String> miss = post(gateway, "/chat/completions", LoopbackGateway.KEY, CHAT);
            assertEquals(200, miss.statusCode(), miss.body());
            assertEquals("miss", header(miss, "x-junction-cache"));
            String entry = header(miss, "x-junction-cache-entry");
            assertEquals(header(miss, "x-junction-request-id"), entry, "a stored answer's entry is its request's id");

            HttpResponse<String> hit = post(gateway, "/chat/completions", LoopbackGateway.KEY, CHAT);
            assertEquals("exact_hit", header(hit, "x-junction-cache"));
            assertEquals(entry, header(hit, "x-junction-cache-entry"));
            assertEquals(entry, JSON.readTree(hit.body()).at("/junction/cache/entry_id").asText(), hit.body());
            assertEquals(1, gateway.upstream.calls());

            String report = "{\"entry_id\":\"" + entry + "\"}";
            HttpResponse<String> foreign = post(gateway, "/cache/wrong-hits", LoopbackGateway.OTHER_KEY, report);
            assertEquals(404, foreign.statusCode(), foreign.body());
            assertEquals("cache_entry_not_found", JSON.readTree(foreign.body()).at("/error/code").asText());
            assertEquals("exact_hit", header(post(gateway, "/chat/completions", LoopbackGateway.KEY, CHAT),
                    "x-junction-cache"), "another tenant's report leaves the entry in place");

            HttpResponse<String> reported = post(gateway, "/cache/wrong-hits", LoopbackGateway.KEY, report);
            assertEquals(200, reported.statusCode(), reported.body());
            assertEquals(true, JSON.readTree(reported.body()).get("removed").asBoolean());
            assertEquals(404, post(gateway, "/cache/wrong-hits", LoopbackGateway.KEY, report).statusCode(),
                    "a second report finds nothing");

            HttpResponse<String> again = post(gateway, "/chat/completions", LoopbackGateway.KEY, CHAT);
            assertEquals("miss", header(again, "x-junction-cache"), "the wrong answer is not served again");
            assertEquals(2, gateway.upstream.calls());

            JsonNode stats = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(
                    gateway.baseUrl().replace("/v1", "") + "/admin/cache"))
                    .header("authorization", "Bearer " + LoopbackGateway.KEY).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(1, stats.get("wrong_hit_reports").asLong(), stats.toString());
        }
    }

    @Test
    void aReportWithoutAnEntryIdIsA400NamingTheParameter() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway(dataDir, false)) {
            for (String body : new String[] {"{}", "{\"entry_id\":\" \"}", "{\"entry_id\":42}"}) {
                HttpResponse<String> r = post(gateway, "/cache/wrong-hits", LoopbackGateway.KEY, body);
                assertEquals(400, r.statusCode(), body + " -> " + r.body());
                assertEquals("entry_id", JSON.readTree(r.body()).at("/error/param").asText(), r.body());
            }
            assertEquals(401, post(gateway, "/cache/wrong-hits", "jk-wrong", "{\"entry_id\":\"x\"}").statusCode());
        }
    }

    private HttpResponse<String> post(LoopbackGateway gateway, String path, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<String> r, String name) {
        String v = r.headers().firstValue(name).orElse(null);
        assertNotNull(v, name + " missing: " + r.headers().map());
        return v;
    }
}
