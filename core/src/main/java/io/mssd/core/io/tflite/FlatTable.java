package io.mssd.core.io.tflite;

import com.google.flatbuffers.Table;

import java.nio.ByteBuffer;

/**
 * A flatbuffer table read by field index (the schema's declaration order, union fields counting
 * two), on flatbuffers-java's Table. TFLite's schema is applied by {@link TfliteModel}.
 */
final class FlatTable extends Table {

    static FlatTable root(ByteBuffer bb) {
        FlatTable t = new FlatTable();
        t.__reset(bb.getInt(bb.position()) + bb.position(), bb);
        return t;
    }

    private FlatTable at(int pos) {
        FlatTable t = new FlatTable();
        t.__reset(pos, bb);
        return t;
    }

    private int field(int index) {
        return __offset(4 + 2 * index);
    }

    boolean has(int index) {
        return field(index) != 0;
    }

    int getInt(int index, int dflt) {
        int o = field(index);
        return o != 0 ? bb.getInt(o + bb_pos) : dflt;
    }

    long getLong(int index, long dflt) {
        int o = field(index);
        return o != 0 ? bb.getLong(o + bb_pos) : dflt;
    }

    int getByte(int index, int dflt) {
        int o = field(index);
        return o != 0 ? bb.get(o + bb_pos) & 0xff : dflt;
    }

    float getFloat(int index, float dflt) {
        int o = field(index);
        return o != 0 ? bb.getFloat(o + bb_pos) : dflt;
    }

    boolean getBool(int index) {
        int o = field(index);
        return o != 0 && bb.get(o + bb_pos) != 0;
    }

    String string(int index) {
        int o = field(index);
        return o != 0 ? __string(o + bb_pos) : null;
    }

    FlatTable table(int index) {
        int o = field(index);
        return o != 0 ? at(__indirect(o + bb_pos)) : null;
    }

    int vectorLength(int index) {
        int o = field(index);
        return o != 0 ? checkedLength(o, 4) : 0;
    }

    /**
     * A vector's length, checked against the bytes after its start (elements of {@code size} bytes),
     * before anything is allocated for it: a corrupt length cannot ask for gigabytes.
     */
    private int checkedLength(int o, int size) {
        int n = __vector_len(o), start = __vector(o);
        if (n < 0 || start < 0 || start > bb.limit() || (long) n * size > bb.limit() - start) {
            throw new IndexOutOfBoundsException("vector of " + n + " elements at byte " + start + " runs past the end of the file");
        }
        return n;
    }

    FlatTable tableAt(int index, int i) {
        int o = field(index);
        return at(__indirect(__vector(o) + i * 4));
    }

    int[] ints(int index) {
        int o = field(index);
        if (o == 0) return new int[0];
        int n = checkedLength(o, 4), start = __vector(o);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = bb.getInt(start + i * 4);
        return out;
    }

    float[] floats(int index) {
        int o = field(index);
        if (o == 0) return new float[0];
        int n = checkedLength(o, 4), start = __vector(o);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = bb.getFloat(start + i * 4);
        return out;
    }

    long[] longs(int index) {
        int o = field(index);
        if (o == 0) return new long[0];
        int n = checkedLength(o, 8), start = __vector(o);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = bb.getLong(start + i * 8);
        return out;
    }

    /** A [ubyte] vector as a little-endian view (no copy), or null. */
    ByteBuffer bytes(int index) {
        int o = field(index);
        if (o == 0) return null;
        int n = checkedLength(o, 1), start = __vector(o);
        ByteBuffer b = bb.duplicate();
        b.position(start).limit(start + n);
        return b.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
