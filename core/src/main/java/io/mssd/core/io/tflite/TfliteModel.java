package io.mssd.core.io.tflite;

import com.google.flatbuffers.FlexBuffers;
import io.mssd.core.io.ModelFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow Lite model (flatbuffer, schema "TFL3"): the first subgraph's tensors with shapes,
 * types, per-tensor quantisation and constant data, and its operators with builtin options or the
 * custom op's FlexBuffer options. Field numbers follow tensorflow/lite/schema/schema.fbs.
 */
public final class TfliteModel {

    /** TensorType values. */
    public static final int FLOAT32 = 0, INT32 = 2, UINT8 = 3, INT64 = 4, INT8 = 9;

    public record Quantization(float scale, long zeroPoint) {
        public float dequantize(int q) {
            return (float) ((q - zeroPoint) * (double) scale);
        }
    }

    /** data: the constant buffer (little-endian), or null for activations. */
    public record Tensor(int index, String name, int[] shape, int type, Quantization quantization, ByteBuffer data) {
        public int count() {
            int n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    /** builtin: the BuiltinOperator code (32 = CUSTOM); options: the builtin options table or null. */
    public record Operator(int index, int builtin, String customCode, int[] inputs, int[] outputs, Options options,
                           Map<String, Object> customOptions) {}

    /** A builtin options table, read by field index (lazily: a field pointing outside the file is a format error then). */
    public static final class Options {
        private final FlatTable t;
        private final String file;

        Options(FlatTable t, String file) {
            this.t = t;
            this.file = file;
        }

        private ModelFormatException outside(int field) {
            return new ModelFormatException(file, "operator options", "field " + field + " lies outside the file (corrupt model)");
        }

        public int getInt(int field, int dflt) {
            try {
                return t.getInt(field, dflt);
            } catch (IndexOutOfBoundsException e) {
                throw outside(field);
            }
        }

        public int getByte(int field, int dflt) {
            try {
                return t.getByte(field, dflt);
            } catch (IndexOutOfBoundsException e) {
                throw outside(field);
            }
        }

        public int[] ints(int field) {
            try {
                return t.ints(field);
            } catch (IndexOutOfBoundsException e) {
                throw outside(field);
            }
        }
    }

    private final String file;
    private final List<Tensor> tensors;
    private final List<Operator> operators;
    private final int[] inputs, outputs;

    private TfliteModel(String file, List<Tensor> tensors, List<Operator> operators, int[] inputs, int[] outputs) {
        this.file = file;
        this.tensors = tensors;
        this.operators = operators;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    public static TfliteModel read(Path path) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path.toString(), null, "file not found");
        }
        return parse(bytes, path.toString());
    }

