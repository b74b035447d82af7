/**
 * Junction's service provider interface: the normalized chat model, streaming events, provider plugins, model
 * descriptors, the error taxonomy and the engine's other extension points. JDK only.
 */
module dev.junction.spi {
    exports dev.junction.spi;

    uses dev.junction.spi.ProviderPlugin;
}
