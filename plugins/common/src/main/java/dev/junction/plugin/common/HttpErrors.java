package dev.junction.plugin.common;

import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns HTTP failures into {@link ProviderException}s of the SPI taxonomy, with secrets redacted.
 *
 * <p>Status codes: 401/403 authentication; 408 timeout; 429 rate limited; 529 and 503 overloaded; other 5xx server
 * error; other 4xx bad request. A plugin refines the kind from the provider's error body (context length, content
 * filter) through {@link ProviderErrorBody}. Thread-safe and immutable.
 */
public final class HttpErrors {

    /** The longest provider message kept in an exception message. */
    public static final int MAX_MESSAGE_CHARS = 500;

    private final String provider;
    private final Clock clock;
    private final Redactor redactor;

    public HttpErrors(String provider, Clock clock, Redactor redactor) {
        this.provider = provider;
        this.clock = clock;
        this.redactor = redactor;
    }

    /** What a plugin read from a provider's error body. */
    public record ProviderErrorBody(String type, String message, ErrorKind kind, Duration retryAfter) {
        /** No details could be read. */
        public static final ProviderErrorBody NONE = new ProviderErrorBody(null, null, null, null);
    }

    /** The kind implied by an HTTP status alone. */
    public static ErrorKind kindOf(int status) {
        if (status == 401 || status == 403) {
            return ErrorKind.AUTHENTICATION;
        }
        if (status == 408) {
            return ErrorKind.TIMEOUT;
        }
        if (status == 429) {
            return ErrorKind.RATE_LIMITED;
        }
        if (status == 529 || status == 503) {
            return ErrorKind.OVERLOADED;
        }
        if (status >= 500) {
            return ErrorKind.SERVER_ERROR;
        }
        return ErrorKind.BAD_REQUEST;
    }

    /** Builds the exception for a non-2xx response. */
    public ProviderException fromResponse(String model, int status, HttpHeaders headers, ProviderErrorBody body) {
        ErrorKind kind = body.kind() != null ? body.kind() : kindOf(status);
        Duration retryAfter = retryAfter(headers, clock).orElse(body.retryAfter());
        StringBuilder message = new StringBuilder(128).append(provider);
        if (model != null) {
            message.append('/').append(model);
        }
        message.append(": HTTP ").append(status);
        if (body.type() != null) {
            message.append(' ').append(redactor.redact(body.type()));
        }
        if (body.message() != null && !body.message().isBlank()) {
            message.append(": ").append(shown(body.message()));
        }
        return new ProviderException(kind, provider, model, status, retryAfter, message.toString(), null);
    }

    /** Builds the exception for a failure with no HTTP status (network, timeout, cancellation). */
    public ProviderException fromThrowable(String model, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ProviderException pe) {
            return pe;
        }
        ErrorKind kind;
        String what;
        if (t instanceof HttpConnectTimeoutException) {
            kind = ErrorKind.TIMEOUT;
            what = "connect timed out";
        } else if (t instanceof HttpTimeoutException) {
            kind = ErrorKind.TIMEOUT;
            what = "no response within the deadline";
        } else if (t instanceof CancellationException) {
            kind = ErrorKind.CANCELLED;
            what = "cancelled";
        } else if (t instanceof ConnectException) {
            kind = ErrorKind.NETWORK;
            what = "connection refused";
        } else if (t instanceof ClosedChannelException || t instanceof IOException) {
            kind = ErrorKind.NETWORK;
            what = "connection failed or was cut";
        } else {
            kind = ErrorKind.NETWORK;
            what = "call failed";
        }
        String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        return new ProviderException(kind, provider, model, 0, null,
                provider + (model == null ? "" : "/" + model) + ": " + what + " (" + shown(detail) + ")", null);
    }

    /** An exception of the given kind with no HTTP status. */
    public ProviderException of(ErrorKind kind, String model, String message) {
        return new ProviderException(kind, provider, model, 0, null,
                provider + (model == null ? "" : "/" + model) + ": " + shown(message), null);
    }

    /** An exception of the given kind for a 2xx response whose content failed (malformed body, filtered answer). */
    public ProviderException of(ErrorKind kind, String model, int status, String message) {
        return new ProviderException(kind, provider, model, status, null,
                provider + (model == null ? "" : "/" + model) + ": " + shown(message), null);
    }

    /**
     * Provider or transport text as it may be shown: secrets redacted first, then cut to length, so that a key
     * straddling the cut cannot survive half-shown. The rest of a message is the provider id, model id and fixed words.
     */
    private String shown(String text) {
        return truncate(redactor.redact(text));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /**
     * How long the response asks the caller to wait: {@code retry-after-ms} (milliseconds, OpenAI and Anthropic),
     * else {@code retry-after} as delay-seconds or an HTTP date (RFC 9110), measured against {@code clock}.
     */
    public static Optional<Duration> retryAfter(HttpHeaders headers, Clock clock) {
        Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                double millis = Double.parseDouble(ms.get().trim());
                if (millis >= 0 && Double.isFinite(millis)) {
                    return Optional.of(Duration.ofNanos((long) (millis * 1_000_000L)));
                }
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        return headers.firstValue("retry-after").flatMap(v -> parseRetryAfter(v, clock));
    }

    /** Parses a {@code Retry-After} value: delay-seconds (integer or decimal) or an HTTP date. */
    public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        String v = value.trim();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (Character.isDigit(v.charAt(0))) {
            try {
                double seconds = Double.parseDouble(v);
                return Double.isFinite(seconds) ? Optional.of(Duration.ofMillis((long) (seconds * 1000))) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Replaces secret values (API keys, secret header values) in text with {@code ****}. */
    public static final class Redactor {
        private static final int MIN_SECRET_LENGTH = 4;
        private final String[] secrets;

        public Redactor(Collection<String> secrets) {
            this.secrets = secrets.stream().filter(s -> s != null && s.length() >= MIN_SECRET_LENGTH).distinct()
                    .sorted((a, b) -> b.length() - a.length()).toArray(String[]::new);
        }

        public String redact(String text) {
            if (text == null) {
                return null;
            }
            String out = text;
            for (String s : secrets) {
                if (out.contains(s)) {
                    out = out.replace(s, "****");
                }
            }
            return out;
        }
    }
}
