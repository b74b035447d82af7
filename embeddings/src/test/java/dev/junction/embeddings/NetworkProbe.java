package dev.junction.embeddings;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/** The child JVM of {@link NetworkFreeTest}: does one thing, prints {@code ok}. */
public final class NetworkProbe {

    private NetworkProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "embedder" -> {
                try (OnnxEmbedder e = new OnnxEmbedder()) {
                    e.embed("Does loading and embedding open a connection?");
                    e.embedAll(List.of("one", "two"));
                }
                try (OnnxEmbedder e = new OnnxEmbedder(OnnxEmbedderConfig.custom().model(EmbeddingModel.BGE_SMALL_EN_V15_Q).build())) {
                    e.embed("and with the other model?");
                }
            }
            case "bare-djl" -> {
                // Control: DJL's tokenizer without Junction's opt-out, to show what the test would catch.
                try (InputStream in = NetworkProbe.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json");
                     HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(in, Map.of())) {
                    t.encode("hello");
                }
            }
            case "socket" -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("169.254.169.254", 80), 200);
                } catch (java.io.IOException expected) {
                    // Only the attempt matters; say how it ended, for a trace that shows none.
                    System.out.println("socket: " + expected);
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("ok");
    }
}
