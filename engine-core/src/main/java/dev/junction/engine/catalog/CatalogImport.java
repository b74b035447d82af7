package dev.junction.engine.catalog;

import dev.junction.spi.ModelDescriptor;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of reading one catalog document: the models imported and what was skipped, with the reason.
 *
 * @param origin  where the document came from (a file, a URL, a resource), for logs
 * @param format  the format it was read as
 * @param models  the imported models, in document order, ids unique
 * @param skipped how many entries were skipped per reason (e.g. {@code "mode=embedding"}), in first-seen order
 */
public record CatalogImport(String origin, CatalogFormat format, List<ModelDescriptor> models,
                            Map<String, Integer> skipped) {
    public CatalogImport {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(format, "format");
        models = List.copyOf(models);
        skipped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skipped));
    }

    /** The number of entries skipped for any reason. */
    public int skippedCount() {
        int n = 0;
        for (int c : skipped.values()) {
            n += c;
        }
        return n;
    }

    @Override
    public String toString() {
        return origin + " (" + format + "): " + models.size() + " models imported, " + skippedCount() + " skipped "
                + skipped;
    }
}
