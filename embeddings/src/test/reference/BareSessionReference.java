import ai.onnxruntime.*;
import java.nio.file.*;
import java.util.*;
// Independent reference: bare ONNX Runtime session on token ids from a Python WordPiece implementation; pooling in double.
public class BareSessionReference {
  public static void main(String[] a) throws Exception {
    String model = a[0]; boolean cls = a[1].equals("cls");
    String idsJson = Files.readString(Path.of(a[2])).trim();
    idsJson = idsJson.substring(2, idsJson.length() - 2);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions())) {
      System.err.println(s.getInputNames() + " " + s.getOutputNames());
      StringBuilder out = new StringBuilder("[");
      for (String row : idsJson.split("\\], \\[")) {
        long[] ids = Arrays.stream(row.split(", ")).mapToLong(Long::parseLong).toArray();
        long[][] in = {ids}; long[][] mask = {new long[ids.length]}; Arrays.fill(mask[0], 1); long[][] tt = {new long[ids.length]};
        Map<String, OnnxTensor> m = new HashMap<>();
        m.put("input_ids", OnnxTensor.createTensor(env, in)); m.put("attention_mask", OnnxTensor.createTensor(env, mask));
        if (s.getInputNames().contains("token_type_ids")) m.put("token_type_ids", OnnxTensor.createTensor(env, tt));
        try (OrtSession.Result r = s.run(m)) {
          float[][][] h = (float[][][]) r.get(0).getValue();
          double[] v = new double[h[0][0].length];
          if (cls) for (int d = 0; d < v.length; d++) v[d] = h[0][0][d];
          else { for (float[] t : h[0]) for (int d = 0; d < v.length; d++) v[d] += t[d]; for (int d = 0; d < v.length; d++) v[d] /= h[0].length; }
          double n = 0; for (double x : v) n += x * x; n = Math.sqrt(n);
          if (out.length() > 1) out.append(",");
          out.append("[");
          for (int d = 0; d < v.length; d++) out.append(d == 0 ? "" : ",").append((float) (v[d] / n));
          out.append("]");
        }
      }
      System.out.println(out.append("]"));
    }
  }
}
