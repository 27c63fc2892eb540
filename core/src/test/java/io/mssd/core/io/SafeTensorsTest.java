package io.mssd.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** safetensors: round trip, and every malformed file is an error naming the field, allocating nothing large. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesOrderShapesValuesAndMetadata() throws Exception {
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        t.put("FeatureExtractor/Conv2d_0/weights", new SafeTensors.Entry(new int[] {2, 1, 1, 3}, new float[] {1, -2, 3.5f, 0, Float.MIN_VALUE, 7}));
        t.put("b", new SafeTensors.Entry(new int[] {2}, new float[] {0.25f, -0f}));
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, t, Map.of("format", "pt"));
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, SafeTensors.Entry> r = SafeTensors.read(f, meta);
        assertEquals(java.util.List.of("FeatureExtractor/Conv2d_0/weights", "b"), java.util.List.copyOf(r.keySet()));
        assertArrayEquals(new int[] {2, 1, 1, 3}, r.get("FeatureExtractor/Conv2d_0/weights").shape());
        assertArrayEquals(t.get("FeatureExtractor/Conv2d_0/weights").values(), r.get("FeatureExtractor/Conv2d_0/weights").values());
        assertEquals("pt", meta.get("format"));
        assertEquals(0, (8 + ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()) % 8, "data aligned to 8");
    }

    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    static String error(byte[] bytes) {
        return assertThrows(ModelFormatException.class, () -> SafeTensors.read(bytes, "w.safetensors", new LinkedHashMap<>())).getMessage();
    }

    @Test
    void malformedFilesNameWhatIsWrong() {
        assertTrue(error(new byte[5]).contains("header length"));
        byte[] huge = file("{}", 0);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        assertTrue(error(huge).contains("header length"));
        assertTrue(error(file("{not json", 0)).contains("malformed JSON"));
        assertTrue(error(file("[1,2]", 0)).contains("JSON object"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2)).contains("dtype"));
        // truncated: the offsets point past the data
        String e = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8));
        assertTrue(e.contains("tensor 'a'") && e.contains("truncated"), e);
        // a shape that claims more values than the file can hold is refused before allocating
        e = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,4]}}", 4));
        assertTrue(e.contains("shape"), e);
        e = error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertTrue(e.contains("8 bytes for 3"), e);
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)).contains("out of range"));
        assertTrue(error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4)).contains("whole number"));
    }
}
