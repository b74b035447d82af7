package dev.junction.cache.internal;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;

/**
 * The nearest-neighbour index of one namespace: an exact Vector API scan while it holds fewer than
 * {@link Settings#graphThreshold()} vectors, a JVector graph (Vamana/DiskANN-style) once it grows.
 *
 * <p>Vectors are L2-normalized; similarity is the dot product. Each vector carries a payload (compared by identity)
 * returned with it.
 *
 * <p>Thread-safe: scans take no lock; graph searches share a read lock. Additions and removals are serialized by one
 * writer lock per index (a cache writes after a model call that took seconds, so writer throughput per namespace is
 * not the bottleneck). A removed vector is marked dead at once and never returned again. In graph mode dead nodes
 * stay in the graph as waypoints (JVector's deleted-node mark) until they outnumber the live ones, when the index is
 * rebuilt compacted; below a quarter of the threshold the graph is dropped and the scan takes over again. Close it
 * to release the graph.
 *
 * @param <T> the payload type
 */
public final class VectorIndex<T> implements AutoCloseable {
    static {
        // JVector's pure-Java Vector API provider, unless the user chose: its native provider extracts a shared
        // library to a temporary file and, with heap-backed vectors, was slower here. Without the incubator module
        // (a plain java -jar), its scalar provider.
        if (System.getProperty("jvector.vectorization_provider") == null) {
            System.setProperty("jvector.vectorization_provider", VectorMath.SIMD ? "panama" : "default");
        }
    }

    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
    private static final int INITIAL_CAPACITY = 64;
    private static final int MIN_DEAD_FOR_COMPACTION = 1024;
    /** Vectors added in graph mode that every search also scans exactly, so a fresh insert is always found. */
    private static final int RECENT = 256;

    /**
     * How the index behaves.
     *
     * @param dimensions      the vectors' length
     * @param graphThreshold  live vectors at which the exact scan gives way to the graph; the graph is dropped again
     *                        below a quarter of it
     * @param maxDegree       the graph's maximum out-degree per node (JVector's M)
     * @param beamWidth       the construction beam width
     * @param searchOverquery how many extra candidates a graph search collects beyond those asked for
     */
    public record Settings(int dimensions, int graphThreshold, int maxDegree, int beamWidth, int searchOverquery) {
        /**
         * 8,192 vectors: below it the exact scan is exact and cheap to maintain; at 10,000 384-dim vectors the scan
         * measured 0.9 ms p50 against 0.3 ms for the graph (VectorIndexBenchmark, loaded 2-core machine).
         */
        public static final int DEFAULT_GRAPH_THRESHOLD = 8192;
        /** 32 neighbours per node. */
        public static final int DEFAULT_MAX_DEGREE = 32;
        /** A construction beam of 100. */
        public static final int DEFAULT_BEAM_WIDTH = 100;
        /** 40 extra candidates per graph search. */
        public static final int DEFAULT_SEARCH_OVERQUERY = 40;

        public Settings {
            if (dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be >= 1, was " + dimensions);
            }
            if (graphThreshold < 2) {
                throw new IllegalArgumentException("graphThreshold must be >= 2, was " + graphThreshold);
            }
            if (maxDegree < 2 || beamWidth < maxDegree || searchOverquery < 0) {
                throw new IllegalArgumentException("bad graph settings: maxDegree " + maxDegree + ", beamWidth "
                        + beamWidth + ", searchOverquery " + searchOverquery);
            }
        }

        public static Settings of(int dimensions) {
            return new Settings(dimensions, DEFAULT_GRAPH_THRESHOLD, DEFAULT_MAX_DEGREE, DEFAULT_BEAM_WIDTH,
                    DEFAULT_SEARCH_OVERQUERY);
        }

        public Settings withGraphThreshold(int threshold) {
            return new Settings(dimensions, threshold, maxDegree, beamWidth, searchOverquery);
        }

        public Settings withSearchOverquery(int overquery) {
            return new Settings(dimensions, graphThreshold, maxDegree, beamWidth, overquery);
        }

        public Settings withGraph(int degree, int beam) {
            return new Settings(dimensions, graphThreshold, degree, beam, searchOverquery);
        }
    }

    /** One search result: the payload and its similarity to the query. */
    public record Neighbor<T>(T payload, float similarity) {
    }

    private static final class Slot<T> {
        final float[] vector;
        final VectorFloat<?> graphVector;
        final T payload;
        volatile boolean dead;

