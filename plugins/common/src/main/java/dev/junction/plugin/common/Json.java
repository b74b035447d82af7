package dev.junction.plugin.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON plumbing the plugins share: one {@link ObjectMapper}, generator-based body writing and null-safe tree
 * reads. Thread-safe.
 */
public final class Json {
    /** The shared mapper; configured once, never mutated after. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** The shared factory for streaming generators and parsers. */
    public static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Distinct texts {@link #sharedObject} remembers before it forgets them all. */
    static final int SHARED_LIMIT = 256;
    /** Longer texts are parsed every time, so the memo holds at most {@value #SHARED_LIMIT} times this many chars. */
    static final int SHARED_MAX_CHARS = 16_384;
    /** By text: the parsed {@link ObjectNode}, or why it is not one (the message after its {@code what}). */
    private static final TextMemo SHARED = new TextMemo(SHARED_LIMIT, SHARED_MAX_CHARS);

    private Json() {
    }

    /** Writes a JSON document with a streaming generator. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** Serializes with a streaming generator into a byte array. */
    public static byte[] write(int sizeHint, Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses a tree. */
    public static JsonNode read(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    /** Parses a tree from text. */
    public static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a JSON object text, or throws {@link IllegalArgumentException} naming what it was for. */
    public static ObjectNode object(String text, String what) {
        JsonNode n;
        try {
            n = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return o;
    }

    /**
     * {@link #object}, remembered per distinct text: {@code validate} runs for every candidate of every request and
     * agent loops send the same tool schemas each call, so each text is parsed once. Refusals are remembered too and
     * throw the same message (without the parser exception as cause). The returned node is shared between threads:
     * read it, never modify it. Bounded: texts over {@value #SHARED_MAX_CHARS} chars are not kept, and after
     * {@value #SHARED_LIMIT} distinct texts the memo is cleared.
     */
    public static ObjectNode sharedObject(String text, String what) {
        Object known = remembered(text);
        if (known instanceof ObjectNode o) {
            return o;
        }
        throw new IllegalArgumentException(what + known);
    }

    /**
     * Null when text is a JSON object, else why not, worded to follow the name of what it is ("... must be a JSON
     * object"); remembered like {@link #sharedObject}, so the caller builds its message only on refusal.
     */
    public static String notAnObject(String text) {
        return remembered(text) instanceof String problem ? problem : null;
    }

    private static Object remembered(String text) {
        return SHARED.get(text, t -> object(t, ""));
    }


    /** The text at {@code node.field}, or null. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The number at the path of fields, or 0. */
    public static long count(JsonNode node, String... path) {
        JsonNode cur = node;
        for (String p : path) {
            if (cur == null) {
                return 0;
            }
            cur = cur.get(p);
        }
        return cur == null || !cur.canConvertToLong() ? 0 : Math.max(0, cur.asLong());
    }

    /** Writes a field holding JSON text as-is when it parses, so tool arguments and schemas round-trip exactly. */
    public static void writeRawJsonField(JsonGenerator g, String field, String json) throws IOException {
        g.writeFieldName(field);
        g.writeRawValue(json);
    }
}
