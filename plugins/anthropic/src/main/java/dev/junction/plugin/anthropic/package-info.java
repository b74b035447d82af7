/**
 * The {@code anthropic} provider plugin: {@link dev.junction.plugin.anthropic.AnthropicPlugin}.
 */
package dev.junction.plugin.anthropic;
