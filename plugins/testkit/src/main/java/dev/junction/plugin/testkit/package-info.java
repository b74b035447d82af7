/** dev.junction.plugin.testkit (filled by its issue). */
package dev.junction.plugin.testkit;
