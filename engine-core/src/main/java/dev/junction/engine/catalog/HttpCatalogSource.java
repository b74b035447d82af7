package dev.junction.engine.catalog;

import dev.junction.spi.CatalogSource;
import dev.junction.spi.ModelDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A catalog served over HTTP(S), polled at most once per {@linkplain Builder#pollInterval poll interval} with a
 * conditional GET: {@code If-None-Match} with the last {@code ETag} (and {@code If-Modified-Since} with the last
 * {@code Last-Modified}), so an unchanged catalog costs a {@code 304 Not Modified} and no parsing.
 *
 * <p>{@link #reloadIfChanged()} is cheap to call often (the engine calls it on each catalog refresh): before the
 * interval has passed on the injected {@link Clock} it returns at once without a request. A 200 whose body is
 * byte-identical to the last one is treated as unchanged too (servers without ETags).
 *
 * <p>A failed poll — a network error, a status other than 200/304, a body that is not a usable catalog — is rejected:
 * the reason is logged at WARN and thrown as an {@link IOException}, so the engine keeps the previous snapshot; the
 * next poll is still one interval later (a failing server is not hammered).
 *
 * <p>Thread-safe ({@code load} and {@code reloadIfChanged} are synchronized). The {@link HttpClient} is shared, not
 * owned: pass the application's client or let the builder create one.
 */
public final class HttpCatalogSource implements CatalogSource {
    private static final Logger LOG = LoggerFactory.getLogger(HttpCatalogSource.class);

    /** Default poll interval: 5 minutes. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(5);
    /** Default request timeout: 30 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The largest catalog body accepted: 64 MiB. */
    public static final int MAX_BODY_BYTES = 64 << 20;

    private final URI uri;
    private final CatalogFormat format;
    private final Duration pollInterval;
    private final Duration requestTimeout;
    private final Clock clock;
    private final HttpClient client;
    private final Map<String, String> headers;

    private String etag;
    private String lastModified;
    private String lastFingerprint;
    private Instant nextPollAt = Instant.MIN;
    private long requests;

    private HttpCatalogSource(Builder b) {
        this.uri = b.uri;
        this.format = b.format;
        this.pollInterval = b.pollInterval;
        this.requestTimeout = b.requestTimeout;
        this.clock = b.clock;
        this.client = b.client != null ? b.client
                : HttpClient.newBuilder().connectTimeout(b.requestTimeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.headers = Map.copyOf(b.headers);
    }

    /** A builder for a catalog at {@code uri} ({@code http} or {@code https}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    @Override
    public String name() {
        return uri.toString();
    }

    public URI uri() {
        return uri;
    }

    /** The number of HTTP requests sent so far (for tests and the admin view). */
    public synchronized long requests() {
        return requests;
    }

    @Override
    public synchronized List<ModelDescriptor> load() throws IOException {
        Fetched response = send(false);
        if (response.statusCode() != 200) {
            throw reject("HTTP " + response.statusCode() + " from " + uri);
        }
        byte[] body = response.body();
        CatalogImport result = parse(body);
        accept(response, body);
        LOG.info("catalog {}: {} models loaded{}", name(), result.models().size(),
                FileCatalogSource.skippedNote(result));
        return result.models();
    }

    @Override
    public synchronized Optional<List<ModelDescriptor>> reloadIfChanged() throws IOException {
        if (clock.instant().isBefore(nextPollAt)) {
            return Optional.empty();
        }
        Fetched response = send(true);
        int status = response.statusCode();
        if (status == 304) {
            LOG.debug("catalog {}: not modified", name());
            return Optional.empty();
        }
        if (status != 200) {
            throw reject("HTTP " + status + " from " + uri);
        }
        byte[] body = response.body();
        if (Fingerprint.of(body).equals(lastFingerprint)) {
            remember(response);
            return Optional.empty();
        }
        CatalogImport result = parse(body);
        accept(response, body);
        LOG.info("catalog {}: changed, {} models{}", name(), result.models().size(),
                FileCatalogSource.skippedNote(result));
        return Optional.of(result.models());
    }

    /** A response with its body, read up to one byte past {@link #MAX_BODY_BYTES}. */
    private record Fetched(int statusCode, HttpHeaders headers, byte[] body) {
    }

    private Fetched send(boolean conditional) throws IOException {
        nextPollAt = clock.instant().plus(pollInterval);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET()
                .header("Accept", "application/json");
        headers.forEach(request::header);
        if (conditional && etag != null) {
            request.header("If-None-Match", etag);
        }
        if (conditional && lastModified != null) {
            request.header("If-Modified-Since", lastModified);
        }
        requests++;
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            // Read no further than the limit: a body that never ends must not be buffered until the heap runs out.
            // Closing the stream before its end drops the connection.
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw reject("interrupted while fetching " + uri);
        } catch (IOException e) {
            throw reject("cannot fetch " + uri + ": " + e);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw reject(uri + " sent more than the " + MAX_BODY_BYTES + " bytes accepted");
        }
        return new Fetched(response.statusCode(), response.headers(), body);
    }

    private CatalogImport parse(byte[] body) throws InvalidCatalogException {
        try {
            return format == null ? CatalogFormat.parseAny(body, name()) : format.parse(body, name());
        } catch (InvalidCatalogException e) {
            LOG.warn("catalog update rejected, the previous catalog stays in force: {}", e.getMessage());
            throw e;
        }
    }

    private void accept(Fetched response, byte[] body) {
        lastFingerprint = Fingerprint.of(body);
        remember(response);
    }

    private void remember(Fetched response) {
        etag = response.headers().firstValue("ETag").orElse(null);
        lastModified = response.headers().firstValue("Last-Modified").orElse(null);
    }

    private IOException reject(String reason) {
        LOG.warn("catalog {}: update rejected, the previous catalog stays in force: {}", name(), reason);
        return new IOException(name() + ": " + reason);
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builds an {@link HttpCatalogSource}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private CatalogFormat format;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private HttpClient client;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /** The document's format; when not set it is detected from each body. */
        public Builder format(CatalogFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The least time between two requests ({@link #DEFAULT_POLL_INTERVAL}). */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /** The deadline of one request ({@link #DEFAULT_REQUEST_TIMEOUT}). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
            return this;
        }

        /** The clock that decides when the next poll is due (tests pass a fake). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The HTTP client to share (by default one is created for this source). */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** An extra request header, e.g. {@code Authorization} for a private catalog. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public HttpCatalogSource build() {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("a catalog URL must be http or https, was " + uri);
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            return new HttpCatalogSource(this);
        }
    }
}
