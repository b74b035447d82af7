package dev.junction.cache.internal;

import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A copy of a graph's base-layer neighbour lists in one flat array, {@code degree + 1} ints per node (count, then the
 * neighbours; {@code degree} is the longest list the graph keeps). JVector keeps each list as its own object behind a
 * map slot, so fetching an expanded node's neighbours costs three dependent cache misses (slot, list object, its
 * {@code int[]}); here it is one row read. At 1M vectors that fetch was about two thirds of a search.
 *
 * <p>The copy is taken when the graph is built, compacted, cleaned up or loaded, and retaken when too many of its rows
 * are unusable ({@link #unusable}). A node whose list changed afterwards (an insert links to it) is marked dirty and
 * read from JVector again; so are nodes added after the copy and nodes whose list did not fit a row. Marks are set
 * atomically (the writer and a copy in progress may both set them) and read without synchronization: a search that
 * misses a fresh mark walks that node's previous edges, which were real edges of the graph, so it can only lose a
 * little reach for that one search, never return a wrong or removed vector (results are re-scored and checked).
 */
final class FlatAdjacency {
    private static final VarHandle DIRTY = MethodHandles.arrayElementVarHandle(long[].class);

    private final int degree;
    private final int size;
    private final int[] rows;
    private final long[] dirty;
    /** How many nodes are marked dirty. */
    private final AtomicInteger dirtyCount = new AtomicInteger();

    /** An empty copy of {@code size} rows, to be {@link #fill}ed; until then it only collects marks. */
    FlatAdjacency(int size, int degree) {
        this.degree = degree;
        this.size = size;
        this.rows = new int[Math.multiplyExact(size, degree + 1)];
        this.dirty = new long[(size + 63) >>> 6];
    }

    /** Copies the base layer of {@code view} for nodes {@code [0, size)}, in parallel in the calling pool. */
    static FlatAdjacency copy(ImmutableGraphIndex.View view, int size, int degree) {
        FlatAdjacency a = new FlatAdjacency(size, degree);
        a.fill(view);
        return a;
    }

    /**
     * Copies the base layer of {@code view} into the rows, in parallel in the calling pool; a list longer than a row
     * is marked instead. Each list is read as one consistent version (JVector replaces lists, never edits them).
     */
    void fill(ImmutableGraphIndex.View view) {
        IntStream.range(0, size).parallel().forEach(node -> fillRow(view, node));
    }

    private void fillRow(ImmutableGraphIndex.View view, int node) {
        NodesIterator it = view.getNeighborsIterator(0, node);
        int base = node * (degree + 1);
        int n = 0;
        while (it.hasNext()) {
            int neighbor = it.nextInt();
            if (n == degree) {
                markDirty(node);
                break;
            }
            rows[base + 1 + n++] = neighbor;
        }
        rows[base] = n;
    }

    /** {@link #markDirty(int)} for each of {@code nodes}. */
    void markDirty(int[] nodes) {
        for (int node : nodes) {
            markDirty(node);
        }
    }

    /**
     * Fills the rows from {@code previous}, an older copy of the same graph with rows as wide, where it has a usable
     * row, and from {@code view} for the other nodes (marked there, or added since), on the calling thread. Unlike
     * the searches, it reads {@code previous}'s marks with volatile reads: a mark set before this copy was published
     * to the writer must be seen (see {@code VectorIndex.refreshAdjacency}).
     */
    void fillFrom(FlatAdjacency previous, ImmutableGraphIndex.View view) {
        int width = degree + 1;
        System.arraycopy(previous.rows, 0, rows, 0, previous.size * width);
        for (int node = 0; node < size; node++) {
            if (node >= previous.size
                    || ((long) DIRTY.getVolatile(previous.dirty, node >>> 6) & (1L << node)) != 0) {
                fillRow(view, node);
            }
        }
    }

    /** Marks a node whose list changed; the writer calls it after each insert for the nodes it linked to. */
    void markDirty(int node) {
        if (node < size) {
            long bit = 1L << node;
            if (((long) DIRTY.getAndBitwiseOr(dirty, node >>> 6, bit) & bit) == 0) {
                dirtyCount.incrementAndGet();
            }
        }
    }

    /** Rows a search cannot use when the graph has {@code nodes} nodes: the marked ones and those added since. */
    int unusable(int nodes) {
        return dirtyCount.get() + Math.max(0, nodes - size);
    }

    /** How many usable rows differ from {@code view}'s base layer (for tests: no inserts may run meanwhile). */
    int staleRows(ImmutableGraphIndex.View view) {
        int stale = 0;
        for (int node = 0; node < size; node++) {
            if (!has(node)) {
                continue;
            }
            NodesIterator it = view.getNeighborsIterator(0, node);
            int start = rowStart(node);
            boolean same = it.size() == rows[start];
            for (int i = start + 1; same && it.hasNext(); i++) {
                same = it.nextInt() == rows[i];
            }
            if (!same) {
                stale++;
            }
        }
        return stale;
    }

    /** The nodes copied, {@code [0, size)}. */
    int size() {
        return size;
    }

    /** Whether {@code node}'s row may be used: copied and not marked since. */
    boolean has(int node) {
        return node < size && (dirty[node >>> 6] & (1L << node)) == 0;
    }

    /** Where {@code node}'s row starts in {@link #rows()}: the count, then the neighbours. */
    int rowStart(int node) {
        return node * (degree + 1);
    }

    int[] rows() {
        return rows;
    }
}
