package dev.junction.spi;

/** Something a model can do that a request may require. */
public enum Capability {
    /** Function/tool calling. */
    TOOLS,
    /** Structured output constrained by a JSON Schema. */
    JSON_SCHEMA,
    /** Image inputs. */
    VISION,
    /** Streamed answers. */
    STREAMING,
    /** Hidden reasoning before the answer. */
    REASONING
}
