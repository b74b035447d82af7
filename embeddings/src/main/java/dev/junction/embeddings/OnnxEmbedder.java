package dev.junction.embeddings;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.junction.embeddings.internal.DjlOffline;
import dev.junction.spi.Embedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A local sentence embedder: a HuggingFace tokenizer (DJL, native) and an ONNX model (ONNX Runtime), nothing remote.
 *
 * <p><b>What is embedded.</b> Exactly the text given. For a chat request, embed {@link PromptText#of}: the last user
 * turn; the system prompt, tools and response format belong to the cache namespace, not to the vector.
 *
 * <p><b>Long prompts.</b> A prompt longer than the token window ({@link OnnxEmbedderConfig#maxTokens()}) keeps its
 * head and its tail (half the window each, {@code [CLS]} and {@code [SEP]} included) and loses its middle: the
 * question of a long-context prompt is usually at one end. Two long prompts that differ only in the middle therefore
 * get the same vector; {@link #truncates(String)} tells callers (a semantic cache should not serve such prompts from a
 * near match). Texts over 16 characters per window token are cut to their first and last 8 per token before
 * tokenizing, which bounds the tokenizer's cost on huge inputs.
 *
 * <p><b>Output.</b> L2-normalized float vectors (mean or CLS pooling as the model was trained), so a dot product is the
 * cosine similarity. {@link #embedAll} runs texts one by one unless {@link OnnxEmbedderConfig#maxBatch()} says
 * otherwise, so a text's vector does not depend on its batch-mates. Recent vectors are memoized by exact text in a Caffeine cache bounded by weight; callers get
 * their own copy.
 *
 * <p><b>Network.</b> None: the model and tokenizer load from the class path or local files, and DJL's start-up
 * telemetry call is switched off before DJL loads (see {@code DjlOffline}).
 *
 * <p><b>Cost.</b> Besides the model run, a call tokenizes (ids only, through DJL's native tokenizer) and pools. The
 * inputs and the hidden states live in direct buffers reused across calls (one set kept per core, each
 * {@code maxTokens × (dimensions + 3)} numbers, more for batches), so a call neither copies the model's output onto the
 * heap nor leaves garbage that would evict the model from the CPU caches.
 *
 * <p>Thread-safe: one instance serves all threads. Owns native memory: {@link #close()} it; any call after close
 * throws {@link IllegalStateException}.
 */
public final class OnnxEmbedder implements Embedder {

    static {
        DjlOffline.apply();
    }

    private static final int CHARS_PER_TOKEN_BOUND = 16;
    /** How many sets of run buffers are kept for reuse: one per core, since calls are CPU-bound. */
    private static final int SPARE_BUFFERS = Runtime.getRuntime().availableProcessors();

    private final OnnxEmbedderConfig config;
    private final String modelId;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final String outputName;
    private final Set<String> noRequestedOutputs = Set.of();
    private final boolean takesTokenTypes;
    private final int dimensions;
    private final Cache<String, float[]> memo;
    private final ArrayBlockingQueue<RunBuffers> spare = new ArrayBlockingQueue<>(SPARE_BUFFERS);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** The default embedder: all-MiniLM-L6-v2 (quantized), see {@link OnnxEmbedderConfig#ofDefaults()}. */
    public OnnxEmbedder() {
        this(OnnxEmbedderConfig.ofDefaults());
    }

    public OnnxEmbedder(OnnxEmbedderConfig config) {
        this.config = config;
        EmbeddingModel model = config.model();
        this.modelId = config.maxTokens() == model.defaultTokens() ? model.id() : model.id() + "-t" + config.maxTokens();
        this.tokenizer = loadTokenizer(model);
        this.env = OrtEnvironment.getEnvironment();
        OrtSession s = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            s = env.createSession(model.onnxBytes(), options);
            Set<String> inputs = s.getInputNames();
            if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
                throw new IllegalArgumentException("model " + model.id() + " must take input_ids and attention_mask, takes "
                        + inputs);
            }
            this.takesTokenTypes = inputs.contains("token_type_ids");
            Map.Entry<String, NodeInfo> out = s.getOutputInfo().entrySet().iterator().next();
            this.outputName = out.getKey();
            TensorInfo info = (TensorInfo) out.getValue().getInfo();
            long[] shape = info.getShape();
            if (shape.length != 3 || shape[2] < 1 || info.type != OnnxJavaType.FLOAT) {
                throw new IllegalArgumentException("model " + model.id() + ": first output " + outputName
                        + " must be float [batch, tokens, dimensions], is " + info.type + " " + Arrays.toString(shape));
            }
            this.dimensions = (int) shape[2];
            this.session = s;
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            if (s != null) {
                closeQuietly(s);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot load ONNX model " + model.id() + ": " + e.getMessage(), e);
        }
        this.memo = config.memoMaxBytes() == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(config.memoMaxBytes())
                .weigher((String text, float[] v) -> 64 + 2 * text.length() + 16 + 4 * v.length)
                .executor(Runnable::run)
                .build();
    }

    private static HuggingFaceTokenizer loadTokenizer(EmbeddingModel model) {
        // The bundled MiniLM tokenizer.json pads and truncates to 128 tokens: both are switched off here, the
        // embedder pads per batch and truncates head-and-tail itself. The Java-side text rewrites (lower-casing, accent
        // stripping, prefix space) stay off: tokenize() calls the native tokenizer directly, and tokenizer.json's own
        // normalizer does that work.
        Map<String, String> options = Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true",
                "doLowerCase", "false", "stripAccents", "false", "addPrefixSpace", "false");
        try (InputStream in = model.openTokenizer()) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer of " + model.id(), e);
        }
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    public OnnxEmbedderConfig config() {
        return config;
    }

    @Override
    public float[] embed(String text) {
        if (text == null) {
            throw new NullPointerException("text");
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            if (memo == null) {
                return run(List.of(encode(text))).get(0);
            }
            float[] v = memo.getIfPresent(text);
            if (v == null) {
                v = run(List.of(encode(text))).get(0);
                memo.put(text, v);
            }
            return v.clone();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        lock.readLock().lock();
        try {
            ensureOpen();
            float[][] result = new float[texts.size()][];
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < result.length; i++) {
                String text = texts.get(i);
                if (text == null) {
                    throw new NullPointerException("texts[" + i + "]");
                }
                float[] v = memo == null ? null : memo.getIfPresent(text);
                if (v == null) {
                    missing.add(i);
                } else {
                    result[i] = v.clone();
                }
            }
            List<long[]> encoded = new ArrayList<>(missing.size());
            for (int i : missing) {
                encoded.add(encode(texts.get(i)));
            }
            // Similar lengths in one batch waste less padding.
            Integer[] order = new Integer[missing.size()];
            for (int k = 0; k < order.length; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(encoded.get(a).length, encoded.get(b).length));
            for (int from = 0; from < order.length; from += config.maxBatch()) {
                int to = Math.min(order.length, from + config.maxBatch());
                List<long[]> batch = new ArrayList<>(to - from);
                for (int k = from; k < to; k++) {
                    batch.add(encoded.get(order[k]));
                }
                List<float[]> vectors = run(batch);
                for (int k = from; k < to; k++) {
                    int i = missing.get(order[k]);
                    float[] v = vectors.get(k - from);
                    if (memo != null) {
                        memo.put(texts.get(i), v);
                        v = v.clone();
                    }
                    result[i] = v;
                }
            }
            return Arrays.asList(result);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The number of tokens of {@code text}, special tokens included, before any truncation. */
    public int tokenCount(String text) {
        if (text == null) {
            throw new NullPointerException("text"); // the native tokenizer would abort the JVM
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            return tokenize(text).length;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether {@code text} is longer than the window, so that its middle does not reach the vector. */
    public boolean truncates(String text) {
        if (text.length() > (long) CHARS_PER_TOKEN_BOUND * config.maxTokens()) {
            ensureOpen();
            return true;
        }
        return tokenCount(text) > config.maxTokens();
    }

    /** The token ids fed to the model for {@code text}: tokenized, special tokens added, truncated head and tail. */
    public long[] tokenIds(String text) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return encode(text);
        } finally {
            lock.readLock().unlock();
        }
    }

    private long[] encode(String text) {
        int window = config.maxTokens();
        String t = text;
        long bound = (long) CHARS_PER_TOKEN_BOUND * window;
        if (t.length() > bound) {
            int half = CHARS_PER_TOKEN_BOUND / 2 * window;
            int headEnd = half;
            if (Character.isHighSurrogate(t.charAt(headEnd - 1))) {
                headEnd--;
            }
            int tailStart = t.length() - half;
            if (Character.isLowSurrogate(t.charAt(tailStart))) {
                tailStart++;
            }
            t = t.substring(0, headEnd) + " " + t.substring(tailStart);
        }
        long[] ids = tokenize(t);
        if (ids.length <= window) {
            return ids;
        }
        int head = window / 2;
        int tail = window - head;
        long[] cut = new long[window];
        System.arraycopy(ids, 0, cut, 0, head);
        System.arraycopy(ids, ids.length - tail, cut, head, tail);
        return cut;
    }

    /**
     * The ids of {@code text}, special tokens added. Straight from DJL's native tokenizer: {@code
     * HuggingFaceTokenizer.encode} also copies out the tokens as strings, word ids, masks and character spans, which
     * cost a third of the tokenizing time and leave garbage that evicts the model from the caches.
     */
    private long[] tokenize(String text) {
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, true);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    private List<float[]> run(List<long[]> batch) {
        int n = batch.size();
        int len = 0;
        for (long[] ids : batch) {
            len = Math.max(len, ids.length);
        }
        RunBuffers buffers = spare.poll();
        if (buffers == null || buffers.tokens < n * len) {
            buffers = new RunBuffers(Math.max(n * len, config.maxTokens()), dimensions);
        }
        try {
            LongBuffer ids = buffers.ids;
            LongBuffer mask = buffers.mask;
            for (int b = 0; b < n; b++) {
                long[] row = batch.get(b);
                int at = b * len;
                ids.put(at, row);
                for (int t = 0; t < len; t++) {
                    boolean token = t < row.length;
                    mask.put(at + t, token ? 1L : 0L);
                    if (!token) {
                        ids.put(at + t, 0L);
                    }
                }
            }
            long[] shape = {n, len};
            try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids.slice(0, n * len), shape);
                 OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask.slice(0, n * len), shape);
                 OnnxTensor typesTensor = takesTokenTypes
                         ? OnnxTensor.createTensor(env, buffers.types.slice(0, n * len), shape) : null;
                 OnnxTensor hiddenTensor = OnnxTensor.createTensor(env, buffers.hidden.slice(0, n * len * dimensions),
                         new long[] {n, len, dimensions})) {
                // The output is pinned to buffers.hidden: the result owns nothing but must still be closed.
                session.run(typesTensor == null
                                ? Map.of("input_ids", idsTensor, "attention_mask", maskTensor)
                                : Map.of("input_ids", idsTensor, "attention_mask", maskTensor, "token_type_ids", typesTensor),
                        noRequestedOutputs, Map.of(outputName, hiddenTensor)).close();
                List<float[]> out = new ArrayList<>(n);
                for (int b = 0; b < n; b++) {
                    out.add(pool(buffers, b * len, batch.get(b).length));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + modelId + ": " + e.getMessage(), e);
        } finally {
            spare.offer(buffers);
        }
    }

    /** The pooled, L2-normalized vector of the sequence whose first token is row {@code firstRow} of the hidden states. */
    private float[] pool(RunBuffers buffers, int firstRow, int tokens) {
        int dims = dimensions;
        float[] v = new float[dims];
        FloatBuffer hidden = buffers.hidden;
        if (config.model().pooling() == Pooling.CLS) {
            hidden.get(firstRow * dims, v, 0, dims);
        } else {
            float[] row = buffers.row;
            for (int t = 0; t < tokens; t++) {
                hidden.get((firstRow + t) * dims, row, 0, dims);
                for (int d = 0; d < dims; d++) {
                    v[d] += row[d];
                }
            }
            // Dividing by the token count would cancel out in the normalization below.
        }
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float inv = norm == 0 ? 0f : (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < dims; d++) {
            v[d] *= inv;
        }
        return v;
    }

    /**
     * Direct, native-order buffers for one run: ONNX Runtime reads the inputs and writes the hidden states in place, with
     * no copy on either side. {@code types} stays all zeros. Used by one call at a time.
     */
    private static final class RunBuffers {
        final int tokens;
        final LongBuffer ids;
        final LongBuffer mask;
        final LongBuffer types;
        final FloatBuffer hidden;
        final float[] row;

        RunBuffers(int tokens, int dimensions) {
            this.tokens = tokens;
            this.ids = direct(8L * tokens).asLongBuffer();
            this.mask = direct(8L * tokens).asLongBuffer();
            this.types = direct(8L * tokens).asLongBuffer();
            this.hidden = direct(4L * tokens * dimensions).asFloatBuffer();
            this.row = new float[dimensions];
        }

        private static ByteBuffer direct(long bytes) {
            return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("OnnxEmbedder(" + modelId + ") is closed");
        }
    }

    /** Releases the ONNX session and the tokenizer; waits for calls in progress; idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(session);
            tokenizer.close();
            spare.clear();
            if (memo != null) {
                memo.invalidateAll();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            // Nothing left to release that the caller could act on.
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder(" + config.model() + ", window " + config.maxTokens() + ", " + config.intraOpThreads()
                + " thread(s))";
    }
}
