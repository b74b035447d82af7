/**
 * The {@code openai-compatible} provider plugin: {@link dev.junction.plugin.openai.OpenAiCompatiblePlugin}.
 */
package dev.junction.plugin.openai;
