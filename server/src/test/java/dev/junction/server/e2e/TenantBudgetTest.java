package dev.junction.server.e2e;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tenant's budget, from its virtual key, is enforced by the real engine and answered as an OpenAI 429. */
class TenantBudgetTest {

    @TempDir
    Path dataDir;

    @Test
    void aTenantOverItsBudgetGets429AndTheBudgetViewShowsTheSpend() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway(dataDir, false, 0.0000005)) {
            HttpClient http = HttpClient.newHttpClient();
            String body = "{\"model\":\"upstream/up-large\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";
            int status = 200;
            String last = "";
            for (int i = 0; i < 5 && status == 200; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                        .header("authorization", "Bearer " + LoopbackGateway.KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body.formatted("question number " + i))).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                last = r.body();
            }
            assertEquals(429, status, last);
            assertEquals("budget_exceeded", JsonMapper.builder().build().readTree(last).at("/error/code").asText(), last);
            HttpResponse<String> budgets = http.send(HttpRequest.newBuilder(URI.create(
                    gateway.baseUrl().replace("/v1", "") + "/admin/budgets"))
                    .header("authorization", "Bearer " + LoopbackGateway.KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(budgets.body().contains("tenant:test"), budgets.body());
        }
    }
}
