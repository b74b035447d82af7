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
