/**
 * The plumbing every provider plugin shares: {@link dev.junction.plugin.common.SseParser},
 * {@link dev.junction.plugin.common.SseStreamPublisher}, {@link dev.junction.plugin.common.HttpErrors} and
 * {@link dev.junction.plugin.common.PluginHttp}. Not an API: exported only to the plugin modules.
 */
package dev.junction.plugin.common;
