package dev.junction.spi;

/**
 * The shape the answer must take.
 *
 * @param type       plain text, any JSON object, or JSON matching a schema
 * @param schemaName the schema's name (OpenAI requires one) when {@code type} is JSON_SCHEMA
 * @param jsonSchema the JSON Schema as JSON text when {@code type} is JSON_SCHEMA, else null
 * @param strict     whether the provider should enforce the schema exactly
 */
public record ResponseFormat(Type type, String schemaName, String jsonSchema, boolean strict) {
    public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null, null, false);

    public ResponseFormat {
        if (type == null) {
            throw new IllegalArgumentException("a response format needs a type");
        }
        if ((type == Type.JSON_SCHEMA) != (jsonSchema != null)) {
            throw new IllegalArgumentException("jsonSchema is required with JSON_SCHEMA and only with it, was " + type);
        }
    }

    public static ResponseFormat jsonSchema(String name, String jsonSchema) {
        return new ResponseFormat(Type.JSON_SCHEMA, name == null ? "response" : name, jsonSchema, true);
    }

    /** The response-format kinds. */
    public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }
}
