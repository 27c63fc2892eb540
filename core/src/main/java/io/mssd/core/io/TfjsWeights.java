package io.mssd.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow.js weights: a weights manifest (a JSON array of groups {paths, weights}) or a
 * model.json (an object whose "weightsManifest" is that array), plus the binary shards the paths
 * name, concatenated in manifest order. Supports float32 and int32 entries and the uint8 / uint16
 * affine quantisation (value = q * scale + min) and float16 quantisation.
 */
public final class TfjsWeights {
    private final String source;
    private final Map<String, WeightTensor> tensors;

    private TfjsWeights(String source, Map<String, WeightTensor> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Reads a manifest or model.json from disk; shards are resolved relative to its folder. */
    public static TfjsWeights read(Path manifest) throws IOException {
        Path dir = manifest.toAbsolutePath().getParent();
        try (InputStream in = Files.newInputStream(manifest)) {
            return read(manifest.toString(), in, name -> {
                Path p = dir.resolve(name);
                try {
                    return Files.readAllBytes(p);
                } catch (NoSuchFileException e) {
                    throw new ModelFormatException(manifest.toString(), "paths", "weights shard '" + name
                            + "' is missing (looked for " + p + ")");
                }
            });
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(manifest.toString(), null, "file not found");
        }
    }

    /** Supplies a shard's bytes by the name the manifest gives. */
    @FunctionalInterface
    public interface ShardSource {
        byte[] bytes(String path) throws IOException;
    }

    public static TfjsWeights read(String source, InputStream manifest, ShardSource shards) throws IOException {
        JsonElement root;
        try {
            root = JsonParser.parseReader(new InputStreamReader(manifest, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new ModelFormatException(source, null, "not valid JSON: " + e.getMessage(), e);
        }
        JsonArray groups;
        if (root.isJsonArray()) {
            groups = root.getAsJsonArray();
        } else if (root.isJsonObject() && root.getAsJsonObject().has("weightsManifest")
                && root.getAsJsonObject().get("weightsManifest").isJsonArray()) {
            groups = root.getAsJsonObject().getAsJsonArray("weightsManifest");
        } else {
            throw new ModelFormatException(source, null, "expected a weights manifest (JSON array) or a model.json with a"
                    + " \"weightsManifest\" array");
        }
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            String at = "weightsManifest[" + g + "]";
            JsonObject group = object(source, at, groups.get(g));
            JsonArray paths = array(source, at + ".paths", group.get("paths"));
            JsonArray weights = array(source, at + ".weights", group.get("weights"));
            List<byte[]> parts = new ArrayList<>();
            int total = 0;
            for (int i = 0; i < paths.size(); i++) {
                byte[] b = shards.bytes(string(source, at + ".paths[" + i + "]", paths.get(i)));
                parts.add(b);
                total += b.length;
            }
            ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            for (byte[] b : parts) buf.put(b);
            buf.flip();
            for (int i = 0; i < weights.size(); i++) {
                String wat = at + ".weights[" + i + "]";
                WeightTensor t = decode(source, wat, object(source, wat, weights.get(i)), buf, total);
                out.put(t.name(), t);
            }
            if (buf.hasRemaining()) {
                throw new ModelFormatException(source, at, "shards hold " + total + " bytes but the manifest describes "
                        + buf.position() + ": manifest and weights do not belong together");
            }
        }
        return new TfjsWeights(source, out);
    }

    private static WeightTensor decode(String source, String at, JsonObject w, ByteBuffer buf, int total) {
        String name = string(source, at + ".name", w.get("name"));
        JsonArray shapeJson = array(source, at + ".shape", w.get("shape"));
        int[] shape = new int[shapeJson.size()];
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            JsonElement e = shapeJson.get(d);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsInt() < 0) {
                throw new ModelFormatException(source, at + ".shape", "expected non-negative integers, got " + shapeJson);
            }
            shape[d] = e.getAsInt();
            count *= shape[d];
            if (count > Integer.MAX_VALUE) throw new ModelFormatException(source, name, "is too large: shape " + shapeJson);
        }
        if (count > Integer.MAX_VALUE / 4) throw new ModelFormatException(source, name, "is too large: " + count + " values");
        int n = (int) count;
        String dtype = string(source, at + ".dtype", w.get("dtype"));
        if (!dtype.equals("float32") && !dtype.equals("int32")) {
            throw new ModelFormatException(source, name, "dtype '" + dtype + "' is not supported (float32, int32)");
        }
        JsonElement q = w.get("quantization");
        float[] v;
        if (q != null && !q.isJsonNull()) {
            JsonObject qo = object(source, at + ".quantization", q);
            String qd = string(source, at + ".quantization.dtype", qo.get("dtype"));
            switch (qd) {
                case "uint8", "uint16" -> {
                    double scale = number(source, at + ".quantization.scale", qo.get("scale"));
                    double min = number(source, at + ".quantization.min", qo.get("min"));
                    int bytes = qd.equals("uint8") ? 1 : 2;
                    need(source, name, buf, (long) n * bytes, total); // before allocating: the shard must hold them
                    v = new float[n];
                    for (int i = 0; i < n; i++) {
                        int raw = bytes == 1 ? (buf.get() & 0xff) : (buf.getShort() & 0xffff);
                        v[i] = (float) (raw * scale + min);
                    }
                }
                case "float16" -> {
                    need(source, name, buf, (long) n * 2, total);
                    v = new float[n];
                    for (int i = 0; i < n; i++) v[i] = halfToFloat(buf.getShort());
                }
                default -> throw new ModelFormatException(source, name, "quantization dtype '" + qd
                        + "' is not supported (uint8, uint16, float16)");
            }
        } else {
            need(source, name, buf, (long) n * 4, total);
            v = new float[n];
            if (dtype.equals("float32")) {
                for (int i = 0; i < n; i++) v[i] = buf.getFloat();
            } else {
                for (int i = 0; i < n; i++) v[i] = buf.getInt();
            }
        }
        return new WeightTensor(name, shape, v);
    }

    private static void need(String source, String name, ByteBuffer buf, long bytes, int total) {
        if (buf.remaining() < bytes) {
            throw new ModelFormatException(source, name, "needs " + bytes + " bytes at offset " + buf.position()
                    + " but the weight shards hold only " + total + " bytes (truncated file?)");
        }
    }

    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        if (exp == 0) return Float.intBitsToFloat(sign) + (sign != 0 ? -1 : 1) * mant * 0x1p-24f;
        if (exp == 31) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static JsonObject object(String source, String at, JsonElement e) {
        if (e == null || !e.isJsonObject()) throw new ModelFormatException(source, at, "expected an object, got " + e);
        return e.getAsJsonObject();
    }

    private static JsonArray array(String source, String at, JsonElement e) {
        if (e == null || !e.isJsonArray()) throw new ModelFormatException(source, at, "expected an array, got " + e);
        return e.getAsJsonArray();
    }

    private static String string(String source, String at, JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ModelFormatException(source, at, "expected a string, got " + e);
        }
        return e.getAsString();
    }

    private static double number(String source, String at, JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new ModelFormatException(source, at, "expected a number, got " + e);
        }
        return e.getAsDouble();
    }

    public String source() {
        return source;
    }

    public Map<String, WeightTensor> tensors() {
        return tensors;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The named tensor, or an error naming the file and the missing tensor. */
    public WeightTensor get(String name) {
        WeightTensor t = tensors.get(name);
        if (t == null) throw new ModelFormatException(source, name, "tensor is missing from the manifest");
        return t;
    }

    public WeightTensor get(String name, int... shape) {
        return get(name).requireShape(source, shape);
    }
}
