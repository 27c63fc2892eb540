package io.mssd.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian data. Only F32
 * tensors are read and written here. Reading checks every length and offset against the file
 * before allocating: a hostile header cannot make it allocate more than the file holds.
 */
public final class SafeTensors {
    /** Largest header accepted (the format's reference implementation uses 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    /** A float32 tensor: shape and values. */
    public record Entry(int[] shape, float[] values) {}

    private SafeTensors() {}

    /** Tensors in insertion order, plus string metadata (may be empty); written to a temporary file, then renamed. */
    public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            Entry t = e.getValue();
            long n = 1;
            for (int d : t.shape()) n *= d;
            if (n != t.values().length) throw new IllegalArgumentException("tensor " + e.getKey() + ": shape does not fit its values");
            JsonObject o = new JsonObject();
            o.addProperty("dtype", "F32");
            com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
            for (int d : t.shape()) shape.add(d);
            o.add("shape", shape);
            com.google.gson.JsonArray off = new com.google.gson.JsonArray();
            off.add(offset);
            off.add(offset + 4L * n);
            o.add("data_offsets", off);
            header.add(e.getKey(), o);
            offset += 4L * n;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // the format aligns the data to 8 bytes with spaces
        byte[] h = new byte[json.length + pad];
        System.arraycopy(json, 0, h, 0, json.length);
        java.util.Arrays.fill(h, json.length, h.length, (byte) ' ');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            out.write(len.array());
            out.write(h);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry t : tensors.values()) {
                for (float v : t.values()) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a whole file; errors name the file and the tensor or field. */
    public static Map<String, Entry> read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString(), new LinkedHashMap<>());
    }

    /** Reads the tensors and fills {@code metadata} with the header's __metadata__. */
    public static Map<String, Entry> read(Path file, Map<String, String> metadata) throws IOException {
        return read(Files.readAllBytes(file), file.toString(), metadata);
    }

    public static Map<String, Entry> read(byte[] bytes, String source, Map<String, String> metadata) {
        if (bytes.length < 8) throw new ModelFormatException(source, "header length", "file has " + bytes.length + " bytes, needs at least 8");
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > bytes.length - 8L) {
            throw new ModelFormatException(source, "header length", headerLen + " does not fit a file of " + bytes.length + " bytes");
        }
        JsonObject header;
        try {
            JsonElement el = JsonParser.parseString(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
            if (!el.isJsonObject()) throw new ModelFormatException(source, "header", "expected a JSON object");
            header = el.getAsJsonObject();
        } catch (com.google.gson.JsonParseException | IllegalStateException e) {
            throw new ModelFormatException(source, "header", "malformed JSON: " + e.getMessage(), e);
        }
        long dataStart = 8 + headerLen, dataLen = bytes.length - dataStart;
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!e.getValue().isJsonObject()) throw new ModelFormatException(source, "__metadata__", "expected an object of strings");
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    if (!m.getValue().isJsonPrimitive()) throw new ModelFormatException(source, "__metadata__." + m.getKey(), "expected a string");
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            String field = "tensor '" + name + "'";
            if (!e.getValue().isJsonObject()) throw new ModelFormatException(source, field, "expected an object with dtype, shape, data_offsets");
            JsonObject o = e.getValue().getAsJsonObject();
            JsonElement dt = o.get("dtype"), sh = o.get("shape"), off = o.get("data_offsets");
            if (dt == null || !dt.isJsonPrimitive() || !"F32".equals(dt.getAsString())) {
                throw new ModelFormatException(source, field + ".dtype", "expected \"F32\", got " + dt);
            }
            if (sh == null || !sh.isJsonArray() || sh.getAsJsonArray().size() > 8) {
                throw new ModelFormatException(source, field + ".shape", "expected an array of at most 8 sizes, got " + sh);
            }
            if (off == null || !off.isJsonArray() || off.getAsJsonArray().size() != 2) {
                throw new ModelFormatException(source, field + ".data_offsets", "expected [begin, end], got " + off);
            }
            int[] shape = new int[sh.getAsJsonArray().size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = integer(sh.getAsJsonArray().get(i), source, field + ".shape");
                if (d < 0 || d > Integer.MAX_VALUE) throw new ModelFormatException(source, field + ".shape", "size " + d + " is out of range");
                shape[i] = (int) d;
                count *= d;
                if (count > dataLen / 4 + 1) throw new ModelFormatException(source, field + ".shape", "needs more data than the file holds (file truncated?)");
            }
            long begin = integer(off.getAsJsonArray().get(0), source, field + ".data_offsets");
            long end = integer(off.getAsJsonArray().get(1), source, field + ".data_offsets");
            if (begin < 0 || end < begin || end > dataLen) {
                throw new ModelFormatException(source, field + ".data_offsets", "[" + begin + ", " + end + "] lies outside the "
                        + dataLen + " data bytes (file truncated?)");
            }
            if (end - begin != 4 * count) {
                throw new ModelFormatException(source, field + ".data_offsets", (end - begin) + " bytes for " + count + " float32 values");
            }
            float[] v = new float[(int) count];
            ByteBuffer.wrap(bytes, (int) (dataStart + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            out.put(name, new Entry(shape, v));
        }
        return out;
    }

    private static long integer(JsonElement e, String source, String field) {
        try {
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                java.math.BigDecimal d = e.getAsBigDecimal();
                return d.longValueExact();
            }
        } catch (ArithmeticException ignored) {
            // falls through to the error
        }
        throw new ModelFormatException(source, field, "expected a whole number, got " + e);
    }
}
