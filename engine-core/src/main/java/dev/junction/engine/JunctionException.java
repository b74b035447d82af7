package dev.junction.engine;

import java.io.Serial;

/** The base of the engine's own errors (provider errors are {@link dev.junction.spi.ProviderException}). */
public class JunctionException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public JunctionException(String message) {
        super(message);
    }

    public JunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
