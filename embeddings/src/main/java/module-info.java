/**
 * Local ONNX sentence embeddings, the difficulty/quality predictor that drives routing, and the router evaluation.
 */
module dev.junction.embeddings {
    requires transitive dev.junction.spi;
    requires com.microsoft.onnxruntime;
    requires ai.djl.tokenizers;
    requires ai.djl.api;
    requires com.github.benmanes.caffeine;
    requires org.apache.commons.csv;
    requires com.fasterxml.jackson.databind;
    requires jdk.incubator.vector;

    exports dev.junction.embeddings;
    exports dev.junction.embeddings.quality;
    exports dev.junction.embeddings.eval;

    provides dev.junction.spi.Embedder with dev.junction.embeddings.OnnxEmbedder;
    provides dev.junction.spi.QualityPredictor with dev.junction.embeddings.quality.IrtQualityPredictor;
}
