/**
 * The Junction server and command line: an application module, so it exports nothing.
 */
module dev.junction.server {
    requires dev.junction.engine;
    requires dev.junction.embeddings;
    requires dev.junction.cache;
    requires info.picocli;
    requires io.helidon.webserver;
    requires io.helidon.http;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires io.github.resilience4j.ratelimiter;
    requires org.slf4j;
    requires jdk.httpserver;
    requires java.logging;

    opens dev.junction.server.cli to info.picocli;
}
