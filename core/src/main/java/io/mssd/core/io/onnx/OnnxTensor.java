package io.mssd.core.io.onnx;

import java.util.Arrays;

/**
 * A tensor from an ONNX file (an initializer, a Constant's value, a tensor attribute): its name,
 * ONNX data type and dims, with float types held as {@code floats} and integer types as {@code longs}.
 */
public record OnnxTensor(String name, int dataType, long[] dims, float[] floats, long[] longs) {
    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8,
            BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13;

    public boolean isFloat() {
        return floats != null;
    }

    public long size() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** Value i as a long (float values truncated toward zero, as ONNX Cast does). */
    public long longAt(int i) {
        return floats != null ? (long) floats[i] : longs[i];
    }

    /** Value i as a float. */
    public float floatAt(int i) {
        return floats != null ? floats[i] : (float) longs[i];
    }

    public long[] toLongs() {
        if (longs != null) return longs.clone();
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) l[i] = (long) floats[i];
        return l;
    }

    public float[] toFloats() {
        if (floats != null) return floats.clone();
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) f[i] = longs[i];
        return f;
    }

    public static String typeName(int t) {
        return switch (t) {
            case FLOAT -> "float32"; case UINT8 -> "uint8"; case INT8 -> "int8"; case UINT16 -> "uint16"; case INT16 -> "int16";
            case INT32 -> "int32"; case INT64 -> "int64"; case STRING -> "string"; case BOOL -> "bool"; case FLOAT16 -> "float16";
            case DOUBLE -> "float64"; case UINT32 -> "uint32"; case UINT64 -> "uint64"; case 16 -> "bfloat16";
            default -> "type " + t;
        };
    }

    @Override
    public String toString() {
        return name + " " + typeName(dataType) + Arrays.toString(dims);
    }
}
