package dev.junction.bench.plugins;

import dev.junction.spi.ChatRequest;
import dev.junction.spi.Message;
import dev.junction.spi.SamplingParameters;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ToolChoice;
import dev.junction.spi.ToolDefinition;

import java.util.List;

/** The requests the plugin benchmarks serialize. */
final class BenchRequests {
    private BenchRequests() {
    }

    /** A one-turn chat request, the commonest shape. */
    static ChatRequest small() {
        return ChatRequest.of(List.of(Message.system("You are a helpful assistant."),
                Message.user("Explain the difference between a process and a thread in two sentences.")))
                .withSampling(SamplingParameters.temperature(0.2)).withMaxOutputTokens(512);
    }

    /** A six-turn agent conversation with two tools and a completed tool call, about 2 KB of JSON. */
    static ChatRequest agent() {
        String schema = "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\",\"description\":\"City name\"},"
                + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\"]}";
        String search = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}},"
                + "\"required\":[\"query\"]}";
        ToolCall call = new ToolCall("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", "{\"location\":\"Paris\",\"unit\":\"celsius\"}");
        return ChatRequest.of(List.of(
                        Message.system("You are a travel assistant. Use the tools when the user asks about weather or places. "
                                + "Answer concisely and cite the tool results you used."),
                        Message.user("I am flying to Paris tomorrow. What is the weather like there right now?"),
                        Message.assistant("", List.of(call)),
                        Message.toolResult(call.id(), "{\"temperature\":22,\"unit\":\"celsius\",\"conditions\":\"sunny\"}"),
                        Message.assistant("It is 22°C and sunny in Paris right now."),
                        Message.user("Great. Can you find three museums near the Louvre that are open on Mondays?")))
                .withTools(List.of(ToolDefinition.of("get_weather", "Get the current weather in a city", schema),
                        ToolDefinition.of("search_places", "Search for places by free-text query", search)), ToolChoice.AUTO)
                .withSampling(SamplingParameters.temperature(0.7)).withMaxOutputTokens(1024);
    }
}
