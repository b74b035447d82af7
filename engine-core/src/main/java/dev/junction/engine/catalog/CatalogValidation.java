package dev.junction.engine.catalog;

import dev.junction.spi.ModelDescriptor;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The checks every catalog passes before it may become a snapshot. */
final class CatalogValidation {
    private CatalogValidation() {
    }

    static void requireUsable(List<ModelDescriptor> models, String origin) throws InvalidCatalogException {
        if (models.isEmpty()) {
            throw new InvalidCatalogException(origin + ": the catalog has no usable model");
        }
        Set<String> seen = new HashSet<>();
        for (ModelDescriptor m : models) {
            if (m.provider().isBlank() || m.model().isBlank()) {
                throw new InvalidCatalogException(origin + ": blank provider or model id in '" + m.id() + "'");
            }
            if (!seen.add(m.id())) {
                throw new InvalidCatalogException(origin + ": model " + m.id() + " appears more than once");
            }
        }
    }
}
