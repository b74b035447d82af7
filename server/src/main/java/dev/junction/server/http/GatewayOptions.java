package dev.junction.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP listener's settings.
 *
 * @param host               the address to bind ({@link #DEFAULT_HOST})
 * @param port               the port, 0 for any free one ({@link #DEFAULT_PORT})
 * @param maxBodyBytes       the largest request body accepted; larger is a 413 ({@link #DEFAULT_MAX_BODY_BYTES})
 * @param readTimeout        how long a client may stall while sending its request, or while a streamed answer waits
 *                           for it to read, before the connection is closed; also how long an idle keep-alive
 *                           connection stays open, since Helidon's one idle check is what bounds a client that never
 *                           sends its request line ({@link #DEFAULT_READ_TIMEOUT})
 * @param streamEventTimeout the longest wait for the engine's next stream event before the stream is ended with an
 *                           error ({@link #DEFAULT_STREAM_EVENT_TIMEOUT})
 */
public record GatewayOptions(String host, int port, long maxBodyBytes, Duration readTimeout,
                             Duration streamEventTimeout) {
    /** Default bind address: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port: 8080. */
    public static final int DEFAULT_PORT = 8080;
    /** Default body cap: 4 MiB (OpenAI accepts images inline; larger prompts belong in files). */
    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
    /** Default read timeout: 30 seconds. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Default wait for the next stream event: 120 seconds. */
    public static final Duration DEFAULT_STREAM_EVENT_TIMEOUT = Duration.ofSeconds(120);

    public static final GatewayOptions DEFAULTS = new GatewayOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES,
            DEFAULT_READ_TIMEOUT, DEFAULT_STREAM_EVENT_TIMEOUT);

    public GatewayOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1024, was " + maxBodyBytes);
        }
        for (Duration d : new Duration[] {readTimeout, streamEventTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, was " + d);
            }
        }
    }

    public GatewayOptions withPort(int port) {
        return new GatewayOptions(host, port, maxBodyBytes, readTimeout, streamEventTimeout);
    }

    public GatewayOptions withReadTimeout(Duration readTimeout) {
        return new GatewayOptions(host, port, maxBodyBytes, readTimeout, streamEventTimeout);
    }

    public GatewayOptions withMaxBodyBytes(long maxBodyBytes) {
        return new GatewayOptions(host, port, maxBodyBytes, readTimeout, streamEventTimeout);
    }
}