    public static TfliteModel parse(byte[] bytes, String file) {
        if (bytes.length < 8 || bytes[4] != 'T' || bytes[5] != 'F' || bytes[6] != 'L' || bytes[7] != '3') {
            throw new ModelFormatException(file, null, "not a TensorFlow Lite model (no TFL3 identifier)");
        }
        try {
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            FlatTable model = FlatTable.root(bb);
            int nBuffers = model.vectorLength(4);
            List<ByteBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < nBuffers; i++) {
                FlatTable b = model.tableAt(4, i);
                if (b.has(1) && b.getLong(1, 0) > 1) {
                    throw new ModelFormatException(file, "buffers[" + i + "]", "data stored outside the flatbuffer (offset/size) is not supported");
                }
                buffers.add(b.bytes(0));
            }
            List<Integer> codes = new ArrayList<>();
            List<String> customCodes = new ArrayList<>();
            for (int i = 0; i < model.vectorLength(1); i++) {
                FlatTable oc = model.tableAt(1, i);
                int deprecated = oc.getByte(0, 0), builtin = oc.getInt(3, 0);
                codes.add(Math.max(deprecated, builtin));
                customCodes.add(oc.string(1));
            }
            if (model.vectorLength(2) < 1) throw new ModelFormatException(file, "subgraphs", "the model has no subgraph");
            FlatTable g = model.tableAt(2, 0);
            List<Tensor> tensors = new ArrayList<>();
            for (int i = 0; i < g.vectorLength(0); i++) {
                FlatTable t = g.tableAt(0, i);
                String name = t.string(3);
                int[] shape = t.ints(0);
                long count = 1;
                for (int d : shape) {
                    count *= Math.max(d, 0);
                    if (d < 0 || count > Integer.MAX_VALUE / 8) {
                        throw new ModelFormatException(file, "tensor '" + name + "'", "shape " + java.util.Arrays.toString(shape) + " is not valid");
                    }
                }
                int type = t.getByte(1, 0);
                int buffer = t.getInt(2, 0);
                Quantization q = null;
                FlatTable qt = t.table(4);
                if (qt != null) {
                    float[] scale = qt.floats(2);
                    long[] zp = qt.longs(3);
                    if (scale.length > 1) {
                        throw new ModelFormatException(file, "tensor '" + name + "'", "per-channel quantisation (" + scale.length
                                + " scales) is not supported");
                    }
                    if (scale.length == 1) q = new Quantization(scale[0], zp.length > 0 ? zp[0] : 0);
                }
                if (buffer < 0 || buffer >= buffers.size()) {
                    throw new ModelFormatException(file, "tensor '" + name + "'", "refers to buffer " + buffer + " of " + buffers.size());
                }
                ByteBuffer data = buffers.get(buffer);
                tensors.add(new Tensor(i, name, shape, type, q, data != null && data.capacity() > 0 ? data : null));
            }
            List<Operator> ops = new ArrayList<>();
            for (int i = 0; i < g.vectorLength(3); i++) {
                FlatTable o = g.tableAt(3, i);
                int opcode = o.getInt(0, 0);
                if (opcode < 0 || opcode >= codes.size()) throw new ModelFormatException(file, "operators[" + i + "]", "bad opcode index " + opcode);
                FlatTable opts = o.table(4);
                Map<String, Object> custom = null;
                ByteBuffer co = o.bytes(5);
                if (co != null) custom = flex(co, file, i);
                ops.add(new Operator(i, codes.get(opcode), customCodes.get(opcode), o.ints(1), o.ints(2),
                        opts == null ? null : new Options(opts, file), custom));
            }
            return new TfliteModel(file, tensors, ops, g.ints(1), g.ints(2));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            if (e instanceof ModelFormatException mfe) throw mfe;
            String why = e instanceof IndexOutOfBoundsException
                    ? "a table or vector lies past the end of the " + bytes.length + "-byte file" : e.getMessage();
            throw new ModelFormatException(file, null, "truncated or corrupt flatbuffer: " + why);
        }
    }

    private static Map<String, Object> flex(ByteBuffer b, String file, int op) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            byte[] copy = new byte[b.remaining()]; // FlexBuffers reads the backing array from index 0
            b.duplicate().get(copy);
            FlexBuffers.Map m = FlexBuffers.getRoot(ByteBuffer.wrap(copy)).asMap();
            FlexBuffers.KeyVector keys = m.keys();
            for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i).toString();
                FlexBuffers.Reference r = m.get(k);
                if (r.isBoolean()) out.put(k, r.asBoolean());
                else if (r.isFloat()) out.put(k, r.asFloat());
                else if (r.isIntOrUInt()) out.put(k, (double) r.asLong());
                else if (r.isString()) out.put(k, r.asString());
                else out.put(k, r.toString());
            }
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "operators[" + op + "].custom_options", "unreadable FlexBuffer map: " + e.getMessage());
        }
        return out;
    }

    public String file() {
        return file;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    /** Tensor i; an index the file got wrong is a format error naming it. */
    public Tensor tensor(int i) {
        if (i < 0 || i >= tensors.size()) throw new ModelFormatException(file, "tensors", "index " + i + " is outside 0.." + (tensors.size() - 1));
        return tensors.get(i);
    }

    public List<Operator> operators() {
        return operators;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public int[] outputs() {
        return outputs.clone();
    }

    /** A constant tensor dequantised to float (uint8 / int8 affine, int32 with its scale, float32 as is). */
    public float[] dequantize(Tensor t) {
        if (t.data() == null) throw new ModelFormatException(file, "tensor '" + t.name() + "'", "is not a constant");
        int n = t.count();
        ByteBuffer d = t.data();
        int size = switch (t.type()) {
            case UINT8, INT8 -> 1;
            case INT32, FLOAT32 -> 4;
            default -> throw new ModelFormatException(file, "tensor '" + t.name() + "'", "type " + t.type() + " is not supported");
        };
        if (d.capacity() < (long) n * size) {
            throw new ModelFormatException(file, "tensor '" + t.name() + "'", "buffer holds " + d.capacity() + " bytes, shape "
                    + java.util.Arrays.toString(t.shape()) + " needs " + (long) n * size + " (truncated file?)");
        }
        float[] out = new float[n];
        Quantization q = t.quantization();
        for (int i = 0; i < n; i++) {
            switch (t.type()) {
                case FLOAT32 -> out[i] = d.getFloat(i * 4);
                case UINT8 -> out[i] = q == null ? (d.get(i) & 0xff) : q.dequantize(d.get(i) & 0xff);
                case INT8 -> out[i] = q == null ? d.get(i) : q.dequantize(d.get(i));
                default -> out[i] = q == null ? d.getInt(i * 4) : (float) (d.getInt(i * 4) * (double) q.scale());
            }
        }
        return out;
    }
}
