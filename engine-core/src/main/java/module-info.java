module dev.junction.engine {
    requires transitive dev.junction.spi;
    requires com.fasterxml.jackson.databind;
    requires io.github.resilience4j.circuitbreaker;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    // Optional: the router vectorizes its selection loop only when the module is in the boot layer.
    requires static jdk.incubator.vector;
    requires transitive micrometer.core;
    requires transitive java.net.http;
    exports dev.junction.engine;
    uses dev.junction.spi.ProviderPlugin;
    uses dev.junction.spi.Embedder;
    uses dev.junction.spi.QualityPredictor;
    exports dev.junction.engine.catalog;
}
