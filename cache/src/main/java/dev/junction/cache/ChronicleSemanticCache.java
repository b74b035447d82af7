package dev.junction.cache;

import dev.junction.cache.internal.EntryCodec;
import dev.junction.cache.internal.VectorIndex;
import dev.junction.cache.internal.VectorMath;
import dev.junction.spi.CacheEntry;
import dev.junction.spi.CacheHit;
import dev.junction.spi.CacheQuery;
import dev.junction.spi.CacheStats;
import dev.junction.spi.CacheStatus;
import dev.junction.spi.SemanticCacheStore;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A semantic cache persisted in a Chronicle Map file, with an in-process nearest-neighbour index per namespace.
 *
 * <p>Entries live off-heap in the memory-mapped file, keyed by a hash of (tenant, namespace, exact key): that key is
 * the exact tier. The semantic tier searches the namespace's {@link VectorIndex} (an exact SIMD scan while small, a
 * JVector graph once it grows), then applies the hit policy to the nearest candidates in order: similarity at or
 * above the threshold (the query's, else the configured one, else the one calibrated for the embedding model), the
 * producing model's quality at or above the query's floor. The nearest entry passing those is the only candidate: it
 * is refused when the {@link PromptGuard} (if on) rejects it, or as ambiguous when another live entry for a different
 * prompt lies within {@code ambiguityMargin} of it (both counted as guard rejects); a farther entry is never served in
 * place of a refused nearer one. Entries are never served to
 * another tenant: the tenant is part of both the key and the index's namespace, and is checked again on read.
 *
 * <p>Expiry: an entry is served until {@code min(expiresAt, createdAt + maxTtl)}; expired entries are removed when
 * a look-up meets them, when the eviction hand passes them, or by {@link #purgeExpired(Instant)}. Capacity: at
 * {@code maxEntries} entries, or when a put would take the entries' bytes (key and encoded value) past what the file
 * was sized for, {@code maxEntries × averageEntryBytes}, a put evicts with CLOCK (second chance) — a hit only sets a
 * bit, so the read path stays write-free and lock-free, while the hand evicts expired entries first and then the first
 * entry not hit since the hand last passed: an LRU approximation at O(1) amortized cost (Caffeine's W-TinyLFU would
 * resist scans better, at the cost of a frequency sketch and a policy thread). The byte bound keeps Chronicle's
 * growth allowance ({@code maxBloatFactor}) for uneven segments, so answers larger than the average fill the cache
 * sooner instead of failing puts.
 *
 * <p>Persistence: every completed put is in the file. On {@link #close()} each namespace's graph index is also saved
 * beside it (directory {@code <file>.index}); {@link #open} loads a saved graph when it matches the file's current
 * entries exactly (same entry ids, checksum intact) and rebuilds from the entries otherwise — after a crash, for
 * a scan-mode namespace, or when the saved graph is missing, corrupt or stale — then deletes the saved graphs. Hit
 * counts are counted in memory and written back on {@link #close()} (a crash loses the counts since the last open,
 * never an entry). One cache at a time may use a file: a second open, from another process or this one, is refused
 * while the first holds the lock on {@code <file>.lock} (released at close, or by the OS when its process dies).
 *
 * <p>Sizing: a Chronicle file's layout is fixed when it is created, so the file records the {@code maxEntries} and
 * {@code averageEntryBytes} it was made for. {@link #open} with other values copies the entries, newest first while
 * they fit, into a new file of the config's sizing ({@code <file>.resizing}) and moves it over the old one; a crash
 * before the move leaves the old file as it was. A file from before the sizing was recorded is taken to be of the
 * config's sizing.
 *
 * <p>Thread-safe. Owns a memory-mapped file: close it; calls after close throw {@link IllegalStateException}.
 */
public final class ChronicleSemanticCache implements SemanticCacheStore {
    static {
        // Chronicle reads these when its classes initialize, which happens only after this class has: no usage
        // analytics, no start-up banner.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    private static final int STRIPES = 64;
    private static final int EVICTION_WINDOW = 8;
    private static final int KEY_CHARS = 22; // 128 bits, base64url without padding
    /** The key of the file's sizing record: '~' is not base64url, so no entry's key. */
    private static final String SIZING_KEY = "~sizing";

    private final ChronicleCacheConfig config;
    private final ChronicleMap<String, byte[]> map;
    /** The entries' bytes the file was sized for: evicting at it keeps Chronicle's growth allowance for skew. */
    private final long byteBudget;
    /** The largest key + value one entry of this file's layout can take (Chronicle refuses larger ones). */
    private final long maxEntryBytes;
    /** Holds the exclusive lock on {@code <file>.lock} while this cache is open; closing it releases the lock. */
    private final FileChannel lock;
    private final PromptGuard guard = PromptGuard.standard();
    private final VectorIndex.Settings indexSettings;
    private final ConcurrentHashMap<String, Meta> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Meta> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, VectorIndex<Meta>> indexes = new ConcurrentHashMap<>();
    /** Builds the indexes' graphs on every core; its daemon workers start on first use and stop on close. */
    private final ForkJoinPool indexBuildPool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    private final Object[] stripes = new Object[STRIPES];
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final Object evictionLock = new Object();
    private Iterator<Meta> hand;
    private volatile boolean closed;

    private final LongAdder exactHits = new LongAdder();
    private final LongAdder semanticHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder guardRejects = new LongAdder();
    private final LongAdder wrongHitReports = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong latestMillis = new AtomicLong(Long.MIN_VALUE);
    private final DoubleAdder costSaved = new DoubleAdder();

    /** What the cache keeps in memory per entry: enough to index, expire, evict and filter without reading it. */
    private static final class Meta {
        final String key;
        final String id;
        final String tenantId;
        final String namespace;
        final String indexKey;
        final long expiresAtMillis;
        final double quality;
        final double cost;
        final int bytes;
        final long storedHits;
        final AtomicLong hits;
        volatile boolean referenced;
        volatile boolean removed;
        volatile boolean indexed;

        Meta(String key, CacheEntry e, long expiresAtMillis, int bytes) {
            this.key = key;
            this.id = e.id();
            this.tenantId = e.tenantId();
            this.namespace = e.namespace();
            this.indexKey = indexKey(e.tenantId(), e.namespace());
            this.expiresAtMillis = expiresAtMillis;
            this.quality = e.modelQuality();
            this.cost = e.costUsd();
            this.bytes = bytes;
            this.storedHits = e.hitCount();
            this.hits = new AtomicLong(e.hitCount());
        }
    }

    private ChronicleSemanticCache(ChronicleCacheConfig config, ChronicleMap<String, byte[]> map, FileChannel lock) {
        this.config = config;
        this.map = map;
        this.lock = lock;
        this.byteBudget = byteBudget(config);
        this.maxEntryBytes = maxEntryBytes(map);
        this.indexSettings = VectorIndex.Settings.of(config.dimensions()).withGraphThreshold(config.graphThreshold());
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** Creates a new cache file; fails if {@code config.file()} exists (use {@link #open}). */
    public static ChronicleSemanticCache create(ChronicleCacheConfig config) {
        if (Files.exists(config.file())) {
            throw new IllegalStateException("cache file " + config.file() + " already exists; open it instead");
        }
        FileChannel lock = null;
        try {
            Path parent = config.file().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            lock = lock(config.file());
            ChronicleMap<String, byte[]> map = builder(config).createPersistedTo(config.file().toFile());
            map.put(SIZING_KEY, Sizing.of(config).bytes());
            return new ChronicleSemanticCache(config, map, lock);
        } catch (IOException | RuntimeException e) {
            if (lock != null) { // the file did not exist and nobody else holds it: a failed create leaves nothing
                try {
                    Files.deleteIfExists(config.file());
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            closeQuietly(lock);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new UncheckedIOException("cannot create cache file " + config.file(), (IOException) e);
        }
    }

    /**
     * Opens an existing cache file, recovering it if its last user died mid-write, resizes it if it was made for
     * other {@code maxEntries} or {@code averageEntryBytes}, and rebuilds the indexes from its entries.
     */
    public static ChronicleSemanticCache open(ChronicleCacheConfig config) {
        if (!Files.exists(config.file())) {
            throw new IllegalStateException("cache file " + config.file() + " does not exist; create it first");
        }
        FileChannel lock = lock(config.file());
        ChronicleMap<String, byte[]> map = null;
        try {
            map = builder(config).recoverPersistedTo(config.file().toFile(), false);
            Sizing recorded = Sizing.read(map);
            Sizing wanted = Sizing.of(config);
            if (recorded == null) {
                map.put(SIZING_KEY, wanted.bytes());
            } else if (recorded.dimensions() != wanted.dimensions()) {
                // Another embedding model's file: its entries would silently never match.
                throw new IllegalStateException("cache file " + config.file() + " holds " + recorded.dimensions()
                        + "-dimension embeddings, the config says " + wanted.dimensions());
            } else if (!recorded.equals(wanted)) {
                map = resized(map, recorded, config);
            }
        } catch (IOException | RuntimeException e) {
            if (map != null) {
                map.close();
            }
            closeQuietly(lock);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new UncheckedIOException("cannot open cache file " + config.file(), (IOException) e);
        }
        ChronicleSemanticCache cache = new ChronicleSemanticCache(config, map, lock);
        try {
            cache.load();
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
        return cache;
    }

    /** {@link #open} when the file exists, else {@link #create}. */
    public static ChronicleSemanticCache openOrCreate(ChronicleCacheConfig config) {
        return Files.exists(config.file()) ? open(config) : create(config);
    }

    /**
     * Takes the exclusive lock on {@code <file>.lock}, so that a second process (or a second cache in this one) is
     * refused instead of reading the file while it changes: Chronicle would take it for a crashed user's file and
     * "recover" it under the first user's feet. The OS releases the lock when the holder dies, even by SIGKILL.
     */
    private static FileChannel lock(Path file) {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the lock file " + lockFile, e);
        }
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // held by another cache in this JVM: refused below
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("cache file " + file + " is in use by another process, or by another open cache "
                + "in this one (its lock " + lockFile + " is held)");
    }

    /** What a file was made for, recorded in it under {@link #SIZING_KEY}. */
    private record Sizing(long maxEntries, int averageEntryBytes, int dimensions) {
        static Sizing of(ChronicleCacheConfig config) {
            return new Sizing(config.maxEntries(), config.averageEntryBytes(), config.dimensions());
        }

        /** The file's record, or null for a file from before sizes were recorded. */
        static Sizing read(ChronicleMap<String, byte[]> map) {
            byte[] value = map.get(SIZING_KEY);
            if (value == null) {
                return null;
            }
            String[] f = new String(value, StandardCharsets.UTF_8).split(" ");
            return new Sizing(Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
        }

        byte[] bytes() {
            return (maxEntries + " " + averageEntryBytes + " " + dimensions).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "maxEntries " + maxEntries + ", averageEntryBytes " + averageEntryBytes;
        }
    }

    /** Chronicle's limit for one entry (its chunks), less room for its size headers and checksum. */
    @SuppressWarnings("rawtypes")
    private static long maxEntryBytes(ChronicleMap<String, byte[]> map) {
        if (map instanceof net.openhft.chronicle.hash.impl.VanillaChronicleHash h) {
            return h.chunkSize * h.maxChunksPerEntry - 64;
        }
        return Long.MAX_VALUE;
    }

    private static long byteBudget(ChronicleCacheConfig config) {
        long perEntry = KEY_CHARS + config.averageEntryBytes();
        return config.maxEntries() > Long.MAX_VALUE / perEntry ? Long.MAX_VALUE : config.maxEntries() * perEntry;
    }

    /**
     * Copies {@code old}'s entries, newest first while they fit in the config's bounds, into a new file of the config's
     * sizing, closes {@code old} and moves the new file over it. Until the move the old file is untouched.
     */
    private static ChronicleMap<String, byte[]> resized(ChronicleMap<String, byte[]> old, Sizing was,
                                                        ChronicleCacheConfig config) throws IOException {
        record Item(String key, long createdMillis, int bytes) {
        }
        List<Item> items = new ArrayList<>();
        old.forEachEntry(e -> {
            String key = e.key().get().toString();
            byte[] value = e.value().get();
            if (!key.equals(SIZING_KEY)) {
                try {
                    long created = EntryCodec.decode(value).createdAt().toEpochMilli();
                    items.add(new Item(key, created, key.length() + value.length));
                } catch (RuntimeException corrupt) {
                    // not copied: load() would drop it anyway
                }
            }
        });
        items.sort(java.util.Comparator.comparingLong(Item::createdMillis).reversed());
        Path resizing = config.file().resolveSibling(config.file().getFileName() + ".resizing");
        Files.deleteIfExists(resizing); // a crashed resize's
        long budget = byteBudget(config);
        long copied = 0;
        long bytes = 0;
        try (ChronicleMap<String, byte[]> fresh = builder(config).createPersistedTo(resizing.toFile())) {
            for (Item item : items) {
                if (copied == config.maxEntries()) {
                    break;
                }
                if (bytes + item.bytes() <= budget) {
                    try {
                        fresh.put(item.key(), old.get(item.key()));
                    } catch (IllegalArgumentException tooLarge) {
                        continue; // for the new file's layout ("Entry is too large"): not kept
                    }
                    copied++;
                    bytes += item.bytes();
                }
            }
            fresh.put(SIZING_KEY, Sizing.of(config).bytes());
        }
        old.close();
        Files.move(resizing, config.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.getLogger(ChronicleSemanticCache.class.getName()).log(System.Logger.Level.INFO, "resized cache file "
                + config.file() + " from " + was + " to " + Sizing.of(config) + ": kept " + copied + " of "
                + items.size() + " entries");
        return builder(config).recoverPersistedTo(config.file().toFile(), false);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing else to do
            }
        }
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<String, byte[]> builder(ChronicleCacheConfig config) {
        return ChronicleMap.of(String.class, byte[].class)
                .name("junction-semantic-cache")
                .entries(config.maxEntries())
                .averageKeySize(KEY_CHARS)
                .averageValueSize(config.averageEntryBytes())
                .maxBloatFactor(4.0);
    }

    public ChronicleCacheConfig config() {
        return config;
    }

    private void load() {
        Map<String, List<float[]>> vectors = new HashMap<>();
        Map<String, List<Meta>> metas = new HashMap<>();
        List<String> corrupt = new ArrayList<>();
        map.forEachEntry(e -> {
            String key = e.key().get().toString();
            if (key.equals(SIZING_KEY)) {
                return;
            }
            byte[] value = e.value().get();
            CacheEntry entry;
            try {
                entry = EntryCodec.decode(value);
            } catch (RuntimeException ex) {
                corrupt.add(key);
                return;
            }
            Meta m = new Meta(key, entry, entry.expiresAt().toEpochMilli(), key.length() + value.length);
            byKey.put(key, m);
            byId.put(m.id, m);
            bytes.addAndGet(m.bytes);
            float[] emb = entry.embedding();
            if (emb != null && emb.length != config.dimensions()) {
                // Another embedding model's file: its entries would silently never match.
                throw new IllegalStateException("cache file " + config.file() + " holds " + emb.length
                        + "-dimension embeddings, the config says " + config.dimensions());
            }
            if (emb != null) {
                vectors.computeIfAbsent(m.indexKey, k -> new ArrayList<>()).add(emb);
                metas.computeIfAbsent(m.indexKey, k -> new ArrayList<>()).add(m);
            }
        });
        for (String key : corrupt) {
            map.remove(key);
        }
        Path savedDir = savedIndexDir();
        for (Map.Entry<String, List<float[]>> ns : vectors.entrySet()) {
            List<Meta> payloads = metas.get(ns.getKey());
            VectorIndex<Meta> index = loadSaved(savedDir.resolve(savedIndexName(ns.getKey())), payloads, ns.getValue());
            if (index == null) {
                index = new VectorIndex<>(indexSettings, indexBuildPool);
                index.addAll(ns.getValue(), payloads);
            }
            for (Meta m : payloads) {
                m.indexed = true;
            }
            indexes.put(ns.getKey(), index);
        }
        deleteSavedIndexes(savedDir);
    }

    /** The namespace's saved graph index if {@code file} holds one that matches its entries, else null. */
    private VectorIndex<Meta> loadSaved(Path file, List<Meta> payloads, List<float[]> vectors) {
        if (payloads.size() < indexSettings.graphThreshold() || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return VectorIndex.load(indexSettings, indexBuildPool, file, payloads, vectors,
                    ChronicleSemanticCache::savedIndexKey);
        } catch (IOException | RuntimeException e) {
            // Stale, corrupt or from other settings: the entries in the map are the truth, rebuild from them.
            System.getLogger(ChronicleSemanticCache.class.getName()).log(System.Logger.Level.INFO,
                    "rebuilding the index instead of loading " + file + ": " + e.getMessage());
            return null;
        }
    }

    /** Saves every graph-mode index beside the file; a failure costs a rebuild on the next open, nothing else. */
    private void saveIndexes() {
        Path dir = savedIndexDir();
        for (Map.Entry<String, VectorIndex<Meta>> ns : indexes.entrySet()) {
            if (!ns.getValue().usesGraph()) {
                continue;
            }
            try {
                Files.createDirectories(dir);
                ns.getValue().save(dir.resolve(savedIndexName(ns.getKey())), ChronicleSemanticCache::savedIndexKey);
            } catch (IOException | RuntimeException e) {
                System.getLogger(ChronicleSemanticCache.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot save the index of a namespace of " + config.file() + ": " + e);
            }
        }
    }

    private static void deleteSavedIndexes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A saved graph left behind is checked against the entries on the next open, never trusted blindly.
            System.getLogger(ChronicleSemanticCache.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot delete saved indexes in " + dir + ": " + e);
        }
    }

    private Path savedIndexDir() {
        return config.file().resolveSibling(config.file().getFileName() + ".index");
    }

    /** A file name for a namespace's saved graph: the tenant and namespace may hold any character. */
    private static String savedIndexName(String indexKey) {
        return key(indexKey, "", "") + ".graph";
    }

    /** What identifies an entry in a saved graph: its map key and its id (a replaced entry keeps the key). */
    private static String savedIndexKey(Meta m) {
        return m.key + "/" + m.id;
    }

    @Override
    public Optional<CacheHit> lookupExact(CacheQuery query) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            observe(query.now());
            Meta m = byKey.get(key(query.tenantId(), query.namespace(), query.exactKey()));
            if (m != null && !m.removed) {
                if (expired(m, query.now())) {
                    if (remove(m)) {
                        expirations.increment();
                    }
                } else if (m.quality >= query.minQuality()) {
                    CacheEntry entry = read(m);
                    if (entry != null && entry.tenantId().equals(query.tenantId())
                            && entry.namespace().equals(query.namespace()) && entry.exactKey().equals(query.exactKey())) {
                        exactHits.increment();
                        return Optional.of(new CacheHit(served(m, entry), 1.0, CacheStatus.EXACT_HIT));
                    }
                }
            }
            if (query.embedding() == null) {
                // A query with an embedding goes on to the semantic tier, which counts the request's miss.
                misses.increment();
            }
            return Optional.empty();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public Optional<CacheHit> lookupSimilar(CacheQuery query) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            observe(query.now());
            float[] embedding = query.embedding();
            // Similarity is a dot product: a NaN or non-unit query would be "similar" to unrelated entries (as put).
            VectorIndex<Meta> index = embedding == null || !isUnit(embedding) ? null
                    : indexes.get(indexKey(query.tenantId(), query.namespace()));
            if (index == null) {
                misses.increment();
                return Optional.empty();
            }
            double threshold = query.threshold() != null ? query.threshold() : config.similarityThreshold();
            List<VectorIndex.Neighbor<Meta>> neighbors = index.search(embedding, config.candidates());
            for (int i = 0; i < neighbors.size(); i++) {
                VectorIndex.Neighbor<Meta> n = neighbors.get(i);
                if (!(n.similarity() >= threshold)) { // NaN (a NaN query vector or threshold) is a miss
                    break;
                }
                Meta m = n.payload();
                if (m.removed || m.quality < query.minQuality() || !m.tenantId.equals(query.tenantId())) {
                    continue;
                }
                if (expired(m, query.now())) {
                    if (remove(m)) {
                        expirations.increment();
                    }
                    continue;
                }
                CacheEntry entry = read(m);
                if (entry == null || !entry.tenantId().equals(query.tenantId())
                        || !entry.namespace().equals(query.namespace())) {
                    continue;
                }
                // The nearest servable entry decides: when the guard or the margin refuses it, no farther entry is
                // served in its place (fewer wrong hits for a few correct ones on Quora half A; see cache/EVAL.md).
                if ((config.guardEnabled() && query.prompt() != null && !guard.compatible(query.prompt(), entry.prompt()))
                        || ambiguous(query, neighbors, i, entry)) {
                    guardRejects.increment();
                    break;
                }
                semanticHits.increment();
                return Optional.of(new CacheHit(served(m, entry), n.similarity(), CacheStatus.SEMANTIC_HIT));
            }
            misses.increment();
            return Optional.empty();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Whether another live entry of the tenant, for a different prompt, lies within {@code ambiguityMargin} of the
     * entry about to be served, or nearer than it (an entry skipped for its model's quality): the query is then as
     * close to two different questions, and serving either is a guess.
     */
    private boolean ambiguous(CacheQuery query, List<VectorIndex.Neighbor<Meta>> neighbors, int best, CacheEntry entry) {
        double margin = config.ambiguityMargin();
        if (margin <= 0) {
            return false;
        }
        double floor = neighbors.get(best).similarity() - margin;
        for (int j = 0; j < neighbors.size() && neighbors.get(j).similarity() >= floor; j++) {
            Meta other = neighbors.get(j).payload();
            if (j == best || other.removed || !other.tenantId.equals(query.tenantId()) || expired(other, query.now())) {
                continue;
            }
            CacheEntry rival = read(other);
            if (rival != null && !rival.prompt().equals(entry.prompt())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code v} is a finite unit vector (false for NaN). */
    private static boolean isUnit(float[] v) {
        double norm2 = VectorMath.dot(v, v);
        return Math.abs(norm2 - 1) <= 1e-2;
    }

    @Override
    public void put(CacheEntry entry) {
        float[] embedding = entry.embedding();
        if (embedding != null && embedding.length != config.dimensions()) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " dimensions, the cache "
                    + config.dimensions());
        }
        if (embedding != null) {
            // Similarity is a dot product: a NaN or non-unit vector would be "similar" to every query.
            if (!isUnit(embedding)) {
                throw new IllegalArgumentException("embedding must be a finite unit vector, its squared norm is "
                        + VectorMath.dot(embedding, embedding));
            }
        }
        if (!(entry.modelQuality() >= 0 && entry.modelQuality() <= 1)) {
            throw new IllegalArgumentException("modelQuality must be in [0, 1], was " + entry.modelQuality());
        }
        lifecycle.readLock().lock();
        try {
            checkOpen();
            observe(entry.createdAt());
            Instant cap = entry.createdAt().plus(config.maxTtl());
            CacheEntry stored = entry.expiresAt().isAfter(cap)
                    ? new CacheEntry(entry.id(), entry.tenantId(), entry.namespace(), entry.exactKey(), entry.prompt(),
                    embedding == null ? null : embedding.clone(), entry.response(), entry.modelQuality(),
                    entry.costUsd(), entry.createdAt(), cap, entry.hitCount())
                    : entry;
            byte[] value = EntryCodec.encode(stored);
            String key = key(entry.tenantId(), entry.namespace(), entry.exactKey());
            int size = key.length() + value.length;
            if (size > byteBudget) {
                throw new IllegalArgumentException("an entry of " + size + " bytes is larger than the whole cache, "
                        + "maxEntries × (averageEntryBytes + " + KEY_CHARS + ") = " + byteBudget + " bytes");
            }
            if (size > maxEntryBytes) {
                // Checked before evicting: Chronicle would refuse it after the eviction loop had emptied the cache.
                throw new IllegalArgumentException("an entry of " + size + " bytes is larger than this file's layout "
                        + "allows for one entry (" + maxEntryBytes + " bytes)");
            }
            while (full(key, size)) {
                if (!evictOne()) {
                    break;
                }
            }
            float[] vector = embedding == null ? null : embedding.clone();
            Meta displaced = null;
            synchronized (stripe(key)) {
                Meta old = byKey.get(key);
                map.put(key, value);
                if (old != null) {
                    unlink(old);
                }
                Meta m = new Meta(key, stored, stored.expiresAt().toEpochMilli(), key.length() + value.length);
                byKey.put(key, m);
                Meta previousWithId = byId.put(m.id, m);
                if (previousWithId != null && previousWithId != old && !previousWithId.removed) {
                    displaced = previousWithId;
                }
                bytes.addAndGet(m.bytes);
                if (vector != null) {
                    VectorIndex<Meta> index = indexes.computeIfAbsent(m.indexKey, k -> new VectorIndex<>(indexSettings, indexBuildPool));
                    index.add(vector, m);
                    m.indexed = true;
                }
            }
            if (displaced != null) {
                // Ids are unique per store: an older entry that had this id under another key goes.
                removeKeepingId(displaced);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public boolean invalidate(String entryId) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            Meta m = byId.get(entryId);
            return m != null && remove(m);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public int invalidateNamespace(String namespace) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            int removed = 0;
            for (Meta m : byKey.values()) {
                if (m.namespace.equals(namespace) && remove(m)) {
                    removed++;
                }
            }
            return removed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public int invalidateTenant(String tenantId) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            int removed = 0;
            for (Meta m : byKey.values()) {
                if (m.tenantId.equals(tenantId) && remove(m)) {
                    removed++;
                }
            }
            return removed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public boolean reportWrongHit(String tenantId, String entryId) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            Meta m = byId.get(entryId);
            boolean removed = m != null && m.tenantId.equals(tenantId) && remove(m);
            if (removed) {
                wrongHitReports.increment();
            }
            return removed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Removes every entry expired at {@code now}; returns how many. */
    public int purgeExpired(Instant now) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            observe(now);
            int removed = 0;
            for (Meta m : byKey.values()) {
                if (expired(m, now) && remove(m)) {
                    removed++;
                }
            }
            expirations.add(removed);
            return removed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public CacheStats stats() {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return new CacheStats(exactHits.sum(), semanticHits.sum(), misses.sum(), guardRejects.sum(),
                    wrongHitReports.sum(), evictions.sum(), expirations.sum(), byKey.size(), bytes.get(),
                    costSaved.sum());
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Whether the namespace's index currently searches a graph (else an exact scan); for tests and operators. */
    public boolean usesGraphIndex(String tenantId, String namespace) {
        checkOpen();
        VectorIndex<Meta> index = indexes.get(indexKey(tenantId, namespace));
        return index != null && index.usesGraph();
    }

    /** Writes the in-memory hit counts back to the file and closes it; idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                for (Meta m : byKey.values()) {
                    long hits = m.hits.get();
                    if (hits != m.storedHits) {
                        byte[] value = map.get(m.key);
                        if (value != null) {
                            CacheEntry e = EntryCodec.decode(value);
                            if (e.id().equals(m.id)) {
                                map.put(m.key, EntryCodec.encode(withHits(e, hits)));
                            }
                        }
                    }
                }
            } finally {
                saveIndexes();
                for (VectorIndex<Meta> index : indexes.values()) {
                    index.close();
                }
                indexes.clear();
                indexBuildPool.shutdownNow();
                byKey.clear();
                byId.clear();
                try {
                    map.close();
                } finally {
                    closeQuietly(lock);
                }
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private CacheEntry served(Meta m, CacheEntry entry) {
        m.referenced = true;
        long hits = m.hits.incrementAndGet();
        costSaved.add(m.cost);
        return withHits(entry, hits);
    }

    private static CacheEntry withHits(CacheEntry e, long hits) {
        return new CacheEntry(e.id(), e.tenantId(), e.namespace(), e.exactKey(), e.prompt(), e.embedding(),
                e.response(), e.modelQuality(), e.costUsd(), e.createdAt(), e.expiresAt(), hits);
    }

    /** The entry behind {@code m}, or null if it was removed or replaced meanwhile. */
    private CacheEntry read(Meta m) {
        byte[] value = map.get(m.key);
        if (value == null) {
            return null;
        }
        CacheEntry e = EntryCodec.decode(value);
        return e.id().equals(m.id) ? e : null;
    }

    /** Removes {@code m} from the file and the indexes if it is still current; returns whether it did. */
    private boolean remove(Meta m) {
        synchronized (stripe(m.key)) {
            if (m.removed || !byKey.remove(m.key, m)) {
                return false;
            }
            map.remove(m.key);
            unlink(m);
            return true;
        }
    }

    private void removeKeepingId(Meta m) {
        synchronized (stripe(m.key)) {
            if (m.removed || !byKey.remove(m.key, m)) {
                return;
            }
            map.remove(m.key);
            unlink(m);
        }
    }

    /** Drops {@code m} from the in-memory structures (its key's stripe lock held; the file is handled by the caller). */
    private void unlink(Meta m) {
        m.removed = true;
        byId.remove(m.id, m);
        bytes.addAndGet(-m.bytes);
        if (m.indexed) {
            VectorIndex<Meta> index = indexes.get(m.indexKey);
            if (index != null) {
                index.remove(m);
            }
        }
    }

    /** Whether storing {@code size} bytes under {@code key} would pass the entry or the byte bound. */
    private boolean full(String key, int size) {
        Meta current = byKey.get(key);
        return current == null
                ? byKey.size() >= config.maxEntries() || bytes.get() + size > byteBudget
                : bytes.get() - current.bytes + size > byteBudget;
    }

    /**
     * Evicts one entry with the CLOCK hand: among the next {@value #EVICTION_WINDOW} entries not hit since the hand
     * last passed, an expired one if any, else the first. Returns false when nothing could go.
     */
    private boolean evictOne() {
        synchronized (evictionLock) {
            long now = latestMillis.get();
            int budget = 2 * byKey.size() + 2;
            Meta victim = null;
            int candidates = 0;
            for (int step = 0; step < budget && candidates < EVICTION_WINDOW; step++) {
                if (hand == null || !hand.hasNext()) {
                    hand = byKey.values().iterator();
                    if (!hand.hasNext()) {
                        break;
                    }
                }
                Meta m = hand.next();
                if (m.removed) {
                    continue;
                }
                if (now >= m.expiresAtMillis) {
                    if (remove(m)) {
                        expirations.increment();
                        return true;
                    }
                    continue;
                }
                if (m.referenced) {
                    m.referenced = false;
                    continue;
                }
                if (victim == null) {
                    victim = m;
                }
                candidates++;
            }
            if (victim != null && remove(victim)) {
                evictions.increment();
                return true;
            }
            return false;
        }
    }

    private static boolean expired(Meta m, Instant now) {
        return now.toEpochMilli() >= m.expiresAtMillis;
    }

    private void observe(Instant now) {
        long millis = now.toEpochMilli();
        latestMillis.accumulateAndGet(millis, Math::max);
    }

    private Object stripe(String key) {
        return stripes[(key.hashCode() & 0x7fffffff) % STRIPES];
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the semantic cache on " + config.file() + " is closed");
        }
    }

    private static String indexKey(String tenantId, String namespace) {
        return tenantId + '\u0000' + namespace;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    });

    /** The file key of (tenant, namespace, exact key): 128 bits of SHA-256, base64url. */
    static String key(String tenantId, String namespace, String exactKey) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(tenantId.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(namespace.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(exactKey.getBytes(StandardCharsets.UTF_8));
        byte[] digest = md.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    /** The similarity of two embeddings (their dot product; both are L2-normalized). */
    public static double similarity(float[] a, float[] b) {
        return VectorMath.dot(a, b);
    }
}
