package dev.junction.engine.catalog;

import dev.junction.spi.CatalogSource;
import dev.junction.spi.ModelDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A catalog file watched for changes: every {@link #reloadIfChanged()} (the engine calls it on each catalog refresh)
 * reads the file and compares its SHA-256 with the last version seen.
 *
 * <p>Comparing content, not modification times, catches a rewrite within the same clock tick and ignores a
 * {@code touch}; it works on every file system (a {@code WatchService} misses changes on network and some overlay
 * file systems, and needs a thread). Catalog files are small, so reading one per refresh costs little.
 *
 * <p>A changed file that cannot be used (malformed JSON, an invalid value, a duplicate model, no model at all, the
 * file gone) is rejected: the reason is logged at WARN and thrown as an {@link IOException}, so the engine keeps
 * the previous snapshot. The same rejected content is not reported again; the next good version is picked up.
 *
 * <p>Thread-safe: {@code load} and {@code reloadIfChanged} are synchronized (the engine calls them from one
 * refresher, this only guards against misuse).
 */
public final class FileCatalogSource implements CatalogSource {
    private static final Logger LOG = LoggerFactory.getLogger(FileCatalogSource.class);

    private final Path path;
    private final CatalogFormat format;
    private String lastFingerprint;
    private CatalogImport lastImport;

    private FileCatalogSource(Path path, CatalogFormat format) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        this.format = format;
    }

    /** Watches {@code path}, detecting its format from its content on each read. */
    public static FileCatalogSource of(Path path) {
        return new FileCatalogSource(path, null);
    }

    /** Watches {@code path}, read in the given format. */
    public static FileCatalogSource of(Path path, CatalogFormat format) {
        return new FileCatalogSource(path, Objects.requireNonNull(format, "format"));
    }

    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return "file:" + path;
    }

    @Override
    public synchronized List<ModelDescriptor> load() throws IOException {
        byte[] bytes = read();
        String fingerprint = Fingerprint.of(bytes);
        CatalogImport result = parse(bytes);
        lastFingerprint = fingerprint;
        lastImport = result;
        LOG.info("catalog {}: {} models loaded{}", name(), result.models().size(), skippedNote(result));
        return result.models();
    }

    @Override
    public synchronized Optional<List<ModelDescriptor>> reloadIfChanged() throws IOException {
        byte[] bytes = read();
        String fingerprint = Fingerprint.of(bytes);
        if (fingerprint.equals(lastFingerprint)) {
            return Optional.empty();
        }
        lastFingerprint = fingerprint;
        CatalogImport result = parse(bytes);
        lastImport = result;
        LOG.info("catalog {}: changed, {} models{}", name(), result.models().size(), skippedNote(result));
        return Optional.of(result.models());
    }

    /** What the last accepted read imported, or null before the first successful read. */
    public synchronized CatalogImport lastImport() {
        return lastImport;
    }

    private byte[] read() throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(HttpCatalogSource.MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            LOG.warn("catalog {}: update rejected, cannot read the file ({}); the previous catalog stays in force",
                    name(), e.toString());
            throw new IOException(name() + ": cannot read the catalog file: " + e, e);
        }
        if (bytes.length > HttpCatalogSource.MAX_BODY_BYTES) {
            LOG.warn("catalog {}: update rejected, the file is larger than {} bytes; the previous catalog stays in force",
                    name(), HttpCatalogSource.MAX_BODY_BYTES);
            throw new InvalidCatalogException(name() + ": the file is larger than " + HttpCatalogSource.MAX_BODY_BYTES
                    + " bytes");
        }
        return bytes;
    }

    private CatalogImport parse(byte[] bytes) throws InvalidCatalogException {
        try {
            return format == null ? CatalogFormat.parseAny(bytes, name()) : format.parse(bytes, name());
        } catch (InvalidCatalogException e) {
            LOG.warn("catalog update rejected, the previous catalog stays in force: {}", e.getMessage());
            throw e;
        }
    }

    static String skippedNote(CatalogImport result) {
        return result.skipped().isEmpty() ? "" : ", skipped " + result.skipped();
    }

    @Override
    public String toString() {
        return name();
    }
}
