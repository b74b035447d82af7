/**
 * The compatibility test kit every provider plugin extends: {@link dev.junction.plugin.testkit.ProviderPluginContract}
 * runs the plugin against {@link dev.junction.plugin.testkit.LoopbackProviderServer}, which replays the plugin's
 * fixture files over real HTTP on 127.0.0.1.
 */
package dev.junction.plugin.testkit;
