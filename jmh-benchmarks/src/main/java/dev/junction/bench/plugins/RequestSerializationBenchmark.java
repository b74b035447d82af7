package dev.junction.bench.plugins;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.junction.plugin.anthropic.internal.AnthropicCodec;
import dev.junction.plugin.gemini.internal.GeminiCodec;
import dev.junction.plugin.openai.internal.OpenAiCodec;
import dev.junction.spi.ChatRequest;
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

import java.util.concurrent.TimeUnit;

/**
 * The cost of turning a normalized {@link ChatRequest} into each provider's request body (streaming
 * {@code JsonGenerator} writers), against a baseline that lets Jackson databind serialize the SPI records as they
 * are (reflection over records, no wire format at all).
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar RequestSerializationBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * -prof gc -rf json -rff jmh-result-plugins-serialization.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestSerializationBenchmark {

    /** {@code small}: system + one user turn; {@code agent}: six turns, two tools, one tool round trip. */
    @Param({"small", "agent"})
    public String shape;

    private ChatRequest request;
    private ObjectMapper mapper;

    @Setup
    public void setUp() {
        request = "agent".equals(shape) ? BenchRequests.agent() : BenchRequests.small();
        mapper = new ObjectMapper();
    }

    @Benchmark
    public byte[] baselineDatabindOfSpiRecords() throws Exception {
        return mapper.writeValueAsBytes(request);
    }

    @Benchmark
    public byte[] openAiCompatible() {
        return OpenAiCodec.encode(request, "gpt-4.1-mini", true, "max_completion_tokens", true);
    }

    @Benchmark
    public byte[] anthropic() {
        return AnthropicCodec.encode(request, "claude-sonnet-4-5", true, 4096);
    }

    @Benchmark
    public byte[] gemini() {
        return GeminiCodec.encode(request);
    }
}
