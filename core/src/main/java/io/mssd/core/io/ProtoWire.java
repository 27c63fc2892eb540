package io.mssd.core.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The protobuf binary wire format, as much as Caffe and ONNX files need: varints, fixed32/64 and
 * length-delimited fields, for reading and (in tests and tools) writing.
 */
public final class ProtoWire {
    public static final int VARINT = 0, FIXED64 = 1, LENGTH = 2, FIXED32 = 5;

    /** A cursor over a message's bytes [pos, end). */
    public static final class Reader {
        final byte[] buf;
        int pos;
        final int end;

        public Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        public boolean more() {
            return pos < end;
        }

        public long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) throw new IllegalStateException("truncated varint at byte " + pos);
                byte b = buf[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) return v;
            }
            throw new IllegalStateException("malformed varint at byte " + pos);
        }

        /** Next tag: field number << 3 | wire type. */
        public int tag() {
            return (int) varint();
        }

        public Reader sub() {
            long len = varint();
            if (len < 0 || len > end - pos) throw new IllegalStateException("field of " + len + " bytes at byte " + pos
                    + " runs past the end of its message (" + end + "): truncated file?");
            Reader r = new Reader(buf, pos, (int) (pos + len));
            pos += (int) len;
            return r;
        }

        public String string() {
            Reader r = sub();
            return new String(buf, r.pos, r.end - r.pos, java.nio.charset.StandardCharsets.UTF_8);
        }

        public float fixed32Float() {
            need(4);
            float f = ByteBuffer.wrap(buf, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
            pos += 4;
            return f;
        }

        public double fixed64Double() {
            need(8);
            double d = ByteBuffer.wrap(buf, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble();
            pos += 8;
            return d;
        }

        private void need(int n) {
            if (pos + n > end) throw new IllegalStateException("truncated value at byte " + pos);
        }

        public void skip(int wireType) {
            switch (wireType) {
                case VARINT -> varint();
                case FIXED64 -> {
                    need(8);
                    pos += 8;
                }
                case LENGTH -> sub();
                case FIXED32 -> {
                    need(4);
                    pos += 4;
                }
                default -> throw new IllegalStateException("unknown wire type " + wireType + " at byte " + pos);
            }
        }

        public int position() {
            return pos;
        }

        /** Bytes left in this message. */
        public int remaining() {
            return end - pos;
        }

        /** The next length-delimited field's bytes, as a view into the buffer (no copy). */
        public java.nio.ByteBuffer bytesView() {
            Reader r = sub();
            return ByteBuffer.wrap(buf, r.pos, r.end - r.pos).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Appends fields to a byte buffer. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer varint(int field, long v) {
            rawVarint(((long) field << 3) | VARINT);
            rawVarint(v);
            return this;
        }

        public Writer bytes(int field, byte[] b) {
            rawVarint(((long) field << 3) | LENGTH);
            rawVarint(b.length);
            out.writeBytes(b);
            return this;
        }

        public Writer string(int field, String s) {
            return bytes(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public Writer fixed32(int field, float v) {
            rawVarint(((long) field << 3) | FIXED32);
            int bits = Float.floatToRawIntBits(v);
            for (int i = 0; i < 4; i++) out.write((bits >>> (8 * i)) & 0xff);
            return this;
        }

        public Writer message(int field, Writer m) {
            return bytes(field, m.toByteArray());
        }

        public Writer packedFloats(int field, float[] v) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) b.putFloat(f);
            return bytes(field, b.array());
        }

        public Writer packedVarints(int field, long[] v) {
            Writer w = new Writer();
            for (long x : v) w.rawVarint(x);
            return bytes(field, w.toByteArray());
        }

        private void rawVarint(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    private ProtoWire() {}
}
