package dev.junction.bench.engine;

import dev.junction.engine.catalog.CatalogFormat;
import dev.junction.plugin.anthropic.AnthropicPlugin;
import dev.junction.plugin.gemini.GeminiPlugin;
import dev.junction.plugin.openai.OpenAiCompatiblePlugin;
import dev.junction.spi.CallOptions;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.DataRetention;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Message;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.TaskCategory;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;
import dev.junction.spi.Usage;

import java.io.IOException;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Catalogs and an instant provider for the engine benchmarks. */
final class BenchCatalog {
    /** Models in a catalog: at least this many. */
    static final int MIN_MODELS = 200;

    private BenchCatalog() {
    }

    /**
     * The LiteLLM price list at {@code ../shared/eval/catalog/litellm_model_prices.json} (or the path in system property
     * {@code junction.eval.dir}) read in place through the catalog importer, topped up with synthetic models to
     * {@value #MIN_MODELS} plus 40 when it has fewer usable models; only synthetic models when the file is absent.
     */
    static List<ModelDescriptor> litellm() {
        String dir = System.getProperty("junction.eval.dir", "../shared/eval");
        Path file = Path.of(dir, "catalog", "litellm_model_prices.json");
        List<ModelDescriptor> models = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                models.addAll(CatalogFormat.parseAny(Files.readAllBytes(file), file.toString()).models());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }
        if (models.size() < MIN_MODELS) {
            models.addAll(synthetic(MIN_MODELS + 40 - models.size()));
        }
        return models;
    }

    /** {@code n} synthetic models over 12 providers with varied prices, limits and quality. */
    static List<ModelDescriptor> synthetic(int n) {
        SplittableRandom rnd = new SplittableRandom(42);
        List<ModelDescriptor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double in = 0.05 + rnd.nextDouble() * 15;
            Map<TaskCategory, Double> q = new EnumMap<>(TaskCategory.class);
            for (TaskCategory c : TaskCategory.values()) {
                q.put(c, 0.3 + rnd.nextDouble() * 0.65);
            }
            Set<Capability> caps = EnumSet.of(Capability.STREAMING);
            if (rnd.nextInt(4) != 0) {
                caps.add(Capability.TOOLS);
            }
            if (rnd.nextInt(3) == 0) {
                caps.add(Capability.VISION);
            }
            out.add(new ModelDescriptor("synth" + (i % 12), "model-" + i, 8_192 << rnd.nextInt(6), 4_096,
                    new Prices(in, in * 4, in / 10), caps, Set.of("us", "eu"),
                    rnd.nextInt(5) == 0 ? DataRetention.ZERO : DataRetention.LIMITED, q));
        }
        return out;
    }

    static Set<String> providers(List<ModelDescriptor> models) {
        Set<String> ids = new LinkedHashSet<>();
        for (ModelDescriptor m : models) {
            ids.add(m.provider());
        }
        return ids;
    }

    /**
     * The request a router benchmark selects for: {@code chat} is a system prompt and a user question; {@code tools}
     * adds two tools with JSON-schema parameters, as an agent sends them.
     */
    static ChatRequest request(String kind) {
        ChatRequest chat = ChatRequest.of(List.of(
                Message.system("You are a concise assistant. Answer in plain English."),
                Message.user("Write a short poem about the sea, in four lines, with a rhyme.")));
        return switch (kind) {
            case "chat" -> chat;
            case "tools" -> chat.withTools(List.of(
                    ToolDefinition.of("get_weather", "Current weather for a city", """
                            {"type":"object","properties":{"city":{"type":"string"},\
                            "unit":{"type":"string","enum":["c","f"]}},"required":["city"]}"""),
                    ToolDefinition.of("search_docs", "Searches the product documentation", """
                            {"type":"object","properties":{"query":{"type":"string"},\
                            "limit":{"type":"integer","minimum":1,"maximum":20}},"required":["query"]}""")),
                    ToolChoice.AUTO);
            default -> throw new IllegalArgumentException("unknown request kind " + kind);
        };
    }

    /**
     * Real plugin clients, one per provider (Anthropic's plugin for {@code anthropic}, Gemini's for providers named
     * {@code gemini} or {@code vertex_ai...}, the OpenAI-compatible one for the rest), so selection pays their real
     * {@code validate}. Their base URL is an unused loopback port: selection never sends a request.
     */
    static Map<String, ProviderClient> pluginClients(Set<String> providers) {
        Map<String, ProviderClient> clients = new HashMap<>();
        for (String p : providers) {
            ProviderPlugin plugin;
            String pluginId;
            if (p.equals("anthropic")) {
                plugin = new AnthropicPlugin();
                pluginId = AnthropicPlugin.ID;
            } else if (p.equals("gemini") || p.startsWith("vertex_ai")) {
                plugin = new GeminiPlugin();
                pluginId = GeminiPlugin.ID;
            } else {
                plugin = new OpenAiCompatiblePlugin();
                pluginId = OpenAiCompatiblePlugin.ID;
            }
            clients.put(p, plugin.create(ProviderConfig.of(p, pluginId, URI.create("http://127.0.0.1:9/v1"), null)));
        }
        return clients;
    }

    /**
     * A provider client that answers at once with a prebuilt response: no I/O, no threads. Its request check is the
     * real plugin client's, when one is given.
     */
    static final class InstantProviderClient implements ProviderClient {
        private final String providerId;
        private final ProviderClient checks;
        private final CompletableFuture<ChatResponse> answer;

        InstantProviderClient(String providerId) {
            this(providerId, null);
        }

        InstantProviderClient(String providerId, ProviderClient checks) {
            this.providerId = providerId;
            this.checks = checks;
            this.answer = CompletableFuture.completedFuture(new ChatResponse("r", "Hello!", List.of(),
                    FinishReason.STOP, Usage.of(12, 3), providerId, "m", "m"));
        }

        @Override
        public String providerId() {
            return providerId;
        }

        @Override
        public void validate(ChatRequest request, ModelDescriptor model) {
            if (checks != null) {
                checks.validate(request, model);
            }
        }

        @Override
        public CompletableFuture<ChatResponse> complete(ChatRequest request, CallOptions options) {
            return answer;
        }

        @Override
        public Flow.Publisher<StreamEvent> stream(ChatRequest request, CallOptions options) {
            throw new UnsupportedOperationException("the benchmark does not stream");
        }

        @Override
        public void close() {
        }
    }
}
