package dev.junction.cache.internal;

import io.github.jbellis.jvector.disk.ByteBufferReader;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.diversity.VamanaDiversityProvider;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

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
 * <p>In graph mode the index also keeps an int8 copy of every vector in flat chunks ({@link Int8Codes}, 388 bytes
 * per 384-dim vector): searches walk the graph on those scores and re-score only their best candidates with the
 * float vectors. The codes are written before a node enters the graph, recomputed from the vectors on a rebuild and
 * on {@link #load} (about a second per million vectors on two cores, so the saved file does not carry them). It
 * also keeps a flat copy of the graph's base-layer neighbour lists ({@link FlatAdjacency}, 156 bytes per node at
 * M=32), taken on build, compaction, clean-up and load; lists an insert changes are read from JVector again, and once
 * more than an eighth of the rows are unusable the copy is retaken on one build-pool thread while searches and
 * inserts go on (one retake at a time; two copies are alive while it runs).
 *
 * <p>Bulk loads and rebuilds run on the {@link ForkJoinPool} given to the constructor, JVector's graph clean-up too
 * (which would otherwise run on the common pool's core count minus one workers, one on two cores).
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
     * A graph search re-ranks exactly this many times k of its best candidates by int8 score. The int8 error (about
     * 5e-4 on a 384-dim dot product) is far below the gaps it would have to bridge: on the 1M benchmark re-ranking 2k
     * or all k + overquery candidates gave the same recall@1 and @10, and re-ranking all 160 cost a third of the
     * search (each exact score chases a slot to a scattered 1.5 KB array).
     */
    private static final int RERANK_FACTOR = 2;
    /**
     * The flat neighbour lists are retaken once more than this fraction (1/8) of their rows are unusable (marked by
     * inserts, or added since the copy), so that searches stay on the fast path. A search reads an unusable row from
     * JVector instead (three dependent misses instead of one; the list fetch was ~2/3 of a 1M search, p50 443 us
     * without the copy, 258 us with it), so at 1/8 a walk that meets unusable rows at their share pays about an
     * eighth of that difference. A retake re-reads only the unusable rows and copies the rest, on one pool thread: at
     * 100k entries with 384-dim inserts it ran every ~450 inserts (an insert marks ~25 new rows) and took ~14 ms
     * (median of 32), about 30 us per insert against the ~600 us the insert itself costs. Smaller fractions retake
     * more often for little; larger ones let searches drift towards the slow path (15k inserts into 100k without
     * retakes: p50 ~240 -> ~350 us).
     */
    private static final int UNUSABLE_ROWS_DIVISOR = 8;
    private static final float NEIGHBOR_OVERFLOW = 1.2f;
    private static final float ALPHA = 1.2f;
    private static final int FILE_MAGIC = 0x4a584931; // "JXI1"
    private static final int FILE_VERSION = 1;

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
        /**
         * 150 extra candidates per graph search, a beam of 160 for the cache's 10 neighbours. At 1M clustered
         * 384-dim vectors (VectorIndexBenchmark's data and queries, M=32 graph) recall@1 against the exact scan was
         * 0.907 at 40, 0.969 at 100, 0.973 at 120, 0.983 at 150, 0.990 at 180 and 0.992 at 200; with int8-ranked
         * walks over flat neighbour lists a search at 150 costs half what one at 40 cost with float scores (JMH at
         * 1M: p50 258 vs 511 us).
         */
        public static final int DEFAULT_SEARCH_OVERQUERY = 150;

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
        /** The graph's approximate scores: int8 copies of the vectors, kept in graph mode only. */
        volatile Int8Codes codes;
        /** A flat copy of the graph's base-layer neighbour lists, in graph mode only. */
        volatile FlatAdjacency adjacency;
        /** A new copy while it is being taken (it collects the inserts' marks meanwhile), else null. */
        volatile FlatAdjacency nextAdjacency;

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
    private final ForkJoinPool buildPool;
    /**
     * Neighbours per row of the flat lists: JVector lets an insert's back-links grow a list to M times the overflow
     * (38 at M=32) before pruning it, so after a stretch of inserts most lists hold more than M. Rows of M would send
     * those to the slow path, and a retake would not bring them back.
     */
    private final int listCapacity;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantReadWriteLock graphLock = new ReentrantReadWriteLock();
    /** The current table, also read by scans without a lock. */
    private volatile Vectors<T> vectors;
    private volatile GraphIndexBuilder graph;
    /** Searchers over {@link #graph} for reuse (their scratch queues and visited set), replaced with the graph. */
    private volatile ConcurrentLinkedQueue<GraphSearcher> searchers = new ConcurrentLinkedQueue<>();
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
    /** Whether a retake of the flat neighbour lists is queued or running; set by the writer, cleared by the retake. */
    private volatile boolean refreshing;

    /** An index whose graph builds run on {@code buildPool} (owned by the caller, which shuts it down). */
    public VectorIndex(Settings settings, ForkJoinPool buildPool) {
        this.settings = settings;
        this.buildPool = buildPool;
        this.listCapacity = (int) (settings.maxDegree() * NEIGHBOR_OVERFLOW);
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
                Int8Codes codes = v.codes;
                codes.ensureCapacity(v.size);
                for (int i = 0; i < n; i++) {
                    codes.set(ordinals[i], added.get(i).vector);
                }
                graphLock.readLock().lock();
                try {
                    if (n == 1) {
                        g.addGraphNode(ordinals[0], added.get(0).graphVector);
                    } else {
                        inBuildPool(() -> IntStream.range(0, n).parallel()
                                .forEach(i -> g.addGraphNode(ordinals[i], added.get(i).graphVector)));
                    }
                    FlatAdjacency adjacency = v.adjacency;
                    if (adjacency != null) {
                        // An insert links the new node to its neighbours, whose lists it changes.
                        int[] changed = changedLists(g.getGraph().getView(), ordinals);
                        adjacency.markDirty(changed);
                        // After marking the current copy, in this order: see refreshAdjacency.
                        FlatAdjacency pending = v.nextAdjacency;
                        FlatAdjacency current = v.adjacency;
                        if (pending != null && pending != adjacency) {
                            pending.markDirty(changed);
                        }
                        if (current != adjacency && current != pending) {
                            current.markDirty(changed);
                        }
                        if (!refreshing && current.unusable(v.size) > current.size() / UNUSABLE_ROWS_DIVISOR) {
                            startRefresh(g, v);
                        }
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

    /** The base-layer neighbours of {@code ordinals}, the nodes whose lists their inserts changed (with repeats). */
    private static int[] changedLists(ImmutableGraphIndex.View view, int[] ordinals) {
        int[] changed = new int[16];
        int n = 0;
        for (int ordinal : ordinals) {
            NodesIterator it = view.getNeighborsIterator(0, ordinal);
            while (it.hasNext()) {
                changed = push(changed, n++, it.nextInt());
            }
        }
        return Arrays.copyOf(changed, n);
    }

    /**
     * Queues a retake of {@code v}'s flat neighbour lists in the build pool; called by the writer after its inserts,
     * so every node below {@code v.size} is complete in the graph.
     */
    private void startRefresh(GraphIndexBuilder g, Vectors<T> v) {
        int size = v.size;
        refreshing = true;
        try {
            buildPool.execute(() -> refreshAdjacency(g, v, size));
        } catch (RejectedExecutionException e) {
            // The caller shut its pool down: searches keep the current copy.
            refreshing = false;
        }
    }

    /**
     * Takes a new copy of the neighbour lists of nodes {@code [0, size)} and swaps it in: rows the current copy can
     * still use are copied from it, the others (marked, or added since) read from JVector, on this one pool thread
     * (a fraction of a full copy's reads, leaving the other cores to searches and the writer). At most one runs at a
     * time ({@link #refreshing}). It holds the graph's read lock, so no clean-up rewrites lists meanwhile, and gives up
     * when it cannot take it at once (a save, rebuild, drop or close holds it: the first two take a copy themselves)
     * or when the index closed, changed graph or table, or a save took a copy of at least these nodes since.
     *
     * <p>Inserts go on while it copies. The new copy is published in {@link Vectors#nextAdjacency} before the current
     * copy's marks are read; the writer marks the current copy, then reads that field and the current copy again and
     * marks whichever copies it had not. So each changed list is either marked in the current copy before the
     * publication, and then read from JVector (its change made before the mark), or marked in the new copy. Unmarked
     * rows of the new copy therefore hold what the old one guaranteed: the node's list, or for a missed mark (a bulk
     * insert's list that a concurrent insert pruned), real older edges.
     */
    private void refreshAdjacency(GraphIndexBuilder g, Vectors<T> v, int size) {
        try {
            if (closed || !graphLock.readLock().tryLock()) {
                return;
            }
            try {
                FlatAdjacency current = v.adjacency;
                if (closed || graph != g || vectors != v || current == null || current.size() >= size) {
                    return;
                }
                FlatAdjacency next = new FlatAdjacency(size, listCapacity);
                v.nextAdjacency = next;
                try {
                    next.fillFrom(current, g.getGraph().getView());
                    v.adjacency = next;
                } finally {
                    v.nextAdjacency = null;
                }
            } finally {
                graphLock.readLock().unlock();
            }
        } finally {
            refreshing = false;
        }
    }

    /** Rows of the flat neighbour lists that searches cannot use now (0 in scan mode); for tests. */
    int unusableRows() {
        Vectors<T> v = vectors;
        FlatAdjacency a = v.adjacency;
        return a == null ? 0 : a.unusable(v.size);
    }

    /** Rows of the flat neighbour lists that searches would use but that differ from the graph; for tests. */
    int staleFlatRows() {
        graphLock.readLock().lock();
        try {
            GraphIndexBuilder g = graph;
            FlatAdjacency a = vectors.adjacency;
            return g == null || a == null ? 0 : a.staleRows(g.getGraph().getView());
        } finally {
            graphLock.readLock().unlock();
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
        return search(query, k, settings.searchOverquery());
    }

    /** {@link #search(float[], int)} with {@code overquery} extra graph candidates instead of the settings' own. */
    public List<Neighbor<T>> search(float[] query, int k, int overquery) {
        if (query.length != settings.dimensions()) {
            throw new IllegalArgumentException("expected " + settings.dimensions() + " dimensions, got " + query.length);
        }
        checkOpen();
        if (graph != null) {
            graphLock.readLock().lock();
            try {
                GraphIndexBuilder g = graph;
                if (g != null) {
                    return searchGraph(g, vectors, query, k, overquery);
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

    /**
     * Walks the graph with a beam of {@code k + overquery}, ranking nodes by their int8 codes (scored a neighbour list
     * at a time by {@link BatchScoringView}), re-scores the best {@code RERANK_FACTOR * k} exactly, then merges the
     * {@link #RECENT} inserts scanned exactly. Searchers are pooled: each keeps its queues and visited set between
     * calls and gets a fresh view of the graph (one that sees every completed insert).
     */
    private List<Neighbor<T>> searchGraph(GraphIndexBuilder g, Vectors<T> v, float[] query, int k, int overquery) {
        AtomicReferenceArray<Slot<T>> t = v.table;
        Int8Codes codes = v.codes;
        ScoreFunction.ApproximateScoreFunction approximate = node -> (1 + codes.dot(query, node)) * 0.5f;
        ConcurrentLinkedQueue<GraphSearcher> pool = searchers;
        GraphSearcher searcher = pool.poll();
        if (searcher == null) {
            searcher = new GraphSearcher(g.getGraph());
        }
        searcher.setView(new BatchScoringView(g.getGraph().getView(), v.adjacency, codes, query));
        int rerank = Math.min(k + overquery, k * RERANK_FACTOR);
        SearchResult result = searcher.search(new DefaultSearchScoreProvider(approximate), rerank, k + overquery,
                0f, 0f, Bits.ALL);
        pool.offer(searcher);
        List<Neighbor<T>> out = new ArrayList<>(k + Math.min(k, RECENT));
        float kth = Float.NEGATIVE_INFINITY;
        for (SearchResult.NodeScore ns : result.getNodes()) {
            Slot<T> s = ns.node < t.length() ? t.getAcquire(ns.node) : null;
            if (s == null || s.dead) {
                continue;
            }
            out.add(new Neighbor<>(s.payload, VectorMath.dot(query, s.vector, 0)));
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

    /**
     * A view of the graph that scores an expanded node's unvisited neighbours as one batch from their int8 codes
     * ({@link Int8Codes#dots}), where JVector's own views score them one by one through the score function (the same
     * scores: the search's approximate function is {@code (1 + codes.dot) / 2} too). One per search: it holds the
     * query. Everything else is the wrapped view's (which sees only completed inserts).
     */
    private static final class BatchScoringView implements ImmutableGraphIndex.View {
        private final ImmutableGraphIndex.View inner;
        private final FlatAdjacency adjacency;
        private final Int8Codes codes;
        private final float[] query;
        private int[] batch = new int[64];
        private float[] scores = new float[64];
        /** Keeps {@link Int8Codes#dots}'s touching pass alive. */
        int touched;

        BatchScoringView(ImmutableGraphIndex.View inner, FlatAdjacency adjacency, Int8Codes codes, float[] query) {
            this.inner = inner;
            this.adjacency = adjacency;
            this.codes = codes;
            this.query = query;
        }

        @Override
        public void processNeighbors(int level, int node, ScoreFunction scoreFunction,
                                     ImmutableGraphIndex.IntMarker visited,
                                     ImmutableGraphIndex.NeighborProcessor processor) {
            int n = 0;
            FlatAdjacency a = adjacency;
            if (level == 0 && a != null && a.has(node)) {
                int[] rows = a.rows();
                int start = a.rowStart(node);
                int end = start + 1 + rows[start];
                if (batch.length < end - start) {
                    batch = new int[end - start];
                    scores = new float[end - start];
                }
                for (int i = start + 1; i < end; i++) {
                    int neighbor = rows[i];
                    if (visited.mark(neighbor)) {
                        batch[n++] = neighbor;
                    }
                }
            } else {
                NodesIterator it = inner.getNeighborsIterator(level, node);
                while (it.hasNext()) {
                    int neighbor = it.nextInt();
                    if (visited.mark(neighbor)) {
                        if (n == batch.length) {
                            batch = Arrays.copyOf(batch, n * 2);
                            scores = new float[n * 2];
                        }
                        batch[n++] = neighbor;
                    }
                }
            }
            touched += codes.dots(query, batch, n, scores);
            for (int i = 0; i < n; i++) {
                processor.process(batch[i], (1 + scores[i]) * 0.5f);
            }
        }

        @Override
        public NodesIterator getNeighborsIterator(int level, int node) {
            return inner.getNeighborsIterator(level, node);
        }

        @Override
        @Deprecated
        @SuppressWarnings("deprecation")
        public int size() {
            return inner.size();
        }

        @Override
        public ImmutableGraphIndex.NodeAtLevel entryNode() {
            return inner.entryNode();
        }

        @Override
        public Bits liveNodes() {
            return inner.liveNodes();
        }

        @Override
        public int getIdUpperBound() {
            return inner.getIdUpperBound();
        }

        @Override
        public boolean contains(int level, int node) {
            return inner.contains(level, node);
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
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
        GraphIndexBuilder builder = newBuilder(next);
        int count = size;
        inBuildPool(() -> {
            next.codes = quantize(compact, count);
            IntStream.range(0, count).parallel().forEach(i -> builder.addGraphNode(i, compact.get(i).graphVector));
            builder.cleanup();
            next.adjacency = FlatAdjacency.copy(builder.getGraph().getView(), count, listCapacity);
        });
        GraphIndexBuilder previous;
        graphLock.writeLock().lock();
        try {
            previous = graph;
            vectors = next;
            graph = builder;
            searchers = new ConcurrentLinkedQueue<>();
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

    /** The int8 codes of {@code table[0, size)} (holes stay zero), quantized in parallel in the calling pool. */
    private Int8Codes quantize(AtomicReferenceArray<Slot<T>> table, int size) {
        Int8Codes codes = new Int8Codes(settings.dimensions());
        codes.ensureCapacity(Math.max(size, 1));
        IntStream.range(0, size).parallel().forEach(i -> {
            Slot<T> s = table.get(i);
            if (s != null) {
                codes.set(i, s.vector);
            }
        });
        return codes;
    }

    /**
     * A graph builder with JVector's defaults, spelled out: hierarchy on (HNSW-style upper layers shorten the walk
     * from the entry point), neighbour overflow and alpha 1.2, and the refinement pass at clean-up (measured at 30k
     * 384-dim vectors: 2 CPU-seconds on top of 26 for the inserts). Uses the deprecated constructor because
     * {@link GraphIndexBuilder#builder} reads the two flags from a process-wide, JMX-writable singleton.
     */
    @SuppressWarnings("deprecation")
    private GraphIndexBuilder newBuilder(Vectors<T> v) {
        return new GraphIndexBuilder(
                BuildScoreProvider.randomAccessScoreProvider(v, VectorSimilarityFunction.DOT_PRODUCT),
                settings.dimensions(), settings.maxDegree(), settings.beamWidth(), NEIGHBOR_OVERFLOW, ALPHA, true,
                true, buildPool, buildPool);
    }

    /** A builder that goes on from a loaded graph, with the same settings as {@link #newBuilder(Vectors)}. */
    @SuppressWarnings("deprecation")
    private GraphIndexBuilder newBuilder(BuildScoreProvider scores, OnHeapGraphIndex loaded) {
        return new GraphIndexBuilder(scores, settings.dimensions(), loaded, settings.beamWidth(), NEIGHBOR_OVERFLOW,
                ALPHA, true, buildPool, buildPool);
    }

    private void inBuildPool(Runnable work) {
        // A parallel stream started inside a pool's task forks into that pool.
        buildPool.submit(work).join();
    }

    /**
     * Writes the graph, and which payload key sits at each of its nodes, to {@code file} (through a temporary file
     * and an atomic move), so that {@link #load} can skip the build. Deleted nodes are first removed from the graph
     * (JVector's clean-up). Does nothing and returns false in scan mode, where rebuilding is cheap.
     *
     * <p>Layout: magic, version, dimensions, max degree, table size, live count, one key per ordinal (empty for a
     * hole), JVector's {@code OnHeapGraphIndex.save} bytes, the graph's offset, then a CRC32 of everything before it.
     * JVector 4.0.2 deprecates that save and its load without a public replacement for a graph that must stay
     * mutable (its converter from an on-disk graph is package-private).
     */
    @SuppressWarnings("deprecation")
    public boolean save(Path file, Function<T, String> payloadKey) throws IOException {
        writeLock.lock();
        try {
            checkOpen();
            GraphIndexBuilder g = graph;
            if (g == null) {
                return false;
            }
            graphLock.writeLock().lock();
            try {
                g.cleanup();
                deadInGraph = 0;
                // Clean-up rewrote neighbour lists: copy them again.
                Vectors<T> current = vectors;
                inBuildPool(() -> current.adjacency = FlatAdjacency.copy(g.getGraph().getView(), current.size,
                        listCapacity));
                if (!(g.getGraph() instanceof OnHeapGraphIndex onHeap)) {
                    return false;
                }
                Vectors<T> v = vectors;
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                CRC32 crc = new CRC32();
                try (OutputStream raw = Files.newOutputStream(tmp);
                     DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                             new BufferedOutputStream(raw, 1 << 16), crc))) {
                    out.writeInt(FILE_MAGIC);
                    out.writeInt(FILE_VERSION);
                    out.writeInt(settings.dimensions());
                    out.writeInt(settings.maxDegree());
                    out.writeInt(v.size);
                    out.writeInt(live);
                    for (int i = 0; i < v.size; i++) {
                        Slot<T> s = v.table.get(i);
                        out.writeUTF(s == null || s.dead ? "" : payloadKey.apply(s.payload));
                    }
                    long graphOffset = out.size();
                    onHeap.save(out);
                    out.writeLong(graphOffset);
                    out.flush();
                    // The checksum covers everything written so far; it is written outside the checked stream.
                    long checksum = crc.getValue();
                    raw.write(ByteBuffer.allocate(Long.BYTES).putLong(checksum).array());
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } finally {
                graphLock.writeLock().unlock();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Reads an index {@link #save}d to {@code file} over {@code payloads} (with their {@code vectors}, in the same
     * order), the namespace's current entries. Fails with an {@link IOException} — the caller then rebuilds — when
     * the file is corrupt (bad checksum or layout), was saved with other settings, or is stale: a node's key is not
     * among the payloads', or a payload has no node.
     */
    @SuppressWarnings("deprecation")
    public static <T> VectorIndex<T> load(Settings settings, ForkJoinPool buildPool, Path file, List<T> payloads,
                                          List<float[]> vectors, Function<T, String> payloadKey) throws IOException {
        if (payloads.size() != vectors.size()) {
            throw new IllegalArgumentException(vectors.size() + " vectors but " + payloads.size() + " payloads");
        }
        MappedByteBuffer buffer;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            if (length < 24 + Long.BYTES * 2 || length > Integer.MAX_VALUE) {
                throw new IOException("index file " + file + " has an unusable length " + length);
            }
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
        }
        int end = buffer.capacity() - Long.BYTES;
        CRC32 crc = new CRC32();
        crc.update(buffer.slice(0, end));
        if (crc.getValue() != buffer.getLong(end)) {
            throw new IOException("index file " + file + " fails its checksum");
        }
        long graphOffset = buffer.getLong(end - Long.BYTES);
        if (buffer.getInt(0) != FILE_MAGIC || buffer.getInt(4) != FILE_VERSION
                || buffer.getInt(8) != settings.dimensions() || buffer.getInt(12) != settings.maxDegree()
                || graphOffset < 24 || graphOffset > end - Long.BYTES) {
            throw new IOException("index file " + file + " has another format or settings");
        }
        int tableSize = buffer.getInt(16);
        int savedLive = buffer.getInt(20);
        if (savedLive != payloads.size() || tableSize < savedLive) {
            throw new IOException("index file " + file + " is stale: " + savedLive + " vectors saved, "
                    + payloads.size() + " entries now");
        }
        Map<String, Integer> byKey = new HashMap<>(payloads.size() * 2);
        for (int i = 0; i < payloads.size(); i++) {
            byKey.put(payloadKey.apply(payloads.get(i)), i);
        }
        VectorIndex<T> index = new VectorIndex<>(settings, buildPool);
        AtomicReferenceArray<Slot<T>> table = new AtomicReferenceArray<>(Math.max(INITIAL_CAPACITY, tableSize * 2));
        ByteBuffer keys = buffer.slice(24, (int) graphOffset - 24);
        int[] present = new int[payloads.size()];
        int placed = 0;
        for (int ordinal = 0; ordinal < tableSize; ordinal++) {
            String key = readUtf(keys, file);
            if (key.isEmpty()) {
                continue;
            }
            Integer at = byKey.get(key);
            if (at == null || present[at]++ > 0) {
                throw new IOException("index file " + file + " is stale: entry " + key + " is gone or repeated");
            }
            Slot<T> slot = new Slot<>(vectors.get(at), payloads.get(at));
            if (slot.vector.length != settings.dimensions()) {
                throw new IllegalArgumentException("expected " + settings.dimensions() + " dimensions, got "
                        + slot.vector.length);
            }
            table.setPlain(ordinal, slot);
            index.positions.put(slot.payload, ordinal);
            placed++;
        }
        if (placed != payloads.size()) {
            throw new IOException("index file " + file + " is stale: " + (payloads.size() - placed) + " entries missing");
        }
        Vectors<T> v = new Vectors<>(settings.dimensions(), table, tableSize);
        BuildScoreProvider scores = BuildScoreProvider.randomAccessScoreProvider(v, VectorSimilarityFunction.DOT_PRODUCT);
        OnHeapGraphIndex onHeap;
        try {
            onHeap = OnHeapGraphIndex.load(new ByteBufferReader(
                            buffer.slice((int) graphOffset, end - Long.BYTES - (int) graphOffset)), settings.dimensions(),
                    NEIGHBOR_OVERFLOW, new VamanaDiversityProvider(scores, ALPHA));
        } catch (RuntimeException e) {
            throw new IOException("index file " + file + " has an unreadable graph", e);
        }
        index.inBuildPool(() -> v.codes = index.quantize(table, tableSize));
        index.inBuildPool(() -> v.adjacency = FlatAdjacency.copy(onHeap.getView(), tableSize, index.listCapacity));
        index.vectors = v;
        index.graph = index.newBuilder(scores, onHeap);
        index.live = placed;
        return index;
    }

    private static String readUtf(ByteBuffer in, Path file) throws IOException {
        if (in.remaining() < 2) {
            throw new IOException("index file " + file + " ends inside its key table");
        }
        int length = Short.toUnsignedInt(in.getShort());
        if (in.remaining() < length) {
            throw new IOException("index file " + file + " ends inside its key table");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        // Keys and ids are ASCII, where writeUTF's modified UTF-8 is plain UTF-8.
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Falls back to the exact scan; called with writeLock held. */
    private void dropGraph() {
        GraphIndexBuilder g;
        graphLock.writeLock().lock();
        try {
            g = graph;
            graph = null;
            searchers = new ConcurrentLinkedQueue<>();
            recent = new Object[0];
        } finally {
            graphLock.writeLock().unlock();
        }
        closeQuietly(g);
        Vectors<T> v = vectors;
        v.codes = null;
        v.adjacency = null;
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
                searchers = new ConcurrentLinkedQueue<>();
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
