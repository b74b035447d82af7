package dev.junction.engine.catalog;

import dev.junction.spi.CatalogSource;
import dev.junction.spi.ModelDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The catalog Junction ships: current models of the major providers with prices, limits, capabilities, regions,
 * data retention and per-category quality scores, each figure with its source and date.
 *
 * <p>The data lives in the resource {@value #RESOURCE} in {@linkplain CatalogFormat#JUNCTION Junction's format}.
 * It is read once, on first use, and shared: the list is immutable and thread-safe. The engine uses
 * {@link #source()} when no other catalog is configured.
 */
public final class DefaultCatalog {
    /** The class-path resource holding the default catalog. */
    public static final String RESOURCE = "/dev/junction/engine/catalog/default-catalog.json";

    private static final CatalogSource SOURCE = new CatalogSource() {
        @Override
        public String name() {
            return "default catalog (classpath:" + RESOURCE.substring(1) + ")";
        }

        @Override
        public List<ModelDescriptor> load() {
            return models();
        }

        @Override
        public String toString() {
            return name();
        }
    };

    private DefaultCatalog() {
    }

    /** The shipped catalog as a static source ({@code reloadIfChanged()} is always empty). */
    public static CatalogSource source() {
        return SOURCE;
    }

    /** The shipped catalog's models, in file order. */
    public static List<ModelDescriptor> models() {
        return Holder.IMPORT.models();
    }

    /** The shipped catalog as read, with its origin. */
    public static CatalogImport read() {
        return Holder.IMPORT;
    }

    /** Reads the resource on first use (class initialization is lazy and thread-safe). */
    private static final class Holder {
        static final CatalogImport IMPORT = load();

        private static CatalogImport load() {
            try (InputStream in = DefaultCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the default catalog resource " + RESOURCE
                            + " is missing from the class path");
                }
                return CatalogFormat.JUNCTION.parse(in.readAllBytes(), "classpath:" + RESOURCE.substring(1));
            } catch (IOException e) {
                throw new UncheckedIOException("the shipped default catalog is invalid: " + e.getMessage(), e);
            }
        }
    }
}
