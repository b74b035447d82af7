package dev.junction.server.cli;

import dev.junction.server.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code junction demo}: the offline demonstration against simulated providers. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs a realistic mixed workload (easy and hard prompts, repeated and paraphrased questions) through the "
                    + "real engine, local embedding model and semantic cache, against SIMULATED providers started on "
                    + "127.0.0.1 that speak the OpenAI and Anthropic wire protocols through Junction's real plugins.",
            "Needs no network and no API keys. Prints routing per difficulty tier, cache hits, failovers and the cost "
                    + "against always using the strongest model. The simulated latencies, prices and failure rates are "
                    + "listed at the start of the output."
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seed", description = "Seed of the workload order and the simulated failures (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Option(names = "--min-quality", description = "Quality floor each request states, in [0, 1] (default: ${DEFAULT-VALUE}).")
    double minQuality = 0.7;

    @Override
    public Integer call() {
        if (!(minQuality >= 0 && minQuality <= 1)) { // before the simulators and the model start
            throw new IllegalArgumentException("--min-quality must be in [0, 1], was " + minQuality);
        }
        Demo.Result r = new Demo(System.out, seed, minQuality).run();
        return r.answered() > 0 && r.failed() * 10 < r.requests() ? 0 : 1;
    }
}
