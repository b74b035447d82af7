package dev.junction.spi;

import java.util.Objects;

/**
 * A secret value, such as an API key, that never shows in {@code toString()}, logs or error messages.
 *
 * @param value the secret; read it only to put it on the wire
 */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
