package dev.junction.engine.catalog;

import dev.junction.spi.Capability;
import dev.junction.spi.DataRetention;
import dev.junction.spi.ModelDescriptor;
import dev.junction.spi.Prices;
import dev.junction.spi.TaskCategory;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small catalogs for tests. */
final class TestCatalogs {
    private TestCatalogs() {
    }

    static ModelDescriptor model(String provider, String model, double input, double output) {
        return new ModelDescriptor(provider, model, 128_000, 8_192, new Prices(input, output, input / 10),
                EnumSet.of(Capability.TOOLS, Capability.STREAMING), Set.of(), DataRetention.UNKNOWN,
                Map.of(TaskCategory.GENERAL, 0.8));
    }

    /** Two models: {@code alpha/a} at the given input price, {@code beta/b} at $1 in / $2 out. */
    static String twoModels(double alphaInput) {
        return CatalogFormat.toJunctionJson(List.of(model("alpha", "a", alphaInput, 2.0), model("beta", "b", 1.0, 2.0)));
    }
}
