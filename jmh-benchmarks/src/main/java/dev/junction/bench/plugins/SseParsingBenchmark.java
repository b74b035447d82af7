package dev.junction.bench.plugins;

import dev.junction.plugin.anthropic.internal.AnthropicStreamDecoder;
import dev.junction.plugin.common.SseParser;
import dev.junction.plugin.common.StreamDecoder;
import dev.junction.plugin.gemini.internal.GeminiStreamDecoder;
import dev.junction.plugin.openai.internal.OpenAiStreamDecoder;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cost of decoding one streamed answer of {@value #DELTAS} text deltas (about the size of a 200-token answer)
 * from each provider's wire bytes into normalized {@link StreamEvent}s: SSE framing plus JSON decoding, fed in
 * 1 KiB network-sized chunks. The baseline only frames the same bytes into SSE events, without decoding JSON.
 * Divide by {@value #DELTAS} for the cost per event.
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar SseParsingBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * -prof gc -rf json -rff jmh-result-plugins-sse.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseParsingBenchmark {
    static final int DELTAS = 200;
    private static final int CHUNK = 1024;

    @Param({"openai", "anthropic", "gemini"})
    public String protocol;

    private byte[] wire;

    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder(DELTAS * 300);
        switch (protocol) {
            case "openai" -> {
                sb.append(openAiChunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
                for (int i = 0; i < DELTAS; i++) {
                    sb.append(openAiChunk("{\"content\":\" word" + i + "\"}", "null"));
                }
                sb.append(openAiChunk("{}", "\"stop\""));
                sb.append("data: {\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                        + "\"model\":\"gpt-4.1-2025-04-14\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":200,"
                        + "\"total_tokens\":212,\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n");
                sb.append("data: [DONE]\n\n");
            }
            case "anthropic" -> {
                sb.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,"
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n");
                sb.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
                sb.append("event: ping\ndata: {\"type\": \"ping\"}\n\n");
                for (int i = 0; i < DELTAS; i++) {
                    sb.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" word")
                            .append(i).append("\"}}\n\n");
                }
                sb.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
                sb.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":200}}\n\n");
                sb.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            }
            case "gemini" -> {
                for (int i = 0; i < DELTAS; i++) {
                    boolean last = i == DELTAS - 1;
                    sb.append("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" word").append(i)
                            .append("\"}],\"role\":\"model\"}").append(last ? ",\"finishReason\":\"STOP\"" : "")
                            .append(",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":").append(i + 1)
                            .append(",\"totalTokenCount\":").append(i + 13)
                            .append("},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"mOLNaIzqL8-gz7IPpLSOsQ4\"}\r\n\r\n");
                }
            }
            default -> throw new IllegalArgumentException(protocol);
        }
        wire = sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String openAiChunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                + "\"model\":\"gpt-4.1-2025-04-14\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_b3f1157249\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}],\"usage\":null}\n\n";
    }

    private StreamDecoder decoder() {
        return switch (protocol) {
            case "openai" -> new OpenAiStreamDecoder("openai", "gpt-4.1", SseParsingBenchmark::error);
            case "anthropic" -> new AnthropicStreamDecoder("anthropic", "claude-sonnet-4-5", null, SseParsingBenchmark::error);
            default -> new GeminiStreamDecoder("gemini", "gemini-2.5-flash", SseParsingBenchmark::error);
        };
    }

    private static ProviderException error(dev.junction.spi.ErrorKind kind, String message) {
        return new ProviderException(kind, "bench", null, 0, message);
    }

    @Benchmark
    public void baselineSseFramingOnly(Blackhole bh) {
        SseParser parser = new SseParser();
        SseParser.Listener listener = (event, data) -> bh.consume(data);
        for (int off = 0; off < wire.length; off += CHUNK) {
            parser.feed(wire, off, Math.min(wire.length, off + CHUNK), listener);
        }
    }

    @Benchmark
    public void decodeStream(Blackhole bh) {
        SseParser parser = new SseParser();
        StreamDecoder decoder = decoder();
        Consumer<StreamEvent> sink = bh::consume;
        SseParser.Listener listener = (event, data) -> decoder.onEvent(event, data, sink);
        for (int off = 0; off < wire.length; off += CHUNK) {
            parser.feed(wire, off, Math.min(wire.length, off + CHUNK), listener);
        }
        decoder.onEnd(sink);
    }
}
