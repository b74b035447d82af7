/** dev.junction.embeddings (filled by its issue). */
package dev.junction.embeddings;
