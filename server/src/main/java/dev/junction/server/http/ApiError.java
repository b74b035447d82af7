package dev.junction.server.http;

import java.io.Serial;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered to the client in OpenAI's error format: {@code {"error":{"message","type","param","code"}}}.
 *
 * <p>Thrown anywhere in request handling; the server turns it into the response. Messages never contain provider
 * keys or the caller's own key.
 */
public final class ApiError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final transient Map<String, String> headers;

    public ApiError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, Map.of());
    }

    public ApiError(int status, String type, String code, String param, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = Map.copyOf(new LinkedHashMap<>(headers));
    }

    /** 400 {@code invalid_request_error} naming the offending parameter. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", null, param, message);
    }

    /** 401 for a missing or unknown virtual key. */
    public static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The request parameter at fault, or null. */
    public String param() {
        return param;
    }

    /** A machine-readable code, or null. */
    public String code() {
        return code;
    }

    /** Extra response headers (e.g. {@code retry-after}). */
    public Map<String, String> headers() {
        return headers;
    }
}
