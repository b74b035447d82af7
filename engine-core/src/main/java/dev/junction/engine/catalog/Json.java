package dev.junction.engine.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;

/** Shared JSON plumbing for the catalog readers: one mapper, strict number and field access. */
final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    static JsonNode parse(byte[] bytes, String origin) throws InvalidCatalogException {
        if (bytes.length == 0) {
            throw new InvalidCatalogException(origin + ": empty document");
        }
        try {
            JsonNode root = MAPPER.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                throw new InvalidCatalogException(origin + ": empty document");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new InvalidCatalogException(origin + ": malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()), e);
        } catch (java.io.IOException e) {
            throw new InvalidCatalogException(origin + ": unreadable JSON: " + e.getMessage(), e);
        }
    }

    /** Dollars per token to dollars per million tokens, exact in decimal (3e-06 becomes 3.0, not 2.9999999999999996). */
    static double perToken2perMillion(double perToken) {
        if (!Double.isFinite(perToken)) {
            return perToken; // infinite or NaN: the Prices check rejects it with the value in the message
        }
        return new BigDecimal(Double.toString(perToken)).movePointRight(6).doubleValue();
    }

    /** A decimal string or number of dollars per token, as dollars per million tokens. */
    static double perToken2perMillion(String perToken) {
        return new BigDecimal(perToken.trim()).movePointRight(6).doubleValue();
    }
}
