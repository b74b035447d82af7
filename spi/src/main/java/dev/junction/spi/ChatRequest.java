package dev.junction.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A provider-neutral chat request: what OpenAI, Anthropic and Gemini can all carry.
 *
 * <p>Build one with {@link #of(List)} and the {@code with*} methods; every instance is immutable.
 *
 * @param messages        the conversation, oldest first; system messages may appear anywhere but usually first
 * @param tools           tools the model may call
 * @param toolChoice      how tools may be used; null means the provider's default (auto when tools are given)
 * @param responseFormat  the answer's shape
 * @param sampling        sampling settings
 * @param maxOutputTokens the cap on generated tokens, or null for the model's own limit
 * @param stop            stop sequences
 * @param tenantId        the tenant the request is made for (budgets, cache isolation), or null
 * @param userId          the end user, passed to providers that accept one, or null
 * @param metadata        free-form tags carried to audit records and providers that accept them
 */
public record ChatRequest(List<Message> messages, List<ToolDefinition> tools, ToolChoice toolChoice,
                          ResponseFormat responseFormat, SamplingParameters sampling, Integer maxOutputTokens,
                          List<String> stop, String tenantId, String userId, Map<String, String> metadata) {
    public ChatRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        tools = tools == null ? List.of() : List.copyOf(tools);
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
        sampling = sampling == null ? SamplingParameters.DEFAULTS : sampling;
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be >= 1, was " + maxOutputTokens);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static ChatRequest of(List<Message> messages) {
        return new ChatRequest(messages, List.of(), null, ResponseFormat.TEXT, SamplingParameters.DEFAULTS, null,
                List.of(), null, null, Map.of());
    }

    public static ChatRequest ofUser(String text) {
        return of(List.of(Message.user(text)));
    }

    public ChatRequest withMessages(List<Message> messages) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    public ChatRequest withTools(List<ToolDefinition> tools, ToolChoice toolChoice) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    public ChatRequest withResponseFormat(ResponseFormat responseFormat) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    public ChatRequest withSampling(SamplingParameters sampling) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    public ChatRequest withMaxOutputTokens(Integer maxOutputTokens) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    public ChatRequest withStop(List<String> stop) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    public ChatRequest withTenant(String tenantId, String userId) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    public ChatRequest withMetadata(Map<String, String> metadata) {
        return new ChatRequest(messages, tools, toolChoice, responseFormat, sampling, maxOutputTokens, stop, tenantId, userId, metadata);
    }

    /** The text of the last user message, or {@code ""} when there is none. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role() == Role.USER) {
                return m.text();
            }
        }
        return "";
    }
}
