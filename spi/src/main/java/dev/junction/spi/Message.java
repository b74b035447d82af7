package dev.junction.spi;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role       who wrote it
 * @param content    text and image parts (empty for an assistant turn that only calls tools)
 * @param toolCalls  the tools an assistant turn calls (empty otherwise)
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers; else null
 * @param name       an optional participant or tool name
 */
public record Message(Role role, List<ContentPart> content, List<ToolCall> toolCalls, String toolCallId, String name) {
    public Message {
        Objects.requireNonNull(role, "role");
        content = content == null ? List.of() : List.copyOf(content);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (role == Role.TOOL && toolCallId == null) {
            throw new IllegalArgumentException("a tool message needs the toolCallId it answers");
        }
        if (role != Role.ASSISTANT && !toolCalls.isEmpty()) {
            throw new IllegalArgumentException("only assistant messages carry tool calls, not " + role);
        }
    }

    public static Message system(String text) {
        return new Message(Role.SYSTEM, List.of(new ContentPart.Text(text)), List.of(), null, null);
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(new ContentPart.Text(text)), List.of(), null, null);
    }

    public static Message user(List<ContentPart> parts) {
        return new Message(Role.USER, parts, List.of(), null, null);
    }

    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, List.of(new ContentPart.Text(text)), List.of(), null, null);
    }

    public static Message assistant(String text, List<ToolCall> toolCalls) {
        return new Message(Role.ASSISTANT, text == null || text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text)),
                toolCalls, null, null);
    }

    public static Message toolResult(String toolCallId, String content) {
        return new Message(Role.TOOL, List.of(new ContentPart.Text(content)), List.of(), toolCallId, null);
    }

    /** The concatenation of this message's text parts ({@code ""} when it has none). */
    public String text() {
        if (content.size() == 1 && content.get(0) instanceof ContentPart.Text t) {
            return t.text();
        }
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** Whether any part is an image. */
    public boolean hasImage() {
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Image) {
                return true;
            }
        }
        return false;
    }
}
