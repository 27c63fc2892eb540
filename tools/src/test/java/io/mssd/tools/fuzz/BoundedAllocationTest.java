package io.mssd.tools.fuzz;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.ProtoWire;
import io.mssd.core.io.SafeTensors;
import io.mssd.core.io.TfjsWeights;
import io.mssd.core.io.onnx.OnnxModel;
import io.mssd.core.io.tflite.TfliteModel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small files that claim huge tensors are refused before anything is allocated for them: the bytes
 * the reading thread allocates stay far below what the claim would need (HotSpot's per-thread
 * allocation counter).
 */
class BoundedAllocationTest {
    static final long LIMIT = 64L << 20;

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    static void refusedCheaply(String what, org.junit.jupiter.api.function.Executable read) {
        long before = allocated();
        assertThrows(ModelFormatException.class, read, what);
        long used = allocated() - before;
        assertTrue(used < LIMIT, what + ": allocated " + used + " bytes before refusing");
    }

    @Test
    void claimsOfGigabytesCostKilobytes() throws Exception {
        // TF.js: 500 M float32 values described, 8 bytes of shard
        byte[] manifest = "[{\"paths\":[\"s.bin\"],\"weights\":[{\"name\":\"w\",\"shape\":[500000000],\"dtype\":\"float32\"}]}]"
                .getBytes(StandardCharsets.UTF_8);
        refusedCheaply("tfjs", () -> TfjsWeights.read("m.json", new ByteArrayInputStream(manifest), p -> new byte[8]));
        // ONNX: a 16384 x 16384 float initializer with 40 bytes of raw data
        ProtoWire.Writer t = new ProtoWire.Writer().varint(1, 16384).varint(1, 16384).varint(2, 1).string(8, "W").bytes(9, new byte[40]);
        ProtoWire.Writer g = new ProtoWire.Writer().message(5, t);
        byte[] onnx = new ProtoWire.Writer().varint(1, 7).message(7, g).message(8, new ProtoWire.Writer().varint(2, 11)).toByteArray();
        refusedCheaply("onnx", () -> OnnxModel.parse(onnx, "m.onnx"));
        // safetensors: a header describing 2^40 floats
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1048576,1048576],\"data_offsets\":[0,16]}}";
        java.nio.ByteBuffer st = java.nio.ByteBuffer.allocate(8 + header.length() + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        st.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        refusedCheaply("safetensors", () -> SafeTensors.read(st.array(), "m.safetensors", new java.util.LinkedHashMap<>()));
        // TFLite: the embedded model with its buffers vector claiming 2^31 - 16 entries (what the fuzzer found)
        byte[] model;
        try (InputStream in = getClass().getResourceAsStream("/io/mssd/ssd/models/coco-ssd-mobilenetv1/detect.tflite")) {
            model = in.readAllBytes();
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(model).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int root = bb.getInt(0), vtable = root - bb.getInt(root), field = root + bb.getShort(vtable + 4 + 2 * 4); // Model.buffers
        bb.putInt(field + bb.getInt(field), 0x7ffffff0);
        refusedCheaply("tflite", () -> TfliteModel.parse(model, "m.tflite"));
    }
}