        Slot(float[] vector, T payload) {
            this.vector = vector;
            this.graphVector = VTS.createFloatVector(vector);
            this.payload = payload;
        }
    }

    /** A table of slots as JVector sees it: random access by ordinal, shared between threads. */
    private static final class Vectors<T> implements RandomAccessVectorValues {
        private final int dimensions;
        volatile AtomicReferenceArray<Slot<T>> table;
        volatile int size;

        Vectors(int dimensions, AtomicReferenceArray<Slot<T>> table, int size) {
            this.dimensions = dimensions;
            this.table = table;
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int dimension() {
            return dimensions;
        }

        @Override
        public VectorFloat<?> getVector(int ordinal) {
            AtomicReferenceArray<Slot<T>> t = table;
            Slot<T> s = ordinal < t.length() ? t.getAcquire(ordinal) : null;
            return s == null ? null : s.graphVector;
        }

        @Override
        public boolean isValueShared() {
            return false;
        }

        @Override
        public RandomAccessVectorValues copy() {
            return this;
        }
    }

    private final Settings settings;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantReadWriteLock graphLock = new ReentrantReadWriteLock();
    /** The current table, also read by scans without a lock. */
    private volatile Vectors<T> vectors;
    private volatile GraphIndexBuilder graph;
    private volatile int live;
    private volatile boolean closed;
    /** Copy-on-write: the last {@link #RECENT} vectors added to the graph. */
    private volatile Object[] recent = new Object[0];
    /** Guarded by writeLock: where each payload sits. */
    private final Map<T, Integer> positions = new IdentityHashMap<>();
    /** Guarded by writeLock: ordinals free for reuse (scan mode only). */
    private int[] free = new int[16];
    private int freeCount;
    /** Guarded by writeLock: dead nodes still in the graph. */
    private int deadInGraph;

    public VectorIndex(Settings settings) {
        this.settings = settings;
        this.vectors = new Vectors<>(settings.dimensions(), new AtomicReferenceArray<>(INITIAL_CAPACITY), 0);
    }

    public Settings settings() {
        return settings;
    }

    /** Live vectors. */
    public int size() {
        return live;
    }

    /** Whether searches go through the graph (else the exact scan). */
    public boolean usesGraph() {
        return graph != null;
    }

    /** Adds a vector (kept by reference: do not modify it afterwards) with its payload. */
    public void add(float[] vector, T payload) {
        addAll(List.of(vector), List.of(payload));
    }

