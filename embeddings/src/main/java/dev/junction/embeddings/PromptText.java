package dev.junction.embeddings;

import dev.junction.spi.ChatRequest;
import dev.junction.spi.Message;
import dev.junction.spi.Role;

/**
 * The text of a chat request that is embedded (for the semantic cache and the quality predictor).
 *
 * <p>The last user turn: it is what the user asks now. The system prompt, tools, response format and sampling are part
 * of the cache namespace and are not embedded; earlier turns are not embedded either (a follow-up such as "and in
 * French?" is a short text whose meaning depends on them, so callers that cache multi-turn conversations should put a
 * digest of the earlier turns into the namespace). A request without a user turn embeds its last message's text.
 */
public final class PromptText {

    private PromptText() {
    }

    /** The text to embed for {@code request}; never null, possibly empty. */
    public static String of(ChatRequest request) {
        for (Message m : request.messages()) {
            if (m.role() == Role.USER) {
                return request.lastUserText(); // possibly empty (an image-only turn): still what is asked now
            }
        }
        for (int i = request.messages().size() - 1; i >= 0; i--) {
            Message m = request.messages().get(i);
            if (m.role() != Role.SYSTEM && !m.text().isEmpty()) {
                return m.text();
            }
        }
        return "";
    }
}
