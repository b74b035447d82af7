package dev.junction.server.cli;

import dev.junction.server.demo.SimulatedProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code junction sim-upstream}: a SIMULATED OpenAI-wire provider on loopback, for load tests and local trials. */
@Command(name = "sim-upstream", mixinStandardHelpOptions = true,
        description = {
            "Serves a SIMULATED OpenAI Chat Completions API on 127.0.0.1 (POST /v1/chat/completions, streaming or not) "
                    + "whose models answer canned text after a fixed delay. The load scripts in bench/ use it as the "
                    + "instant upstream behind Junction and the gateways it is compared with.",
            "Runs until interrupted."
        })
public final class SimUpstreamCommand implements Callable<Integer> {

    @Option(names = {"-p", "--port"}, description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port = 9901;

    @Option(names = "--model", description = "Model id to serve (default: ${DEFAULT-VALUE}).")
    String model = "up-small";

    @Option(names = "--latency-ms", description = "Delay before each answer in milliseconds (default: ${DEFAULT-VALUE}).")
    long latencyMs = 0;

    @Option(names = "--output-tokens", description = "Tokens each answer reports (default: ${DEFAULT-VALUE}).")
    int outputTokens = 16;

    @Override
    public Integer call() throws InterruptedException {
        if (latencyMs < 0 || outputTokens < 0) { // before the simulator starts
            throw new IllegalArgumentException(latencyMs < 0 ? "--latency-ms must be >= 0, was " + latencyMs
                    : "--output-tokens must be >= 0, was " + outputTokens);
        }
        SimulatedProvider sim = new SimulatedProvider(SimulatedProvider.Wire.OPENAI, Map.of(model,
                new SimulatedProvider.Model(model, Duration.ofMillis(latencyMs), Duration.ZERO, 0, outputTokens)), 1, port);
        System.out.println("SIMULATED upstream listening on " + sim.baseUrl() + " (model " + model + ", " + latencyMs
                + " ms)");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stop.countDown();
        }, "sim-upstream-shutdown"));
        stop.await();
        return 0;
    }
}
