package dev.junction.server.config;

import java.io.Serial;

/** A configuration file that cannot be used; the message names the file, the line and column, and the reason. */
public final class ConfigException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
