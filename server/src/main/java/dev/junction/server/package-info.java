/** dev.junction.server (filled by its issue). */
package dev.junction.server;
