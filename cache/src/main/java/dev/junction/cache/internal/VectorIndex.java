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
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;

/**
 * The nearest-neighbour index of one namespace: an exact Vector API scan while it holds fewer than
 * {@link Settings#graphThreshold()} vectors, a JVector graph (HNSW-style, DiskANN pruning) once it grows.
 *
 * <p>Vectors are L2-normalized; similarity is the dot product. Each vector carries a payload returned with it.
 *
 * <p>Thread-safe: searches take no lock on the scan path and a shared read lock on the graph path; additions and
 * removals are serialized by one writer lock per index (a cache writes after a model call that took seconds, so
 * writer throughput per namespace is not the bottleneck). Removed vectors are marked dead at once and physically
 * dropped from the graph in batches, after which their ordinals are reused. Close it to release the graph.
 *
 * @param <T> the payload type
 */
public final class VectorIndex<T> implements AutoCloseable {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
    private static final int INITIAL_CAPACITY = 64;

    /**
     * How the index behaves.
     *
     * @param dimensions     the vectors' length
     * @param graphThreshold live vectors at which the exact scan gives way to the graph; the graph is dropped again
     *                       below a quarter of it
     * @param maxDegree      the graph's maximum out-degree per node (JVector's M)
     * @param beamWidth      the construction beam width
     * @param searchOverquery how many extra candidates a graph search collects beyond those asked for
     */
    public record Settings(int dimensions, int graphThreshold, int maxDegree, int beamWidth, int searchOverquery) {
        /** 8,192 vectors: the SIMD scan of that many 384-dim vectors costs about 0.2 ms. */
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
    }

    /** One search result: the payload, its ordinal and its similarity to the query. */
    public record Neighbor<T>(int ordinal, T payload, float similarity) {
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

    private final Settings settings;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantReadWriteLock graphLock = new ReentrantReadWriteLock();
    private volatile AtomicReferenceArray<Slot<T>> table = new AtomicReferenceArray<>(INITIAL_CAPACITY);
    private volatile int highWater;
    private volatile int live;
    private volatile GraphIndexBuilder graph;
    /** Guarded by writeLock: ordinals free for reuse. */
    private int[] free = new int[16];
    private int freeCount;
    /** Guarded by writeLock: ordinals marked deleted in the graph and not yet removed from it. */
    private int[] pending = new int[16];
    private int pendingCount;
    private volatile boolean closed;
    private final Vectors vectors = new Vectors();