    /**
     * Adds many vectors at once (kept by reference), building or extending the graph in parallel: the way to load
     * an index on open. A payload already present is replaced.
     */
    public void addAll(List<float[]> vectorList, List<T> payloads) {
        if (vectorList.size() != payloads.size()) {
            throw new IllegalArgumentException(vectorList.size() + " vectors but " + payloads.size() + " payloads");
        }
        for (float[] vector : vectorList) {
            if (vector.length != settings.dimensions()) {
                throw new IllegalArgumentException("expected " + settings.dimensions() + " dimensions, got "
                        + vector.length);
            }
        }
        writeLock.lock();
        try {
            checkOpen();
            for (T payload : payloads) {
                removeLocked(payload);
            }
            int n = vectorList.size();
            int[] ordinals = new int[n];
            List<Slot<T>> added = new ArrayList<>(n);
            GraphIndexBuilder g = graph;
            Vectors<T> v = vectors;
            for (int i = 0; i < n; i++) {
                // In graph mode ordinals are never reused (JVector keeps deleted nodes); compaction reclaims them.
                int ordinal = g == null && freeCount > 0 ? free[--freeCount] : v.size;
                AtomicReferenceArray<Slot<T>> t = ensureCapacity(v, ordinal);
                Slot<T> slot = new Slot<>(vectorList.get(i), payloads.get(i));
                t.setRelease(ordinal, slot);
                if (ordinal == v.size) {
                    v.size = ordinal + 1;
                }
                positions.put(slot.payload, ordinal);
                ordinals[i] = ordinal;
                added.add(slot);
            }
            live = live + n;
            if (g != null) {
                Object[] r = recent;
                int keep = Math.min(r.length, RECENT - Math.min(RECENT, n));
                Object[] next = new Object[keep + Math.min(RECENT, n)];
                System.arraycopy(r, r.length - keep, next, 0, keep);
                for (int i = Math.max(0, n - RECENT); i < n; i++) {
                    next[keep++] = added.get(i);
                }
                recent = next;
                graphLock.readLock().lock();
                try {
                    if (n == 1) {
                        g.addGraphNode(ordinals[0], added.get(0).graphVector);
                    } else {
                        IntStream.range(0, n).parallel().forEach(i -> g.addGraphNode(ordinals[i], added.get(i).graphVector));
                    }
                } finally {
                    graphLock.readLock().unlock();
                }
            } else if (live >= settings.graphThreshold()) {
                rebuildWithGraph();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes the payload's vector; returns whether it was there. */
    public boolean remove(T payload) {
        writeLock.lock();
        try {
            checkOpen();
            return removeLocked(payload);
        } finally {
            writeLock.unlock();
        }
    }

    private boolean removeLocked(T payload) {
        Integer ordinal = positions.remove(payload);
        if (ordinal == null) {
            return false;
        }
        Vectors<T> v = vectors;
        Slot<T> slot = v.table.get(ordinal);
        slot.dead = true;
        live = live - 1;
        GraphIndexBuilder g = graph;
        if (g == null) {
            v.table.set(ordinal, null);
            free = push(free, freeCount++, ordinal);
        } else {
            g.markNodeDeleted(ordinal);
            deadInGraph++;
            if (live < settings.graphThreshold() / 4) {
                dropGraph();
            } else if (deadInGraph >= MIN_DEAD_FOR_COMPACTION && deadInGraph > live) {
                rebuildWithGraph();
            }
        }
        return true;
    }

    /** The up to {@code k} nearest live vectors, most similar first. */
    public List<Neighbor<T>> search(float[] query, int k) {
        if (query.length != settings.dimensions()) {
            throw new IllegalArgumentException("expected " + settings.dimensions() + " dimensions, got " + query.length);
        }
        checkOpen();
        if (graph != null) {
            graphLock.readLock().lock();
            try {
                GraphIndexBuilder g = graph;
                if (g != null) {
                    return searchGraph(g, vectors, query, k);
                }
            } finally {
                graphLock.readLock().unlock();
            }
        }
        return scan(query, k);
    }

    /** The exact top-k by a full scan, whatever the index's mode (the reference for recall measurements). */
    public List<Neighbor<T>> scan(float[] query, int k) {
        checkOpen();
        Vectors<T> v = vectors;
        AtomicReferenceArray<Slot<T>> t = v.table;
        int n = Math.min(v.size, t.length());
        float[] bestSim = new float[k];
        @SuppressWarnings("unchecked")
        Slot<T>[] bestSlot = (Slot<T>[]) new Slot<?>[k];
        int count = 0;
        for (int i = 0; i < n; i++) {
            Slot<T> s = t.getAcquire(i);
            if (s == null || s.dead) {
                continue;
            }
            float sim = VectorMath.dot(query, s.vector, 0);
            if (count < k || sim > bestSim[count - 1]) {
                int pos = count < k ? count++ : count - 1;
                while (pos > 0 && bestSim[pos - 1] < sim) {
                    bestSim[pos] = bestSim[pos - 1];
                    bestSlot[pos] = bestSlot[pos - 1];
                    pos--;
                }
                bestSim[pos] = sim;
                bestSlot[pos] = s;
            }
        }
        List<Neighbor<T>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Neighbor<>(bestSlot[i].payload, bestSim[i]));
        }
        return out;
    }

    private List<Neighbor<T>> searchGraph(GraphIndexBuilder g, Vectors<T> v, float[] query, int k) {
        SearchResult result = GraphSearcher.search(VTS.createFloatVector(query), k + settings.searchOverquery(), v,
                VectorSimilarityFunction.DOT_PRODUCT, g.getGraph(), Bits.ALL);
        AtomicReferenceArray<Slot<T>> t = v.table;
        List<Neighbor<T>> out = new ArrayList<>(k + settings.searchOverquery());
        float kth = Float.NEGATIVE_INFINITY;
        for (SearchResult.NodeScore ns : result.getNodes()) {
            Slot<T> s = ns.node < t.length() ? t.getAcquire(ns.node) : null;
            if (s == null || s.dead) {
                continue;
            }
            float sim = VectorMath.dot(query, s.vector, 0);
            out.add(new Neighbor<>(s.payload, sim));
        }
        if (out.size() >= k) {
            out.sort((a, b) -> Float.compare(b.similarity(), a.similarity()));
            kth = out.get(k - 1).similarity();
        }
        int graphResults = out.size();
        for (Object o : recent) {
            @SuppressWarnings("unchecked")
            Slot<T> s = (Slot<T>) o;
            if (s.dead) {
                continue;
            }
            float sim = VectorMath.dot(query, s.vector, 0);
            if (sim > kth && !contains(out, graphResults, s.payload)) {
                out.add(new Neighbor<>(s.payload, sim));
            }
        }
        out.sort((a, b) -> Float.compare(b.similarity(), a.similarity()));
        return out.size() > k ? new ArrayList<>(out.subList(0, k)) : out;
    }

    private static <T> boolean contains(List<Neighbor<T>> list, int upTo, T payload) {
        for (int i = 0; i < upTo; i++) {
            if (list.get(i).payload() == payload) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the live slots into a compact table and builds a graph over it in parallel, then swaps both in while no
     * graph search runs; called with writeLock held. Scans keep reading the old table until the swap.
     */
    private void rebuildWithGraph() {
        Vectors<T> old = vectors;
        int n = Math.min(old.size, old.table.length());
        AtomicReferenceArray<Slot<T>> compact = new AtomicReferenceArray<>(Math.max(INITIAL_CAPACITY, live * 2));
        int size = 0;
        for (int i = 0; i < n; i++) {
            Slot<T> s = old.table.get(i);
            if (s != null && !s.dead) {
                compact.setPlain(size, s);
                positions.put(s.payload, size);
                size++;
            }
        }
        Vectors<T> next = new Vectors<>(settings.dimensions(), compact, size);
        GraphIndexBuilder builder = GraphIndexBuilder.builder(
                        BuildScoreProvider.randomAccessScoreProvider(next, VectorSimilarityFunction.DOT_PRODUCT),
                        settings.dimensions(), settings.maxDegree())
                .withBeamWidth(settings.beamWidth())
                .withNeighborOverflow(1.2f)
                .withAlpha(1.2f)
                .build();
        IntStream.range(0, size).parallel().forEach(i -> builder.addGraphNode(i, compact.get(i).graphVector));
        builder.cleanup();
        GraphIndexBuilder previous;
        graphLock.writeLock().lock();
        try {
            previous = graph;
            vectors = next;
            graph = builder;
            recent = new Object[0];
        } finally {
            graphLock.writeLock().unlock();
        }
        freeCount = 0;
        deadInGraph = 0;
        if (previous != null) {
            closeQuietly(previous);
        }
    }

    /** Falls back to the exact scan; called with writeLock held. */
    private void dropGraph() {
        GraphIndexBuilder g;
        graphLock.writeLock().lock();
        try {
            g = graph;
            graph = null;
            recent = new Object[0];
        } finally {
            graphLock.writeLock().unlock();
        }
        closeQuietly(g);
        Vectors<T> v = vectors;
        for (int i = 0; i < v.size; i++) {
            Slot<T> s = v.table.get(i);
            if (s != null && s.dead) {
                v.table.set(i, null);
                free = push(free, freeCount++, i);
            }
        }
        deadInGraph = 0;
    }

    private static <T> AtomicReferenceArray<Slot<T>> ensureCapacity(Vectors<T> v, int ordinal) {
        AtomicReferenceArray<Slot<T>> t = v.table;
        if (ordinal < t.length()) {
            return t;
        }
        int length = t.length();
        while (length <= ordinal) {
            length *= 2;
        }
        AtomicReferenceArray<Slot<T>> grown = new AtomicReferenceArray<>(length);
        for (int i = 0; i < v.size; i++) {
            grown.setPlain(i, t.get(i));
        }
        v.table = grown;
        return grown;
    }

    private static int[] push(int[] array, int index, int value) {
        int[] a = index < array.length ? array : Arrays.copyOf(array, array.length * 2);
        a[index] = value;
        return a;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the vector index is closed");
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            GraphIndexBuilder g;
            graphLock.writeLock().lock();
            try {
                g = graph;
                graph = null;
                vectors = new Vectors<>(settings.dimensions(), new AtomicReferenceArray<>(0), 0);
            } finally {
                graphLock.writeLock().unlock();
            }
            if (g != null) {
                closeQuietly(g);
            }
            positions.clear();
            live = 0;
        } finally {
            writeLock.unlock();
        }
    }

    private static void closeQuietly(GraphIndexBuilder g) {
        try {
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
