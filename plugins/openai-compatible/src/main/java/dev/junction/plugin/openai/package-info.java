/** dev.junction.plugin.openai (filled by its issue). */
package dev.junction.plugin.openai;
