package dev.junction.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.spi.ModelDescriptor;

import java.util.List;

/**
 * The catalog document formats Junction reads.
 *
 * <ul>
 *   <li>{@link #JUNCTION}: Junction's own format, the one the shipped default catalog uses; every figure names its
 *       source and date (see {@code default-catalog.json} beside {@link DefaultCatalog}).</li>
 *   <li>{@link #LITELLM}: the {@code model_prices_and_context_window.json} format LiteLLM and many gateways keep
 *       (prices per token, {@code mode}, {@code supports_*} flags). Only {@code mode: chat} entries are imported.</li>
 *   <li>{@link #OPENROUTER}: the JSON answer of OpenRouter's {@code GET /api/v1/models}; every model is imported
 *       under provider {@code openrouter} with OpenRouter's id ({@code openai/gpt-4o}) as the model id.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless.
 */
public enum CatalogFormat {
    JUNCTION {
        @Override
        CatalogImport read(JsonNode root, String origin) throws InvalidCatalogException {
            return JunctionFormat.read(root, origin);
        }
    },
    LITELLM {
        @Override
        CatalogImport read(JsonNode root, String origin) throws InvalidCatalogException {
            return LiteLlmFormat.read(root, origin);
        }
    },
    OPENROUTER {
        @Override
        CatalogImport read(JsonNode root, String origin) throws InvalidCatalogException {
            return OpenRouterFormat.read(root, origin);
        }
    };

    /** Marks a rejection caused by a reader bug rather than by the document (the fuzz test looks for it). */
    static final String INTERNAL_ERROR = "internal error";

    abstract CatalogImport read(JsonNode root, String origin) throws InvalidCatalogException;

    /**
     * Reads a document in this format and validates the result (at least one model, unique ids).
     *
     * @param json   the document, UTF-8
     * @param origin where it came from, used in every error message
     * @throws InvalidCatalogException naming the origin, the entry and the reason when the document is not usable
     */
    public CatalogImport parse(byte[] json, String origin) throws InvalidCatalogException {
        CatalogImport result;
        try {
            result = read(Json.parse(json, origin), origin);
        } catch (RuntimeException e) {
            // A reader bug must still be a clean rejection: the previous snapshot stays in force.
            throw new InvalidCatalogException(origin + ": " + INTERNAL_ERROR + " while reading as " + this + ": " + e, e);
        }
        CatalogValidation.requireUsable(result.models(), origin);
        return result;
    }

    /**
     * Guesses the format of a document: an object with {@code "format": "junction-catalog"} is {@link #JUNCTION},
     * an object with a {@code data} array is {@link #OPENROUTER}, an object whose entries carry
     * {@code litellm_provider} is {@link #LITELLM}.
     *
     * @throws InvalidCatalogException when the document is malformed or matches none of them
     */
    public static CatalogFormat detect(byte[] json, String origin) throws InvalidCatalogException {
        JsonNode root = Json.parse(json, origin);
        if (root.isObject()) {
            if (JunctionFormat.FORMAT_NAME.equals(root.path("format").asText(null))) {
                return JUNCTION;
            }
            if (root.path("data").isArray()) {
                return OPENROUTER;
            }
            for (JsonNode entry : root) {
                if (entry.isObject() && entry.has("litellm_provider")) {
                    return LITELLM;
                }
            }
        }
        throw new InvalidCatalogException(origin + ": not a catalog in a known format (expected \"format\": \""
                + JunctionFormat.FORMAT_NAME + "\", an OpenRouter {\"data\": [...]} answer, or LiteLLM entries with"
                + " \"litellm_provider\")");
    }

    /** Reads a document after {@linkplain #detect detecting} its format. */
    public static CatalogImport parseAny(byte[] json, String origin) throws InvalidCatalogException {
        return detect(json, origin).parse(json, origin);
    }

    /**
     * Writes models in Junction's format (without source annotations): the inverse of {@link #JUNCTION}'s reader,
     * for exporting an imported catalog or producing an override file.
     */
    public static String toJunctionJson(List<ModelDescriptor> models) {
        return JunctionFormat.write(models);
    }
}
