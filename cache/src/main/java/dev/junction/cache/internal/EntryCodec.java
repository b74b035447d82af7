package dev.junction.cache.internal;

import dev.junction.spi.CacheEntry;
import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link CacheEntry} stored as a Chronicle Map value: a version byte, then every field,
 * strings as length-prefixed UTF-8 and the embedding as raw float32 (not quantized). Stateless and thread-safe.
 */
public final class EntryCodec {
    private static final byte VERSION = 1;

    private EntryCodec() {
    }

    public static byte[] encode(CacheEntry e) {
        List<byte[]> strings = new ArrayList<>();
        ChatResponse r = e.response();
        addAll(strings, e.id(), e.tenantId(), e.namespace(), e.exactKey(), e.prompt(), r.id(), r.text(),
                r.finishReason().name(), r.provider(), r.model(), r.modelVersion());
        for (ToolCall call : r.toolCalls()) {
            addAll(strings, call.id(), call.name(), call.argumentsJson());
        }
        int size = 1 + 4 + 5 * 8 + 8 + 8 + 2 * 12 + 8 + 4; // version, calls, usage, quality, cost, instants, hits, dims
        for (byte[] s : strings) {
            size += 4 + s.length;
        }
        float[] emb = e.embedding();
        size += emb == null ? 0 : emb.length * 4;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION);
        int i = 0;
        for (; i < 11; i++) {
            putString(b, strings.get(i));
        }
        b.putInt(r.toolCalls().size());
        for (; i < strings.size(); i++) {
            putString(b, strings.get(i));
        }
        Usage u = r.usage();
        b.putLong(u.inputTokens()).putLong(u.outputTokens()).putLong(u.cachedInputTokens())
                .putLong(u.cacheWriteInputTokens()).putLong(u.reasoningTokens());
        b.putDouble(e.modelQuality()).putDouble(e.costUsd());
        putInstant(b, e.createdAt());
        putInstant(b, e.expiresAt());
        b.putLong(e.hitCount());
        b.putInt(emb == null ? -1 : emb.length);
        if (emb != null) {
            for (float f : emb) {
                b.putFloat(f);
            }
        }
        if (b.hasRemaining()) {
            throw new IllegalStateException("entry size miscomputed: " + b.remaining() + " bytes left");
        }
        return b.array();
    }

    public static CacheEntry decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte version = b.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown cache entry version " + version);
            }
            String[] s = new String[11];
            for (int i = 0; i < s.length; i++) {
                s[i] = getString(b);
            }
            int calls = b.getInt();
            List<ToolCall> toolCalls = new ArrayList<>(calls);
            for (int i = 0; i < calls; i++) {
                toolCalls.add(new ToolCall(getString(b), getString(b), getString(b)));
            }
            Usage usage = new Usage(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
            double quality = b.getDouble();
            double cost = b.getDouble();
            Instant created = getInstant(b);
            Instant expires = getInstant(b);
            long hits = b.getLong();
            int dims = b.getInt();
            float[] emb = null;
            if (dims >= 0) {
                emb = new float[dims];
                for (int i = 0; i < dims; i++) {
                    emb[i] = b.getFloat();
                }
            }
            ChatResponse response = new ChatResponse(s[5], s[6], toolCalls, FinishReason.valueOf(s[7]), usage, s[8],
                    s[9], s[10]);
            return new CacheEntry(s[0], s[1], s[2], s[3], s[4], emb, response, quality, cost, created, expires, hits);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated cache entry of " + bytes.length + " bytes", e);
        }
    }

    private static void addAll(List<byte[]> out, String... values) {
        for (String v : values) {
            out.add(v.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void putString(ByteBuffer b, byte[] s) {
        b.putInt(s.length).put(s);
    }

    private static String getString(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("corrupt cache entry: string of " + n + " bytes");
        }
        String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    private static void putInstant(ByteBuffer b, Instant t) {
        b.putLong(t.getEpochSecond()).putInt(t.getNano());
    }

    private static Instant getInstant(ByteBuffer b) {
        return Instant.ofEpochSecond(b.getLong(), b.getInt());
    }
}
