/** Offline training of the quality predictor with Deeplearning4j; never on the engine's or server's class path. */
module dev.junction.training {
    requires dev.junction.embeddings;
    requires deeplearning4j.nn;
    requires nd4j.api;
    requires org.apache.commons.csv;
}
