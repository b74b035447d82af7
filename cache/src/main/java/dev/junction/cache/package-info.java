/** dev.junction.cache (filled by its issue). */
package dev.junction.cache;