    public VectorIndex(Settings settings) {
        this.settings = settings;
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

    /** Adds a vector (kept by reference: do not modify it afterwards); returns its ordinal. */
    public int add(float[] vector, T payload) {
        if (vector.length != settings.dimensions()) {
            throw new IllegalArgumentException("expected " + settings.dimensions() + " dimensions, got " + vector.length);
        }
        writeLock.lock();
        try {
            checkOpen();
            int ordinal = freeCount > 0 ? free[--freeCount] : highWater;
            AtomicReferenceArray<Slot<T>> t = ensureCapacity(ordinal);
            Slot<T> slot = new Slot<>(vector, payload);
            t.setRelease(ordinal, slot);
            if (ordinal == highWater) {
                highWater = ordinal + 1;
            }
            live = live + 1;
            GraphIndexBuilder g = graph;
            if (g != null) {
                graphLock.readLock().lock();
                try {
                    g.addGraphNode(ordinal, slot.graphVector);
                } finally {
                    graphLock.readLock().unlock();
                }
            } else if (live >= settings.graphThreshold()) {
                buildGraph();
            }
            return ordinal;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Adds many vectors at once (kept by reference), building or extending the graph in parallel; returns their
     * ordinals in order. The way to load an index on open.
     */
    public int[] addAll(List<float[]> vectorList, List<T> payloads) {
        if (vectorList.size() != payloads.size()) {
            throw new IllegalArgumentException(vectorList.size() + " vectors but " + payloads.size() + " payloads");
        }
        writeLock.lock();
        try {
            checkOpen();
            int[] ordinals = new int[vectorList.size()];
            List<Slot<T>> added = new ArrayList<>(vectorList.size());
            for (int i = 0; i < ordinals.length; i++) {
                float[] vector = vectorList.get(i);
                if (vector.length != settings.dimensions()) {
                    throw new IllegalArgumentException("expected " + settings.dimensions() + " dimensions, got "
                            + vector.length);
                }
                int ordinal = freeCount > 0 ? free[--freeCount] : highWater;
                AtomicReferenceArray<Slot<T>> t = ensureCapacity(ordinal);
                Slot<T> slot = new Slot<>(vector, payloads.get(i));
                t.setRelease(ordinal, slot);
                if (ordinal == highWater) {
                    highWater = ordinal + 1;
                }
                ordinals[i] = ordinal;
                added.add(slot);
            }
            live = live + ordinals.length;
            GraphIndexBuilder g = graph;
            if (g != null) {
                graphLock.readLock().lock();
                try {
                    IntStream.range(0, ordinals.length).parallel()
                            .forEach(i -> g.addGraphNode(ordinals[i], added.get(i).graphVector));
                } finally {
                    graphLock.readLock().unlock();
                }
            } else if (live >= settings.graphThreshold()) {
                buildGraph();
            }
            return ordinals;
        } finally {
            writeLock.unlock();
        }
    }

    private AtomicReferenceArray<Slot<T>> ensureCapacity(int ordinal) {
        AtomicReferenceArray<Slot<T>> t = table;
        if (ordinal < t.length()) {
            return t;
        }
        int length = t.length();
        while (length <= ordinal) {
            length *= 2;
        }
        AtomicReferenceArray<Slot<T>> grown = new AtomicReferenceArray<>(length);
        for (int i = 0; i < highWater; i++) {
            grown.setPlain(i, t.get(i));
        }
        table = grown;
        return grown;
    }

    /** Removes the vector at {@code ordinal} if it holds {@code payload}; returns whether it did. */
    public boolean remove(int ordinal, T payload) {
        writeLock.lock();
        try {
            checkOpen();
            if (ordinal < 0 || ordinal >= highWater) {
                return false;
            }
            Slot<T> slot = table.get(ordinal);
            if (slot == null || slot.dead || slot.payload != payload) {
                return false;
            }
            slot.dead = true;
            live = live - 1;
            GraphIndexBuilder g = graph;
            if (g == null) {
                table.set(ordinal, null);
                pushFree(ordinal);
            } else {
                g.markNodeDeleted(ordinal);
                pending = push(pending, pendingCount++, ordinal);
                if (live < settings.graphThreshold() / 4) {
                    dropGraph();
                } else if (pendingCount >= Math.max(256, live / 8)) {
                    purgeDeleted();
                }
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** The up to {@code k} nearest live vectors, most similar first. */
    public List<Neighbor<T>> search(float[] query, int k) {
        if (query.length != settings.dimensions()) {
            throw new IllegalArgumentException("expected " + settings.dimensions() + " dimensions, got " + query.length);
        }
        checkOpen();
        GraphIndexBuilder g = graph;
        if (g != null) {
            graphLock.readLock().lock();
            try {
                if (graph == g) {
                    return searchGraph(g, query, k);
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
        AtomicReferenceArray<Slot<T>> t = table;
        int n = Math.min(highWater, t.length());
        int[] bestOrd = new int[k];
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
                    bestOrd[pos] = bestOrd[pos - 1];
                    bestSlot[pos] = bestSlot[pos - 1];
                    pos--;
                }
                bestSim[pos] = sim;
                bestOrd[pos] = i;
                bestSlot[pos] = s;
            }
        }
        List<Neighbor<T>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Neighbor<>(bestOrd[i], bestSlot[i].payload, bestSim[i]));
        }
        return out;
    }

    private List<Neighbor<T>> searchGraph(GraphIndexBuilder g, float[] query, int k) {
        AtomicReferenceArray<Slot<T>> t = table;
        SearchResult result = GraphSearcher.search(VTS.createFloatVector(query), k + settings.searchOverquery(),
                vectors, VectorSimilarityFunction.DOT_PRODUCT,
                g.getGraph(), Bits.ALL);
        List<Neighbor<T>> out = new ArrayList<>(k);
        for (SearchResult.NodeScore ns : result.getNodes()) {
            Slot<T> s = ns.node < t.length() ? t.getAcquire(ns.node) : null;
            if (s == null || s.dead) {
                continue;
            }
            out.add(new Neighbor<>(ns.node, s.payload, VectorMath.dot(query, s.vector, 0)));
        }
        out.sort((a, b) -> Float.compare(b.similarity(), a.similarity()));
        return out.size() > k ? new ArrayList<>(out.subList(0, k)) : out;
    }

    /** Builds the graph over the live vectors, in parallel; called with writeLock held. */
    private void buildGraph() {
                GraphIndexBuilder builder = GraphIndexBuilder.builder(
                        BuildScoreProvider.randomAccessScoreProvider(vectors, VectorSimilarityFunction.DOT_PRODUCT),
                        settings.dimensions(), settings.maxDegree())
                .withBeamWidth(settings.beamWidth())
                .withNeighborOverflow(1.2f)
                .withAlpha(1.2f)
                .build();
        AtomicReferenceArray<Slot<T>> t = table;
        IntStream.range(0, highWater).parallel().forEach(i -> {
            Slot<T> s = t.get(i);
            if (s != null && !s.dead) {
                builder.addGraphNode(i, s.graphVector);
            }
        });
        // Slots already dead stay out of the graph; their ordinals are free to reuse.
        for (int i = 0; i < highWater; i++) {
            Slot<T> s = t.get(i);
            if (s != null && s.dead) {
                t.set(i, null);
                pushFree(i);
            }
        }
        graph = builder;
    }

    /** Physically removes the nodes marked deleted; called with writeLock held. */
    private void purgeDeleted() {
        GraphIndexBuilder g = graph;
        graphLock.writeLock().lock();
        try {
            g.removeDeletedNodes();
        } finally {
            graphLock.writeLock().unlock();
        }
        releasePending();
    }

    /** Falls back to the exact scan; called with writeLock held. */
    private void dropGraph() {
        GraphIndexBuilder g = graph;
        graphLock.writeLock().lock();
        try {
            graph = null;
        } finally {
            graphLock.writeLock().unlock();
        }
        closeQuietly(g);
        releasePending();
    }

    private void releasePending() {
        for (int i = 0; i < pendingCount; i++) {
            table.set(pending[i], null);
            pushFree(pending[i]);
        }
        pendingCount = 0;
    }

    private void pushFree(int ordinal) {
        free = push(free, freeCount++, ordinal);
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
            GraphIndexBuilder g = graph;
            graphLock.writeLock().lock();
            try {
                graph = null;
            } finally {
                graphLock.writeLock().unlock();
            }
            if (g != null) {
                closeQuietly(g);
            }
            table = new AtomicReferenceArray<>(0);
            highWater = 0;
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

    /** The slots as JVector sees them: a live, random-access view of the current table, safe to share. */
    private final class Vectors implements RandomAccessVectorValues {
        @Override
        public int size() {
            return highWater;
        }

        @Override
        public int dimension() {
            return settings.dimensions();
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
}
