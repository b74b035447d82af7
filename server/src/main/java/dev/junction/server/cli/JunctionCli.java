package dev.junction.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.DateTimeException;
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
        return commandLine().execute(args);
    }

    /** The command line, with a command's failure printed as one line (see {@link #DEBUG_PROPERTY}). */
    static CommandLine commandLine() {
        return new CommandLine(new JunctionCli()).setExecutionExceptionHandler(JunctionCli::failed);
    }

    /** Set this system property to {@code true} to see the stack trace behind a command's one-line error. */
    public static final String DEBUG_PROPERTY = "junction.debug";

    /**
     * A command that threw: one line naming the problem instead of picocli's stack trace. Exit 2 for what the user's
     * input or machine causes (a missing or unreadable file, a bad value, a port in use), 1 for anything else.
     */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        boolean input = e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof DateTimeException;
        boolean debug = Boolean.getBoolean(DEBUG_PROPERTY);
        PrintWriter err = command.getErr();
        err.println("junction " + command.getCommandName() + ": " + (input ? "" : "internal error: ") + describe(e)
                + (input || debug ? "" : " (-D" + DEBUG_PROPERTY + "=true shows the stack trace)"));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return input ? 2 : 1;
    }

    /** The exception's message and its causes', each once; a file exception says which file. */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = switch (t) {
                case NoSuchFileException f -> "no such file: " + f.getFile();
                case AccessDeniedException f -> "permission denied: " + f.getFile();
                case FileSystemException f when f.getReason() != null -> f.getFile() + ": " + f.getReason();
                default -> t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            };
            if (!b.toString().contains(m)) {
                b.append(b.isEmpty() ? "" : ": ").append(m);
            }
        }
        return b.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
