package dev.junction.engine.internal;

import dev.junction.spi.ChatRequest;
import dev.junction.spi.ContentPart;
import dev.junction.spi.Message;
import dev.junction.spi.ToolDefinition;
import dev.junction.spi.Usage;

/**
 * Estimates a request's prompt length in tokens without a tokenizer: about four characters per token, plus a small
 * per-message overhead and a flat cost per image.
 *
 * <p>Stateless and thread-safe. Good enough for context-window checks and cost estimates; reported usage replaces
 * it for billing.
 */
public final class TokenEstimator {
    /** Tokens added per message for role markers: 4. */
    public static final int PER_MESSAGE = 4;
    /** Tokens counted per image: 765 (a 1024×1024 image at high detail on OpenAI). */
    public static final int PER_IMAGE = 765;

    private TokenEstimator() {
    }

    /**
     * The usage to charge for an answer that came without any: the prompt's estimate, and {@code outputChars}
     * characters of answer (text and tool-call arguments) at about four characters a token.
     */
    public static Usage estimateUsage(ChatRequest request, long outputChars) {
        return Usage.of(estimate(request), (outputChars + 3) / 4);
    }

    public static int estimate(ChatRequest request) {
        long chars = 0;
        int tokens = 0;
        for (int i = 0; i < request.messages().size(); i++) {
            Message m = request.messages().get(i);
            tokens += PER_MESSAGE;
            for (int j = 0; j < m.content().size(); j++) {
                ContentPart part = m.content().get(j);
                if (part instanceof ContentPart.Text t) {
                    chars += t.text().length();
                } else {
                    tokens += PER_IMAGE;
                }
            }
            for (int j = 0; j < m.toolCalls().size(); j++) {
                chars += m.toolCalls().get(j).name().length() + m.toolCalls().get(j).argumentsJson().length();
            }
        }
        for (ToolDefinition tool : request.tools()) {
            chars += tool.name().length() + tool.parametersJsonSchema().length()
                    + (tool.description() == null ? 0 : tool.description().length());
        }
        if (request.responseFormat().jsonSchema() != null) {
            chars += request.responseFormat().jsonSchema().length();
        }
        return (int) Math.min(Integer.MAX_VALUE, tokens + (chars + 3) / 4);
    }
}
