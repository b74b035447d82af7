package dev.junction.server.http;

import dev.junction.spi.ChatRequest;

/**
 * A chat-completions request as read off the wire.
 *
 * @param request      the normalized request
 * @param model        the model field as sent ({@code junction/auto} routes, anything else pins)
 * @param stream       whether the client asked for server-sent events
 * @param includeUsage whether a streamed answer ends with a usage chunk ({@code stream_options.include_usage})
 * @param intent       the {@code intent} body object, or null when absent
 */
record ParsedChatRequest(ChatRequest request, String model, boolean stream, boolean includeUsage,
                         com.fasterxml.jackson.databind.JsonNode intent) {
}
