/** dev.junction.plugin.anthropic (filled by its issue). */
package dev.junction.plugin.anthropic;
