/**
 * The {@code gemini} provider plugin: {@link dev.junction.plugin.gemini.GeminiPlugin}.
 */
package dev.junction.plugin.gemini;
