package dev.junction.engine.fakes;

import dev.junction.spi.Capability;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.TaskCategory;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Small model descriptors for tests. */
public final class Models {
    private Models() {
    }

    /** A model with prices per million tokens, a general quality score and every capability. */
    public static ModelDescriptor model(String provider, String model, double in, double out, double quality) {
        return new ModelDescriptor(provider, model, 128_000, 8_192, new Prices(in, out, in / 10),
                EnumSet.allOf(Capability.class), Set.of("us", "eu"), DataRetention.LIMITED,
                Map.of(TaskCategory.GENERAL, quality));
    }

    public static ModelDescriptor withCapabilities(ModelDescriptor d, Set<Capability> caps) {
        return new ModelDescriptor(d.provider(), d.model(), d.contextWindow(), d.maxOutputTokens(), d.prices(),
                caps, d.regions(), d.retention(), d.quality());
    }

    public static ModelDescriptor withContext(ModelDescriptor d, int contextWindow) {
        return new ModelDescriptor(d.provider(), d.model(), contextWindow, Math.min(d.maxOutputTokens(), contextWindow),
                d.prices(), d.capabilities(), d.regions(), d.retention(), d.quality());
    }

    public static ModelDescriptor withRegions(ModelDescriptor d, Set<String> regions) {
        return new ModelDescriptor(d.provider(), d.model(), d.contextWindow(), d.maxOutputTokens(), d.prices(),
                d.capabilities(), regions, d.retention(), d.quality());
    }

    public static ModelDescriptor withRetention(ModelDescriptor d, DataRetention retention) {
        return new ModelDescriptor(d.provider(), d.model(), d.contextWindow(), d.maxOutputTokens(), d.prices(),
                d.capabilities(), d.regions(), retention, d.quality());
    }
}
