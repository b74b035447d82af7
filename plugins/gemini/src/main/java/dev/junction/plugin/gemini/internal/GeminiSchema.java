package dev.junction.plugin.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.plugin.common.Json;
import dev.junction.plugin.common.TextMemo;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates a JSON Schema into Gemini's {@code Schema} (an OpenAPI 3.0 subset): types become the API's enum names,
 * {@code "type": ["x", "null"]} becomes {@code nullable}, {@code const} becomes a one-value {@code enum}, and
 * keywords with no meaning there ({@code $schema}, {@code additionalProperties: false}) are dropped. Keywords it
 * cannot express are refused with {@link IllegalArgumentException} naming the path. Stateless.
 */
public final class GeminiSchema {
    private static final Set<String> COPIED = Set.of("format", "title", "description", "nullable", "enum", "maxItems",
            "minItems", "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example",
            "propertyOrdering", "default", "minimum", "maximum");
    private static final Set<String> DROPPED = Set.of("$schema", "$id", "$comment", "strict", "examples", "additionalProperties");
    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "array", "object");

    /** Translated schemas (or why one cannot be translated) by their JSON text: agent loops resend the same tools. */
    private static final TextMemo CACHE = new TextMemo(512, 16_384);

    private GeminiSchema() {
    }

    /**
     * The Gemini schema for JSON Schema text, memoized with its refusal if it has one (see {@link TextMemo}). The
     * returned node is shared: callers only write it out, never modify it.
     */
    public static ObjectNode convertText(String jsonSchema, String what) {
        ObjectNode parsed = Json.sharedObject(jsonSchema, what); // refuses non-objects under the caller's label
        Object known = CACHE.get(jsonSchema, t -> convert(parsed));
        if (known instanceof ObjectNode converted) {
            return converted;
        }
        throw new IllegalArgumentException((String) known);
    }

    /** The Gemini schema for a JSON Schema object. */
    public static ObjectNode convert(JsonNode schema) {
        return convert(schema, "$");
    }

    private static ObjectNode convert(JsonNode schema, String path) {
        if (schema == null || !schema.isObject()) {
            throw new IllegalArgumentException("schema at " + path + " must be an object");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            switch (key) {
                case "type" -> writeType(out, value, path);
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    for (Map.Entry<String, JsonNode> p : value.properties()) {
                        props.set(p.getKey(), convert(p.getValue(), path + "." + p.getKey()));
                    }
                }
                case "items" -> out.set("items", convert(value, path + "[]"));
                case "anyOf" -> {
                    ArrayNode any = out.putArray("anyOf");
                    int i = 0;
                    for (JsonNode alt : value) {
                        any.add(convert(alt, path + ".anyOf[" + i++ + "]"));
                    }
                }
                case "const" -> out.putArray("enum").add(stringEnumValue(value, path));
                case "enum" -> {
                    ArrayNode values = out.putArray("enum");
                    for (JsonNode v : value) {
                        values.add(stringEnumValue(v, path));
                    }
                }
                default -> {
                    if (key.equals("additionalProperties") && value.isObject()) {
                        throw new IllegalArgumentException("Gemini schemas cannot constrain additionalProperties (at " + path + ")");
                    }
                    if (COPIED.contains(key)) {
                        out.set(key, value);
                    } else if (!DROPPED.contains(key)) {
                        throw new IllegalArgumentException("Gemini schemas do not support \"" + key + "\" (at " + path + ")");
                    }
                }
            }
        }
        return out;
    }

    /** Schema.enum is a list of strings: a number, boolean or null value cannot be sent. */
    private static JsonNode stringEnumValue(JsonNode value, String path) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("Gemini schemas allow only string enum values, not " + value + " (at " + path + ")");
        }
        return value;
    }

    private static void writeType(ObjectNode out, JsonNode type, String path) {
        if (type.isTextual()) {
            out.put("type", typeName(type.asText(), path));
            return;
        }
        if (type.isArray()) {
            String single = null;
            boolean nullable = false;
            for (JsonNode t : type) {
                if ("null".equals(t.asText())) {
                    nullable = true;
                } else if (single == null) {
                    single = t.asText();
                } else {
                    throw new IllegalArgumentException("Gemini schemas allow one type plus null (at " + path + ")");
                }
            }
            if (single != null) {
                out.put("type", typeName(single, path));
            }
            if (nullable) {
                out.put("nullable", true);
            }
            return;
        }
        throw new IllegalArgumentException("bad type at " + path);
    }

    private static String typeName(String type, String path) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("Gemini schemas do not support type \"" + type + "\" (at " + path + ")");
        }
        return type.toUpperCase(Locale.ROOT);
    }
}
