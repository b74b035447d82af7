package dev.junction.server.cli;

/**
 * Turns off the usage analytics of bundled libraries before any of them loads.
 *
 * <p>Chronicle Map sends analytics unless {@code chronicle.analytics.disable} is set; DJL's tokenizer library
 * contacts a cloud-metadata address unless {@code OPT_OUT_TRACKING} is set (it reads the environment variable or the
 * system property of that name). The command line sets both at class initialisation, so {@code java -jar} needs no
 * flags; a value the user set explicitly is kept.
 */
final class Telemetry {

    /** Helidon logs through java.util.logging, which keeps loggers only weakly: held here so their levels stay. */
    private static final java.util.logging.Logger HELIDON = java.util.logging.Logger.getLogger("io.helidon");
    private static final java.util.logging.Logger HELIDON_SERVER =
            java.util.logging.Logger.getLogger("io.helidon.webserver.LoomServer");

    private Telemetry() {
    }

    private static void quiet(java.util.logging.Logger logger, java.util.logging.Level level) {
        if (logger.getLevel() == null) {
            logger.setLevel(level);
        }
    }

    private static void quiet(String logger, String level) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
            System.setProperty(key, level);
        }
    }

    static void disable() {
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        // The Vector API cannot be enabled from a jar manifest. Without it, JVector must use its scalar provider:
        // forcing its Panama provider would fail with NoClassDefFoundError: jdk/incubator/vector/Vector.
        if (System.getProperty("jvector.vectorization_provider") == null
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.setProperty("jvector.vectorization_provider", "default");
        }
        // Library start-up chatter (GPU probing, native library discovery) is not the user's business.
        quiet("ai.djl", "error");
        quiet("net.openhft", "warn");
        quiet(HELIDON, java.util.logging.Level.WARNING);
        // A listener that cannot bind: GatewayServer says so in one line, Helidon's error adds a stack trace.
        quiet(HELIDON_SERVER, Boolean.getBoolean(JunctionCli.DEBUG_PROPERTY)
                ? java.util.logging.Level.WARNING : java.util.logging.Level.OFF);
    }
}
