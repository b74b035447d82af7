package dev.junction.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code junction} command line: the root command every subcommand hangs off.
 *
 * <p>Other modules' commands register themselves by adding their class to {@code subcommands} below.
 */
@Command(
        name = "junction",
        mixinStandardHelpOptions = true,
        version = "junction 0.1.0-SNAPSHOT",
        description = {
            "Semantic cache and intent-based routing in front of LLM providers.",
            "Run a subcommand; 'junction help <command>' or '<command> --help' explains each one."
        },
        subcommands = {
            ServeCommand.class,
            DemoCommand.class,
            SimUpstreamCommand.class,
            CatalogCommand.class,
            EvalRouterCommand.class,
            EvalCacheCommand.class,
            CommandLine.HelpCommand.class
        })
public final class JunctionCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static {
        Telemetry.disable();
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        return new CommandLine(new JunctionCli()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
