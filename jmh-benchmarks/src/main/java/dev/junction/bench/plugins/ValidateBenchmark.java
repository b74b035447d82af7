package dev.junction.bench.plugins;

import dev.junction.plugin.anthropic.AnthropicPlugin;
import dev.junction.plugin.common.Json;
import dev.junction.plugin.gemini.GeminiPlugin;
import dev.junction.plugin.openai.OpenAiCompatiblePlugin;
import dev.junction.spi.Capability;
import dev.junction.spi.ChatRequest;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.ProviderConfig;
import dev.junction.spi.ProviderPlugin;
import dev.junction.spi.ToolDefinition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cost of each plugin's {@link ProviderClient#validate}, which the router calls for every candidate of the
 * fallback chain on every request, against a baseline that parses the request's tool schemas once (what every
 * validate call cost before schemas were parsed once per distinct text).
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar plugins.ValidateBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * -rf json -rff jmh-result-plugins-validate.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ValidateBenchmark {

    /** Which plugin's client checks the request. */
    @Param({"openai", "anthropic", "gemini"})
    public String plugin;

    /** {@code small}: system + one user turn; {@code agent}: six turns, two tools, one tool round trip. */
    @Param({"small", "agent"})
    public String shape;

    private ChatRequest request;
    private ProviderClient client;
    private ModelDescriptor model;

    @Setup
    public void setUp() {
        request = "agent".equals(shape) ? BenchRequests.agent() : BenchRequests.small();
        ProviderPlugin p = switch (plugin) {
            case "anthropic" -> new AnthropicPlugin();
            case "gemini" -> new GeminiPlugin();
            default -> new OpenAiCompatiblePlugin();
        };
        client = p.create(ProviderConfig.of(plugin, p.id(), URI.create("http://127.0.0.1:9/v1"), null));
        model = new ModelDescriptor(plugin, "bench-model", 128_000, 8_192, new Prices(1, 4, 0.1),
                EnumSet.allOf(Capability.class), Set.of("us"), DataRetention.UNKNOWN, Map.of());
        client.validate(request, model);
    }

    @Benchmark
    public void baselineParseToolSchemas(Blackhole bh) {
        for (ToolDefinition t : request.tools()) {
            bh.consume(Json.object(t.parametersJsonSchema(), "tool"));
        }
    }

    @Benchmark
    public ChatRequest validate() {
        client.validate(request, model);
        return request;
    }
}
