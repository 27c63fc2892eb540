package io.mssd.core.io.onnx;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.io.ProtoWire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model file (ModelProto) read with the project's protobuf wire reader: the default-domain
 * opset, the main graph's nodes, initializers, inputs (with their dims; -1 where symbolic) and
 * output names. Bounded: every count and length read from the file is checked against the bytes
 * that can hold it before anything is allocated; sub-graphs (If, Loop) are not read.
 */
public record OnnxModel(String file, long irVersion, int opset, String producer, List<OnnxNode> nodes,
                        Map<String, OnnxTensor> initializers, List<ValueInfo> inputs, List<String> outputs) {

    /** A graph input or output: its name, element type and dims (-1 for a symbolic or unknown dimension). */
    public record ValueInfo(String name, int elemType, long[] dims) {}

    private static final int MAX_DIMS = 64;

    public static OnnxModel read(Path file) throws IOException {
        byte[] bytes;
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 64) {
                throw new ModelFormatException(file.toString(), null, "larger than 2 GiB: models with external data are not supported");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file.toString(), null, "file not found");
        }
        return parse(bytes, file.toString());
    }

    public static OnnxModel parse(byte[] bytes, String file) {
        try {
            return new Parser(bytes, file).model();
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            throw new ModelFormatException(file, null, "not a valid ONNX file: " + e.getMessage());
        }
    }

    private static final class Parser {
        private final byte[] bytes;
        private final String file;

        Parser(byte[] bytes, String file) {
            this.bytes = bytes;
            this.file = file;
        }

        private ModelFormatException error(String field, String problem) {
            return new ModelFormatException(file, field, problem);
        }

        OnnxModel model() {
            ProtoWire.Reader r = new ProtoWire.Reader(bytes, 0, bytes.length);
            long ir = 0;
            int opset = -1;
            String producer = "";
            ProtoWire.Reader graph = null;
            while (r.more()) {
                int tag = r.tag(), field = tag >>> 3, wire = tag & 7;
                if (field == 1 && wire == ProtoWire.VARINT) ir = r.varint();
                else if (field == 2 && wire == ProtoWire.LENGTH) producer = r.string();
                else if (field == 7 && wire == ProtoWire.LENGTH) graph = r.sub();
                else if (field == 8 && wire == ProtoWire.LENGTH) {
                    ProtoWire.Reader s = r.sub();
                    String domain = "";
                    long version = -1;
                    while (s.more()) {
                        int t = s.tag();
                        if ((t >>> 3) == 1 && (t & 7) == ProtoWire.LENGTH) domain = s.string();
                        else if ((t >>> 3) == 2 && (t & 7) == ProtoWire.VARINT) version = s.varint();
                        else s.skip(t & 7);
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) {
                        if (version < 1 || version > 1000) throw error("opset_import", "default-domain opset version " + version + " is not valid");
                        opset = (int) version;
                    }
                } else r.skip(wire);
            }
            if (graph == null) throw error("graph", "missing: not an ONNX model (ModelProto) file?");
            if (opset < 0) throw error("opset_import", "no default-domain (ai.onnx) opset is declared");
            List<OnnxNode> nodes = new ArrayList<>();
            Map<String, OnnxTensor> init = new LinkedHashMap<>();
            List<ValueInfo> inputs = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            while (graph.more()) {
                int tag = graph.tag(), field = tag >>> 3, wire = tag & 7;
                if (wire != ProtoWire.LENGTH) {
                    graph.skip(wire);
                    continue;
                }
                switch (field) {
                    case 1 -> nodes.add(node(graph.sub(), nodes.size()));
                    case 5 -> {
                        OnnxTensor t = tensor(graph.sub(), "initializer[" + init.size() + "]");
                        if (init.put(t.name(), t) != null) throw error("initializer " + t.name(), "appears twice");
                    }
                    case 11 -> inputs.add(valueInfo(graph.sub(), "input[" + inputs.size() + "]"));
                    case 12 -> outputs.add(valueInfo(graph.sub(), "output[" + outputs.size() + "]").name());
                    case 15 -> throw error("sparse_initializer", "sparse initializers are not supported");
                    default -> graph.skip(wire);
                }
            }
            return new OnnxModel(file, ir, opset, producer, List.copyOf(nodes), java.util.Collections.unmodifiableMap(init),
                    List.copyOf(inputs), List.copyOf(outputs));
        }

        private OnnxNode node(ProtoWire.Reader r, int index) {
            List<String> in = new ArrayList<>(), out = new ArrayList<>();
            String name = "", op = null, domain = "";
            Map<String, OnnxNode.Attribute> attrs = new HashMap<>();
            List<ProtoWire.Reader> attrReaders = new ArrayList<>();
            while (r.more()) {
                int tag = r.tag(), field = tag >>> 3, wire = tag & 7;
                if (wire != ProtoWire.LENGTH) {
                    r.skip(wire);
                    continue;
                }
                switch (field) {
                    case 1 -> in.add(r.string());
                    case 2 -> out.add(r.string());
                    case 3 -> name = r.string();
                    case 4 -> op = r.string();
                    case 5 -> attrReaders.add(r.sub());
                    case 7 -> domain = r.string();
                    default -> r.skip(wire);
                }
            }
            String where = "node[" + index + "]" + (name.isEmpty() ? "" : " " + name);
            if (op == null || op.isEmpty()) throw error(where, "has no op_type");
            for (ProtoWire.Reader a : attrReaders) {
                OnnxNode.Attribute at = attribute(a, where);
                if (attrs.put(at.name(), at) != null) throw error(where, "attribute " + at.name() + " appears twice");
            }
            return new OnnxNode(name, op, domain, in, out, attrs);
        }

        private OnnxNode.Attribute attribute(ProtoWire.Reader r, String where) {
            String name = null, s = null;
            int type = 0;
            float f = 0;
            long i = 0;
            OnnxTensor t = null;
            FloatList floats = new FloatList();
            LongList ints = new LongList();
            while (r.more()) {
                int tag = r.tag(), field = tag >>> 3, wire = tag & 7;
                switch (field) {
                    case 1 -> name = r.string();
                    case 20 -> type = (int) r.varint();
                    case 2 -> f = r.fixed32Float();
                    case 3 -> i = r.varint();
                    case 4 -> s = r.string();
                    case 5 -> t = tensor(r.sub(), where + " attribute " + name);
                    case 7 -> {
                        if (wire == ProtoWire.LENGTH) {
                            ProtoWire.Reader p = r.sub();
                            floats.reserve(p.remaining() / 4);
                            while (p.more()) floats.add(p.fixed32Float());
                        } else floats.add(r.fixed32Float());
                    }
                    case 8 -> {
                        if (wire == ProtoWire.LENGTH) {
                            ProtoWire.Reader p = r.sub();
                            while (p.more()) ints.add(p.varint());
                        } else ints.add(r.varint());
                    }
                    default -> r.skip(wire);
                }
            }
            if (name == null) throw error(where, "an attribute has no name");
            return new OnnxNode.Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray());
        }

        private ValueInfo valueInfo(ProtoWire.Reader r, String where) {
            String name = null;
            int elem = 0;
            LongList dims = new LongList();
            while (r.more()) {
                int tag = r.tag(), field = tag >>> 3, wire = tag & 7;
                if (field == 1 && wire == ProtoWire.LENGTH) name = r.string();
                else if (field == 2 && wire == ProtoWire.LENGTH) {
                    ProtoWire.Reader type = r.sub();
                    while (type.more()) {
                        int t = type.tag();
                        if ((t >>> 3) != 1 || (t & 7) != ProtoWire.LENGTH) {
                            type.skip(t & 7);
                            continue;
                        }
                        ProtoWire.Reader tensor = type.sub(); // TypeProto.Tensor
                        while (tensor.more()) {
                            int tt = tensor.tag();
                            if ((tt >>> 3) == 1 && (tt & 7) == ProtoWire.VARINT) elem = (int) tensor.varint();
                            else if ((tt >>> 3) == 2 && (tt & 7) == ProtoWire.LENGTH) {
                                ProtoWire.Reader shape = tensor.sub();
                                while (shape.more()) {
                                    int st = shape.tag();
                                    if ((st >>> 3) != 1 || (st & 7) != ProtoWire.LENGTH) {
                                        shape.skip(st & 7);
                                        continue;
                                    }
                                    ProtoWire.Reader dim = shape.sub();
                                    long v = -1;
                                    while (dim.more()) {
                                        int dt = dim.tag();
                                        if ((dt >>> 3) == 1 && (dt & 7) == ProtoWire.VARINT) v = dim.varint();
                                        else dim.skip(dt & 7);
                                    }
                                    if (dims.size() >= MAX_DIMS) throw error(where, "more than " + MAX_DIMS + " dimensions");
                                    dims.add(v < 0 ? -1 : v);
                                }
                            } else tensor.skip(tt & 7);
                        }
                    }
                } else r.skip(wire);
            }
            if (name == null) throw error(where, "has no name");
            return new ValueInfo(name, elem, dims.toArray());
        }

        private OnnxTensor tensor(ProtoWire.Reader r, String where) {
            LongList dims = new LongList();
            int type = 0;
            String name = "";
            ByteBuffer raw = null;
            List<ProtoWire.Reader> floatData = new ArrayList<>(), intData = new ArrayList<>(), longData = new ArrayList<>(),
                    doubleData = new ArrayList<>();
            FloatList loose = new FloatList();
            LongList looseLongs = new LongList();
            while (r.more()) {
                int tag = r.tag(), field = tag >>> 3, wire = tag & 7;
                switch (field) {
                    case 1 -> {
                        if (wire == ProtoWire.LENGTH) {
                            ProtoWire.Reader p = r.sub();
                            while (p.more()) {
                                if (dims.size() >= MAX_DIMS) throw error(where, "more than " + MAX_DIMS + " dimensions");
                                dims.add(p.varint());
                            }
                        } else {
                            if (dims.size() >= MAX_DIMS) throw error(where, "more than " + MAX_DIMS + " dimensions");
                            dims.add(r.varint());
                        }
                    }
                    case 2 -> type = (int) r.varint();
                    case 8 -> name = r.string();
                    case 9 -> raw = r.bytesView();
                    case 4 -> {
                        if (wire == ProtoWire.LENGTH) floatData.add(r.sub());
                        else loose.add(r.fixed32Float());
                    }
                    case 5 -> {
                        if (wire == ProtoWire.LENGTH) intData.add(r.sub());
                        else looseLongs.add((int) r.varint());
                    }
                    case 7 -> {
                        if (wire == ProtoWire.LENGTH) longData.add(r.sub());
                        else looseLongs.add(r.varint());
                    }
                    case 10 -> {
                        if (wire == ProtoWire.LENGTH) doubleData.add(r.sub());
                        else loose.add((float) r.fixed64Double());
                    }
                    case 14 -> {
                        if (r.varint() == 1) throw error(where + (name.isEmpty() ? "" : " " + name), "external data is not supported (save the model with its tensors inside the file)");
                    }
                    default -> r.skip(wire);
                }
            }
            String what = name.isEmpty() ? where : where + " " + name;
            if (where.startsWith("initializer") && name.isEmpty()) throw error(where, "has no name");
            long count = 1;
            long[] d = dims.toArray();
            for (long x : d) {
                if (x < 0 || x > Integer.MAX_VALUE) throw error(what, "dimension " + x + " in " + java.util.Arrays.toString(d) + " is not valid");
                count *= x;
                if (count > Integer.MAX_VALUE - 64) throw error(what, "dims " + java.util.Arrays.toString(d) + " hold more than 2^31 values");
            }
            int n = (int) count;
            boolean isFloat = type == OnnxTensor.FLOAT || type == OnnxTensor.DOUBLE;
            int elemSize = switch (type) {
                case OnnxTensor.FLOAT, OnnxTensor.INT32, OnnxTensor.UINT32 -> 4;
                case OnnxTensor.DOUBLE, OnnxTensor.INT64, OnnxTensor.UINT64 -> 8;
                case OnnxTensor.INT8, OnnxTensor.UINT8, OnnxTensor.BOOL -> 1;
                case OnnxTensor.INT16, OnnxTensor.UINT16 -> 2;
                default -> throw error(what, "data type " + OnnxTensor.typeName(type) + " is not supported (float32, float64 and integer tensors are)");
            };
            if (raw != null) {
                if ((long) n * elemSize != raw.remaining()) {
                    throw error(what, "dims " + java.util.Arrays.toString(d) + " of " + OnnxTensor.typeName(type) + " need " + (long) n * elemSize
                            + " bytes of raw_data but the file holds " + raw.remaining() + " (truncated or corrupt?)");
                }
                if (isFloat) {
                    float[] f = new float[n];
                    if (type == OnnxTensor.FLOAT) raw.asFloatBuffer().get(f);
                    else for (int i = 0; i < n; i++) f[i] = (float) raw.getDouble(i * 8);
                    return new OnnxTensor(name, type, d, f, null);
                }
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = switch (type) {
                        case OnnxTensor.INT64, OnnxTensor.UINT64 -> raw.getLong(i * 8);
                        case OnnxTensor.INT32 -> raw.getInt(i * 4);
                        case OnnxTensor.UINT32 -> raw.getInt(i * 4) & 0xffffffffL;
                        case OnnxTensor.INT16 -> raw.getShort(i * 2);
                        case OnnxTensor.UINT16 -> raw.getShort(i * 2) & 0xffff;
                        case OnnxTensor.INT8 -> raw.get(i);
                        default -> raw.get(i) & 0xff;
                    };
                }
                return new OnnxTensor(name, type, d, null, l);
            }
            if (isFloat) {
                // each packed float takes 4 bytes, each double 8: the count is known before allocating
                long have = loose.size();
                for (ProtoWire.Reader p : floatData) have += p.remaining() / 4;
                for (ProtoWire.Reader p : doubleData) have += p.remaining() / 8;
                if (have != n) throw error(what, "dims " + java.util.Arrays.toString(d) + " need " + n + " values but the tensor holds " + have);
                float[] f = new float[n];
                int k = 0;
                for (ProtoWire.Reader p : floatData) while (p.more()) f[k++] = p.fixed32Float();
                for (ProtoWire.Reader p : doubleData) while (p.more()) f[k++] = (float) p.fixed64Double();
                for (int i = 0; i < loose.size(); i++) f[k++] = loose.get(i);
                return new OnnxTensor(name, type, d, f, null);
            }
            // varints take at least a byte each: more values than bytes cannot be there
            long bytesHeld = looseLongs.size();
            for (ProtoWire.Reader p : intData) bytesHeld += p.remaining();
            for (ProtoWire.Reader p : longData) bytesHeld += p.remaining();
            if (n > bytesHeld) throw error(what, "dims " + java.util.Arrays.toString(d) + " need " + n + " values but the tensor holds fewer");
            long[] l = new long[n];
            int k = 0;
            for (List<ProtoWire.Reader> list : List.of(intData, longData)) {
                for (ProtoWire.Reader p : list) {
                    while (p.more()) {
                        if (k == n) throw error(what, "holds more values than its dims " + java.util.Arrays.toString(d) + " ask for");
                        long v = p.varint();
                        l[k++] = list == intData ? (int) v : v;
                    }
                }
            }
            for (int i = 0; i < looseLongs.size(); i++) {
                if (k == n) throw error(what, "holds more values than its dims " + java.util.Arrays.toString(d) + " ask for");
                l[k++] = looseLongs.get(i);
            }
            if (k != n) throw error(what, "dims " + java.util.Arrays.toString(d) + " need " + n + " values but the tensor holds " + k);
            return new OnnxTensor(name, type, d, null, l);
        }
    }

    /** A growable float array whose growth is bounded by what the file holds. */
    private static final class FloatList {
        private float[] a = new float[8];
        private int n;

        void reserve(int more) {
            if (n + more > a.length) a = java.util.Arrays.copyOf(a, n + more);
        }

        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        float get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    private static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        long get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
