/** dev.junction.plugin.gemini (filled by its issue). */
package dev.junction.plugin.gemini;
