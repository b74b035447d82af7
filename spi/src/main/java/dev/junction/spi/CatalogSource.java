package dev.junction.spi;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A source of model descriptors: a file, a URL, a built-in catalog.
 *
 * <p>The engine calls {@link #load()} once and then {@link #reloadIfChanged()} on its refresh interval; each result
 * becomes a new immutable catalog snapshot. A source that throws keeps the previous snapshot in force.
 */
public interface CatalogSource {

    /** A name for logs and error messages, e.g. the file or URL. */
    String name();

    /** Reads the whole catalog. */
    List<ModelDescriptor> load() throws IOException;

    /**
     * Reads the catalog again if it changed since the last read (file modified, ETag changed).
     *
     * @return the new models, or empty when nothing changed (always empty for a static source)
     */
    default Optional<List<ModelDescriptor>> reloadIfChanged() throws IOException {
        return Optional.empty();
    }
}
