package dev.junction.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
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
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Thread-safe: one instance serves all threads. Owns native memory: {@link #close()} it; any call after close
 * throws {@link IllegalStateException}.
 */
public final class OnnxEmbedder implements Embedder {

    static {
        DjlOffline.apply();
    }

    private static final int CHARS_PER_TOKEN_BOUND = 16;

    private final OnnxEmbedderConfig config;
    private final String modelId;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final String outputName;
    private final boolean takesTokenTypes;
    private final int dimensions;
    private final Cache<String, float[]> memo;
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
            long[] shape = ((TensorInfo) out.getValue().getInfo()).getShape();
            if (shape.length != 3 || shape[2] < 1) {
                throw new IllegalArgumentException("model " + model.id() + ": first output " + outputName
                        + " must be [batch, tokens, dimensions], is " + Arrays.toString(shape));
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
        // embedder pads per batch and truncates head-and-tail itself.
        Map<String, String> options = Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true");
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
        lock.readLock().lock();
        try {
            ensureOpen();
            return tokenizer.encode(text).getIds().length;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether {@code text} is longer than the window, so that its middle does not reach the vector. */
    public boolean truncates(String text) {
        return text.length() > (long) CHARS_PER_TOKEN_BOUND * config.maxTokens() || tokenCount(text) > config.maxTokens();
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
        Encoding encoding = tokenizer.encode(t);
        long[] ids = encoding.getIds();
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

    private List<float[]> run(List<long[]> batch) {
        int n = batch.size();
        int len = 0;
        for (long[] ids : batch) {
            len = Math.max(len, ids.length);
        }
        long[] ids = new long[n * len];
        long[] mask = new long[n * len];
        for (int b = 0; b < n; b++) {
            long[] row = batch.get(b);
            System.arraycopy(row, 0, ids, b * len, row.length);
            Arrays.fill(mask, b * len, b * len + row.length, 1L);
        }
        long[] shape = {n, len};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (takesTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * len]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                List<float[]> out = new ArrayList<>(n);
                for (int b = 0; b < n; b++) {
                    out.add(pool(hidden, b, len, batch.get(b).length));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + modelId + ": " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
        }
    }

    private float[] pool(FloatBuffer hidden, int b, int len, int tokens) {
        int dims = dimensions;
        float[] v = new float[dims];
        int base = b * len * dims;
        if (config.model().pooling() == Pooling.CLS) {
            hidden.get(base, v, 0, dims);
        } else {
            float[] row = new float[dims];
            for (int t = 0; t < tokens; t++) {
                hidden.get(base + t * dims, row, 0, dims);
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
