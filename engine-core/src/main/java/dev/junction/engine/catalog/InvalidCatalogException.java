package dev.junction.engine.catalog;

import java.io.IOException;

/**
 * A catalog document that cannot become a snapshot: malformed JSON, a missing or invalid field, a duplicate model,
 * an empty catalog. The message names the source and, where known, the model and the field.
 *
 * <p>A {@link dev.junction.spi.CatalogSource} throws it from {@code load()} or {@code reloadIfChanged()}; the engine
 * then keeps the previous snapshot in force.
 */
public final class InvalidCatalogException extends IOException {
    private static final long serialVersionUID = 1L;

    public InvalidCatalogException(String message) {
        super(message);
    }

    public InvalidCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
