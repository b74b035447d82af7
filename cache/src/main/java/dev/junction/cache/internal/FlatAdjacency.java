package dev.junction.cache.internal;

import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;

import java.util.stream.IntStream;

/**
 * A copy of a graph's base-layer neighbour lists in one flat array, {@code degree + 1} ints per node (count, then the
 * neighbours). JVector keeps each list as its own object behind a map slot, so fetching an expanded node's neighbours
 * costs three dependent cache misses (slot, list object, its {@code int[]}); here it is one row read. At 1M vectors
 * that fetch was about two thirds of a search.
 *
 * <p>The copy is taken when the graph is built, compacted, cleaned up or loaded. A node whose list changed afterwards
 * (an insert links to it) is marked dirty and read from JVector again; so are nodes added after the copy and nodes
 * whose list did not fit a row. Marks are written by the index's writer and read without synchronization: a search
 * that misses a fresh mark walks that node's previous edges, which were real edges of the graph, so it can only lose a
 * little reach for that one search, never return a wrong or removed vector (results are re-scored and checked).
 */
final class FlatAdjacency {
    private final int degree;
    private final int size;
    private final int[] rows;
    private final long[] dirty;

    private FlatAdjacency(int degree, int size) {
        this.degree = degree;
        this.size = size;
        this.rows = new int[Math.multiplyExact(size, degree + 1)];
        this.dirty = new long[(size + 63) >>> 6];
    }

    /** Copies the base layer of {@code view} for nodes {@code [0, size)}, in parallel in the calling pool. */
    static FlatAdjacency copy(ImmutableGraphIndex.View view, int size, int degree) {
        FlatAdjacency a = new FlatAdjacency(degree, size);
        boolean[] overflow = new boolean[size];
        IntStream.range(0, size).parallel().forEach(node -> {
            NodesIterator it = view.getNeighborsIterator(0, node);
            int base = node * (degree + 1);
            int n = 0;
            while (it.hasNext()) {
                int neighbor = it.nextInt();
                if (n == degree) {
                    overflow[node] = true;
                    break;
                }
                a.rows[base + 1 + n++] = neighbor;
            }
            a.rows[base] = n;
        });
        for (int node = 0; node < size; node++) {
            if (overflow[node]) {
                a.markDirty(node);
            }
        }
        return a;
    }

    /** Marks a node whose list changed; the writer calls it after each insert for the nodes it linked to. */
    void markDirty(int node) {
        if (node < size) {
            dirty[node >>> 6] |= 1L << node;
        }
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
