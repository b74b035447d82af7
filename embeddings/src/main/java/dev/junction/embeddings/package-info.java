/**
 * Local sentence embeddings: {@link dev.junction.embeddings.OnnxEmbedder} (ONNX Runtime + HuggingFace tokenizers), its
 * configuration and the bundled models.
 */
package dev.junction.embeddings;
