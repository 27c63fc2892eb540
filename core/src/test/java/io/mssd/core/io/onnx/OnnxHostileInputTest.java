package io.mssd.core.io.onnx;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.ProtoWire;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Broken ONNX files end in one ModelFormatException naming the file and what is wrong; nothing else escapes. */
class OnnxHostileInputTest {

    static OnnxWriter small() {
        return new OnnxWriter(11).input("x", 1, 2, 3, 3).output("y")
                .floats("W", new float[36], 2, 2, 3, 3).floats("B", new float[] {1, 2}, 2)
                .node("Conv", "x,W,B", "c", "pads", new long[] {1, 1, 1, 1}).node("Relu", "c", "y");
    }

    static String message(byte[] bytes) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxNetworkImporter.compile(OnnxModel.parse(bytes, "bad.onnx")));
        assertTrue(e.getMessage().startsWith("bad.onnx: "), e.getMessage());
        return e.getMessage();
    }

    static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
    }

    /** Parse and compile either succeed or throw the format error. */
    static void survives(byte[] bytes, String what) {
        try {
            OnnxNetworkImporter.compile(OnnxModel.parse(bytes, "bad.onnx"));
        } catch (ModelFormatException expected) {
            // fine
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(what + ": " + e, e);
        }
    }

    @Test
    void everyTruncationIsAFormatError() {
        byte[] ok = small().bytes();
        OnnxNetworkImporter.compile(OnnxModel.parse(ok, "ok.onnx"));
        for (int n = 0; n < ok.length; n++) survives(java.util.Arrays.copyOf(ok, n), "truncated to " + n + " bytes");
        contains(message(java.util.Arrays.copyOf(ok, ok.length / 2)), "bad.onnx");
    }

    @Test
    void randomByteChangesNeverEscapeAsOtherErrors() {
        Random rnd = new Random(Long.getLong("mssd.seed", 11));
        for (int i = 0; i < Integer.getInteger("mssd.mutations", 20000); i++) {
            byte[] b = (i % 2 == 0 ? small().bytes() : TinySsd.bytes()).clone();
            for (int k = 1 + rnd.nextInt(4); k > 0; k--) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            survives(b, "mutation " + i);
        }
    }

    @Test
    void aTensorClaimingMoreDataThanTheFileHolds() {
        ProtoWire.Writer t = new ProtoWire.Writer().varint(1, 2).varint(1, 2).varint(1, 3).varint(1, 3).varint(2, OnnxTensor.FLOAT)
                .string(8, "W").bytes(9, new byte[40]);
        byte[] bad = new OnnxWriter(11).input("x", 1, 2, 3, 3).output("c").raw(t).node("Conv", "x,W", "c").bytes();
        contains(message(bad), "W", "144 bytes of raw_data", "holds 40");
        // 2^40 values: refused before anything is allocated
        ProtoWire.Writer huge = new ProtoWire.Writer().varint(1, 1L << 20).varint(1, 1L << 20).varint(2, OnnxTensor.FLOAT).string(8, "W")
                .bytes(9, new byte[8]);
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("c").raw(huge).node("Conv", "x,W", "c").bytes()),
                "W", "more than 2^31");
        ProtoWire.Writer longs = new ProtoWire.Writer().varint(1, 1 << 30).varint(2, OnnxTensor.INT64).string(8, "shape")
                .packedVarints(7, new long[] {1, 2});
        contains(message(new OnnxWriter(13).input("x", 1, 2, 3, 3).output("y").raw(longs).node("Reshape", "x,shape", "y").bytes()),
                "shape", "need 1073741824 values");
    }

    @Test
    void wrongTypesCyclesUndefinedValuesAndUnsupportedOperators() {
        ProtoWire.Writer str = new ProtoWire.Writer().varint(1, 1).varint(2, OnnxTensor.STRING).string(8, "W");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("c").raw(str).node("Conv", "x,W", "c").bytes()),
                "W", "data type string is not supported");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("b").node("Relu", "x,b", "a").node("Add", "a,x", "c")
                .node("Add", "c,x", "b").node("Relu", "b", "a2").bytes()), "cycle");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("y").node("Add", "x,nothing", "y").bytes()),
                "Add_y", "'nothing'", "no node, initializer or input defines");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("y").node("LSTM", "x", "a").node("Foo", "a", "b")
                .node("Relu", "b", "y").bytes()), "unsupported operators: Foo, LSTM");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("y").node("Relu", "x", "a").node("Relu", "x", "a").bytes()),
                "'a' is defined twice");
    }

    @Test
    void shapesThatDoNotAgree() {
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("y").floats("k", new float[4], 4).node("Add", "x,k", "y").bytes()),
                "Add_y", "do not broadcast");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("c").floats("W", new float[27], 1, 3, 3, 3)
                .node("Conv", "x,W", "c").bytes()), "Conv_c", "do not fit an input of 2 channels");
        contains(message(new OnnxWriter(13).input("x", 1, 2, 3, 3).output("y").longs("s", 5, -1).node("Reshape", "x,s", "y").bytes()),
                "Reshape_y", "cannot reshape");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("y").node("Concat", "x,x", "y").bytes()), "has no axis");
        contains(message(new OnnxWriter(11).input("x", 1, 2, 3, 3).output("y").node("Transpose", "x", "y", "perm", new long[] {0, 1, 2})
                .bytes()), "perm");
        // a symbolic image size cannot be planned
        contains(message(new OnnxWriter(11).input("x", 1, 3, -1, -1).output("y").node("Relu", "x", "y").bytes()), "not fixed");
    }
}
