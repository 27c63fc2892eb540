package io.mssd.core.io.onnx;

import io.mssd.core.io.ProtoWire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Writes small ONNX ModelProto files for tests: float32 input, nodes, float / int64 initializers. */
final class OnnxWriter {
    private final int opset;
    private final List<ProtoWire.Writer> nodes = new ArrayList<>(), inits = new ArrayList<>(), inputs = new ArrayList<>(),
            outputs = new ArrayList<>();

    OnnxWriter(int opset) {
        this.opset = opset;
    }

    OnnxWriter input(String name, long... dims) {
        inputs.add(valueInfo(name, dims));
        return this;
    }

    OnnxWriter output(String name) {
        outputs.add(valueInfo(name));
        return this;
    }

    static ProtoWire.Writer valueInfo(String name, long... dims) {
        ProtoWire.Writer shape = new ProtoWire.Writer();
        for (long d : dims) shape.message(1, new ProtoWire.Writer().varint(1, d));
        ProtoWire.Writer tensor = new ProtoWire.Writer().varint(1, 1).message(2, shape);
        return new ProtoWire.Writer().string(1, name).message(2, new ProtoWire.Writer().message(1, tensor));
    }

    static ProtoWire.Writer floatTensor(String name, float[] v, long... dims) {
        ProtoWire.Writer t = new ProtoWire.Writer();
        for (long d : dims) t.varint(1, d);
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return t.varint(2, OnnxTensor.FLOAT).string(8, name).bytes(9, b.array());
    }

    static ProtoWire.Writer longTensor(String name, long[] v, long... dims) {
        ProtoWire.Writer t = new ProtoWire.Writer();
        for (long d : dims) t.varint(1, d);
        return t.varint(2, OnnxTensor.INT64).string(8, name).packedVarints(7, v);
    }

    OnnxWriter floats(String name, float[] v, long... dims) {
        inits.add(floatTensor(name, v, dims));
        return this;
    }

    OnnxWriter longs(String name, long... v) {
        inits.add(longTensor(name, v, v.length));
        return this;
    }

    OnnxWriter raw(ProtoWire.Writer initializer) {
        inits.add(initializer);
        return this;
    }

    /** A node; attributes as ("name", value) pairs: Long, Float, long[], float[], String or a tensor writer. */
    OnnxWriter node(String op, String[] in, String[] out, Object... attrs) {
        ProtoWire.Writer n = new ProtoWire.Writer();
        for (String i : in) n.string(1, i);
        for (String o : out) n.string(2, o);
        n.string(3, op + "_" + out[0]).string(4, op);
        for (int i = 0; i < attrs.length; i += 2) {
            ProtoWire.Writer a = new ProtoWire.Writer().string(1, (String) attrs[i]);
            Object v = attrs[i + 1];
            if (v instanceof Long l) a.varint(20, 2).varint(3, l);
            else if (v instanceof Integer l) a.varint(20, 2).varint(3, l);
            else if (v instanceof Float f) a.varint(20, 1).fixed32(2, f);
            else if (v instanceof long[] l) {
                a.varint(20, 7);
                for (long x : l) a.varint(8, x);
            } else if (v instanceof float[] f) {
                a.varint(20, 6);
                for (float x : f) a.fixed32(7, x);
            } else if (v instanceof String s) a.varint(20, 3).string(4, s);
            else if (v instanceof ProtoWire.Writer t) a.varint(20, 4).message(5, t);
            else throw new IllegalArgumentException("attribute " + attrs[i]);
            n.message(5, a);
        }
        nodes.add(n);
        return this;
    }

    OnnxWriter node(String op, String in, String out, Object... attrs) {
        return node(op, in.split(","), new String[] {out}, attrs);
    }

    byte[] bytes() {
        ProtoWire.Writer g = new ProtoWire.Writer();
        for (ProtoWire.Writer n : nodes) g.message(1, n);
        g.string(2, "test");
        for (ProtoWire.Writer t : inits) g.message(5, t);
        for (ProtoWire.Writer i : inputs) g.message(11, i);
        for (ProtoWire.Writer o : outputs) g.message(12, o);
        return new ProtoWire.Writer().varint(1, 7).string(2, "mssd-test").message(7, g)
                .message(8, new ProtoWire.Writer().string(1, "").varint(2, opset)).toByteArray();
    }

    OnnxModel model() {
        return OnnxModel.parse(bytes(), "test.onnx");
    }
}
