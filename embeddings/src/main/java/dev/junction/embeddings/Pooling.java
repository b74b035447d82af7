package dev.junction.embeddings;

/** How a sentence vector is made from the model's per-token output. */
public enum Pooling {
    /** The mean of the token vectors, padding excluded (sentence-transformers models such as all-MiniLM-L6-v2). */
    MEAN,
    /** The first token's vector ({@code [CLS]}), as the BGE models are trained. */
    CLS
}
