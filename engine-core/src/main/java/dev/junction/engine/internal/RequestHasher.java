package dev.junction.engine.internal;

import dev.junction.spi.ChatRequest;
import dev.junction.spi.ContentPart;
import dev.junction.spi.Message;
import dev.junction.spi.Role;
import dev.junction.spi.SamplingParameters;
import dev.junction.spi.ToolCall;
import dev.junction.spi.ToolDefinition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes requests into cache keys: the namespace (tenant, system prompt, tools, response format, sampling, embedder
 * model, and the conversation around the last user turn's text) and the exact key (the whole canonical request).
 *
 * <p>Every field is written with a type tag and a length prefix, so different requests cannot collide by
 * concatenation. Stateless and thread-safe.
 */
public final class RequestHasher {
    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RequestHasher() {
    }

    /**
     * The cache namespace: what must be equal for two requests' answers to be interchangeable. The semantic tier
     * compares only the last user turn's text, so everything else is here: the earlier turns, the tool calls and
     * results (after that turn too, in an agent loop), and that turn's images. Without them "What is its population?"
     * after a conversation about Paris would be served the answer given after one about Rome, and "What is in this
     * picture?" one picture's answer for another's.
     */
    public static String namespace(String tenantId, ChatRequest r, String embedderModelId) {
        MessageDigest d = digest();
        put(d, "ns1");
        put(d, tenantId);
        put(d, embedderModelId);
        for (Message m : r.messages()) {
            if (m.role() == Role.SYSTEM) {
                put(d, m.text());
            }
        }
        put(d, "tools");
        for (ToolDefinition t : r.tools()) {
            put(d, t.name());
            put(d, t.description());
            put(d, t.parametersJsonSchema());
            put(d, t.strict() ? "strict" : "lax");
        }
        put(d, r.toolChoice() == null ? null : r.toolChoice().toString());
        put(d, r.responseFormat().type().name());
        put(d, r.responseFormat().schemaName());
        put(d, r.responseFormat().jsonSchema());
        SamplingParameters s = r.sampling();
        put(d, s.temperature() + "|" + s.topP() + "|" + s.topK() + "|" + s.seed() + "|" + s.presencePenalty()
                + "|" + s.frequencyPenalty());
        put(d, "context");
        int lastUser = -1;
        for (int i = r.messages().size() - 1; i >= 0 && lastUser < 0; i--) {
            if (r.messages().get(i).role() == Role.USER) {
                lastUser = i;
            }
        }
        for (int i = 0; i < r.messages().size(); i++) {
            Message m = r.messages().get(i);
            if (m.role() != Role.SYSTEM) {
                putMessage(d, m, i != lastUser);
            }
        }
        return hex(d);
    }

    /** The exact key: the namespace plus every message, the output cap and the stop sequences. */
    public static String exactKey(String namespace, ChatRequest r) {
        MessageDigest d = digest();
        put(d, "ex1");
        put(d, namespace);
        for (Message m : r.messages()) {
            putMessage(d, m, true);
        }
        put(d, String.valueOf(r.maxOutputTokens()));
        for (String s : r.stop()) {
            put(d, s);
        }
        return hex(d);
    }

    /** One message: role, name, tool-call id, its parts (text parts only {@code withText}) and tool calls. */
    private static void putMessage(MessageDigest d, Message m, boolean withText) {
        put(d, m.role().name());
        put(d, m.name());
        put(d, m.toolCallId());
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Text t) {
                if (withText) {
                    put(d, "t");
                    put(d, t.text());
                }
            } else if (p instanceof ContentPart.Image i) {
                put(d, "i");
                put(d, i.url());
                put(d, i.mediaType());
                put(d, i.base64Data());
                put(d, i.detail());
            }
        }
        for (ToolCall c : m.toolCalls()) {
            put(d, c.id());
            put(d, c.name());
            put(d, c.argumentsJson());
        }
    }

    private static MessageDigest digest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest is not cloneable", e);
        }
    }

    private static void put(MessageDigest d, String s) {
        if (s == null) {
            d.update((byte) 0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.update((byte) 1);
        int n = b.length;
        d.update((byte) (n >>> 24));
        d.update((byte) (n >>> 16));
        d.update((byte) (n >>> 8));
        d.update((byte) n);
        d.update(b);
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest(), 0, 16);
    }
}
