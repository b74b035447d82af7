package dev.junction.plugin.common;

import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderException;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestChecksTest {
    private static final String OBJECT = "{\"type\":\"object\"}";
    private static final ModelDescriptor TOOLS = model("with-tools", Set.of(Capability.TOOLS));
    private static final ModelDescriptor PLAIN = model("plain", Set.of());

    private static ModelDescriptor model(String name, Set<Capability> caps) {
        return new ModelDescriptor("p", name, 8192, 1024, Prices.FREE, caps, Set.of(), DataRetention.STANDARD, Map.of());
    }

    private static ChatRequest withTool(String name, String schema) {
        return ChatRequest.ofUser("hi").withTools(List.of(new ToolDefinition(name, "d", schema, false)), ToolChoice.AUTO);
    }

    private static String refusal(ChatRequest request, ModelDescriptor model) {
        return assertThrows(ProviderException.class, () -> RequestChecks.checkCommon(request, model)).getMessage();
    }

    @Test
    void requestFactsAreKeptPerRequestNotLeakedToTheNext() {
        ChatRequest badName = withTool("no spaces allowed", OBJECT);
        ChatRequest badSchema = withTool("lookup", "[1]");
        ChatRequest good = withTool("lookup", OBJECT);
        for (int round = 0; round < 2; round++) {
            assertEquals("p/with-tools: tool name 'no spaces allowed' must match [a-zA-Z0-9_-]{1,64}",
                    refusal(badName, TOOLS));
            assertDoesNotThrow(() -> RequestChecks.checkCommon(good, TOOLS));
            assertEquals("p/with-tools: the parameters schema of tool 'lookup' must be a JSON object",
                    refusal(badSchema, TOOLS));
            // The same request, another model: the capability is checked per model, before the request's problems.
            assertEquals("p/plain: the model does not support tools (the request has 1)", refusal(good, PLAIN));
            assertEquals("p/plain: the model does not support tools (the request has 1)", refusal(badName, PLAIN));
        }
        assertDoesNotThrow(() -> RequestChecks.checkCommon(ChatRequest.ofUser("no tools"), PLAIN));
    }

    @Test
    void threadsCheckingDifferentRequestsEachGetTheirOwnAnswer() throws Exception {
        ChatRequest bad = withTool("bad name", OBJECT);
        ChatRequest good = withTool("ok", OBJECT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean even = t % 2 == 0;
                results.add(pool.submit(() -> {
                    int wrong = 0;
                    for (int i = 0; i < 20_000; i++) {
                        try {
                            RequestChecks.checkCommon(even ? good : bad, TOOLS);
                            wrong += even ? 0 : 1;
                        } catch (ProviderException e) {
                            wrong += even ? 1 : 0;
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(0, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
