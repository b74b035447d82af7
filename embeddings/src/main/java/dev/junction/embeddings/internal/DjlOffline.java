package dev.junction.embeddings.internal;

/**
 * Switches off DJL's start-up "call home" before any DJL class runs.
 *
 * <p>DJL 0.36's {@code HuggingFaceTokenizer.newInstance} calls {@code ai.djl.util.Ec2Utils.callHome}, which asks the
 * cloud-metadata address 169.254.169.254 for an instance id and then a telemetry URL, unless
 * {@code Utils.isOfflineMode()} (environment {@code DJL_OFFLINE}, else system property {@code ai.djl.offline}) or
 * {@code OPT_OUT_TRACKING} (environment first, then system property) is true. Both properties are set here; an
 * environment variable explicitly set to {@code false} would still win, which is the operator's explicit choice.
 */
public final class DjlOffline {

    private DjlOffline() {
    }

    /** Sets the properties; idempotent and cheap. */
    public static void apply() {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }
}
