package dev.junction.engine.internal;

import dev.junction.engine.Constraint;
import dev.junction.engine.Exclusion;
import dev.junction.spi.Capability;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.ProviderClient;
import dev.junction.spi.TaskCategory;

/**
 * One model of a catalog snapshot with everything the router needs precomputed: prices per token, a capability bit
 * mask, its provider's index, its client, and its health.
 *
 * <p>Immutable apart from the shared {@link ModelStats} and {@link Circuit}s it points to.
 */
public final class ModelEntry {
    final ModelDescriptor descriptor;
    final String id;
    final String provider;
    final String model;
    final int providerIndex;
    final ProviderClient client;
    final int capabilityMask;
    final double inputPerToken;
    final double outputPerToken;
    final double cachedInputPerToken;
    final boolean zeroRetention;
    final int contextWindow;
    final int maxOutputTokens;
    /** The catalog quality per task category (by ordinal), with the GENERAL score or the prior filling gaps. */
    final double[] qualityByCategory;
    final ModelStats stats;
    final Circuit providerCircuit;
    final Circuit modelCircuit;
    final Exclusion notConfigured;
    /**
     * The {@link Constraint#CAPABILITY} exclusion for each mask of missing capabilities, made on first use. Racy but
     * safe: an Exclusion is immutable.
     */
    private final Exclusion[] lacks = new Exclusion[1 << Capability.values().length];
    /** "lacks ..." for every mask of missing capabilities. */
    private static final String[] LACKS = new String[1 << Capability.values().length];

    static {
        for (int m = 1; m < LACKS.length; m++) {
            StringBuilder sb = new StringBuilder("lacks ");
            for (Capability c : Capability.values()) {
                if ((m & (1 << c.ordinal())) != 0) {
                    sb.append(sb.length() > "lacks ".length() ? ", " : "").append(c);
                }
            }
            LACKS[m] = sb.toString();
        }
    }

    ModelEntry(ModelDescriptor d, int providerIndex, ProviderClient client, Health health) {
        this.descriptor = d;
        this.id = d.id();
        this.provider = d.provider();
        this.model = d.model();
        this.providerIndex = providerIndex;
        this.client = client;
        this.capabilityMask = mask(d);
        this.inputPerToken = d.prices().inputPerMillion() / 1e6;
        this.outputPerToken = d.prices().outputPerMillion() / 1e6;
        this.cachedInputPerToken = d.prices().cachedInputPerMillion() / 1e6;
        this.zeroRetention = d.retention() == DataRetention.ZERO;
        this.contextWindow = d.contextWindow();
        this.maxOutputTokens = d.maxOutputTokens();
        this.qualityByCategory = new double[TaskCategory.values().length];
        Double general = d.quality().get(TaskCategory.GENERAL);
        for (TaskCategory c : TaskCategory.values()) {
            Double q = d.quality().get(c);
            qualityByCategory[c.ordinal()] = q != null ? q : general != null ? general : Router.PRIOR_QUALITY;
        }
        this.stats = health.stats(id);
        this.providerCircuit = health.providerCircuit(provider);
        this.modelCircuit = health.modelCircuit(id);
        this.notConfigured = new Exclusion(id, Constraint.PROVIDER_NOT_CONFIGURED,
                "no provider client for '" + provider + "'");
    }

    /** The exclusion of this model for a request that needs the capabilities of {@code missing} (non-zero). */
    Exclusion lacking(int missing) {
        Exclusion x = lacks[missing];
        if (x == null) {
            x = new Exclusion(id, Constraint.CAPABILITY, LACKS[missing]);
            lacks[missing] = x;
        }
        return x;
    }

    static int mask(ModelDescriptor d) {
        int m = 0;
        for (Capability c : d.capabilities()) {
            m |= 1 << c.ordinal();
        }
        return m;
    }

    public ModelDescriptor descriptor() {
        return descriptor;
    }

    public String id() {
        return id;
    }

    public ProviderClient client() {
        return client;
    }
}
