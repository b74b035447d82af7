package dev.junction.plugin.common;

import dev.junction.spi.ErrorKind;
import dev.junction.spi.ProviderException;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HttpErrorsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T23:00:00Z"), ZoneOffset.UTC);

    private static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @Test
    void retryAfterAsSecondsDecimalSecondsAndHttpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), HttpErrors.parseRetryAfter("7", CLOCK));
        assertEquals(Optional.of(Duration.ofMillis(1500)), HttpErrors.parseRetryAfter("1.5", CLOCK));
        assertEquals(Optional.of(Duration.ofSeconds(90)), HttpErrors.parseRetryAfter("Sat, 21 Nov 2026 23:01:30 GMT", CLOCK));
        assertEquals(Optional.of(Duration.ZERO), HttpErrors.parseRetryAfter("Sat, 21 Nov 2026 22:00:00 GMT", CLOCK));
        assertEquals(Optional.empty(), HttpErrors.parseRetryAfter("soon", CLOCK));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        HttpHeaders h = headers(Map.of("retry-after-ms", List.of("250"), "retry-after", List.of("3")));
        assertEquals(Optional.of(Duration.ofMillis(250)), HttpErrors.retryAfter(h, CLOCK));
    }

    @Test
    void statusKinds() {
        assertEquals(ErrorKind.AUTHENTICATION, HttpErrors.kindOf(401));
        assertEquals(ErrorKind.AUTHENTICATION, HttpErrors.kindOf(403));
        assertEquals(ErrorKind.RATE_LIMITED, HttpErrors.kindOf(429));
        assertEquals(ErrorKind.OVERLOADED, HttpErrors.kindOf(529));
        assertEquals(ErrorKind.OVERLOADED, HttpErrors.kindOf(503));
        assertEquals(ErrorKind.SERVER_ERROR, HttpErrors.kindOf(500));
        assertEquals(ErrorKind.SERVER_ERROR, HttpErrors.kindOf(502));
        assertEquals(ErrorKind.BAD_REQUEST, HttpErrors.kindOf(404));
        assertEquals(ErrorKind.TIMEOUT, HttpErrors.kindOf(408));
    }

    @Test
    void redactsKeysAndSecretHeadersFromMessages() {
        HttpErrors errors = new HttpErrors("openai", CLOCK, new HttpErrors.Redactor(List.of("sk-live-123456", "org-secret")));
        ProviderException e = errors.fromResponse("gpt", 401, headers(Map.of()),
                new HttpErrors.ProviderErrorBody("invalid_api_key", "Incorrect API key provided: sk-live-123456 for org-secret", null, null));
        assertFalse(e.getMessage().contains("sk-live-123456"), e.getMessage());
        assertFalse(e.getMessage().contains("org-secret"), e.getMessage());
        assertEquals(ErrorKind.AUTHENTICATION, e.kind());
    }

    @Test
    void transportFailures() {
        HttpErrors errors = new HttpErrors("p", CLOCK, new HttpErrors.Redactor(List.of()));
        assertEquals(ErrorKind.TIMEOUT, errors.fromThrowable("m", new HttpTimeoutException("slow")).kind());
        assertEquals(ErrorKind.NETWORK, errors.fromThrowable("m", new EOFException("cut")).kind());
    }

    private static final String CUT_KEY = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

    /** A key that straddles the 500-character cut is truncated first, so the redactor no longer sees it whole. */
    @Test
    void aKeyCutByTruncationIsStillRedacted() {
        HttpErrors errors = new HttpErrors("openai", Clock.systemUTC(), new HttpErrors.Redactor(List.of(CUT_KEY)));
        String providerMessage = "x".repeat(470) + " key " + CUT_KEY + " is invalid";
        ProviderException e = errors.fromResponse("gpt", 401, HttpHeaders.of(Map.of(), (a, b) -> true),
                new HttpErrors.ProviderErrorBody("invalid_api_key", providerMessage, null, null));
        String keyPrefix = CUT_KEY.substring(0, 16);
        assertFalse(e.getMessage().contains(keyPrefix), "part of the key is shown: " + e.getMessage());
    }

    /** Same through fromThrowable: an exception message naming the key. */
    @Test
    void aKeyCutByTruncationInATransportFailureIsStillRedacted() {
        HttpErrors errors = new HttpErrors("openai", Clock.systemUTC(), new HttpErrors.Redactor(List.of(CUT_KEY)));
        ProviderException e = errors.fromThrowable("gpt", new IOException("y".repeat(470) + CUT_KEY));
        assertFalse(e.getMessage().contains(CUT_KEY.substring(0, 10)), "part of the key is shown: " + e.getMessage());
    }
}
