package io.mssd.core.io.onnx;

import io.mssd.core.io.ModelFormatException;
import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.nn.ActivationLayer;
import io.mssd.core.nn.AxisSoftmax;
import io.mssd.core.nn.BroadcastBinary;
import io.mssd.core.nn.Concat;
import io.mssd.core.nn.ConvSpec;
import io.mssd.core.nn.Convolution;
import io.mssd.core.nn.ElementwiseMath;
import io.mssd.core.nn.Layer;
import io.mssd.core.nn.MultiInputLayer;
import io.mssd.core.nn.Network;
import io.mssd.core.nn.Padding;
import io.mssd.core.nn.Reshape;
import io.mssd.core.nn.Slice;
import io.mssd.core.nn.Step;
import io.mssd.core.nn.Transpose;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns an ONNX graph into an engine {@link Network} on the same layers and kernels as the other
 * formats. Everything that depends only on constants (shape arithmetic, Constant nodes, priors) is
 * computed once at load; a convolution absorbs a following BatchNormalization and Relu / Clip(0, 6).
 * Tensors of rank up to 4 run as NCHW shapes padded with leading 1s (numpy broadcasting aligns
 * from the right, so that padding keeps every operator's meaning); axes shift accordingly.
 * Constants are held as float32 (integer shape values are exact far beyond any real dimension).
 */
public final class OnnxNetworkImporter {

    /** The network, its input, and for each graph output the layer that computes it and its ONNX dims. */
    public record Result(Network network, String inputName, Shape inputShape, Map<String, Output> outputs, int opset) {}

    public record Output(String layer, int[] dims) {}

    /** Operators the importer runs or folds. */
    public static final Set<String> SUPPORTED = Set.of("Conv", "Relu", "Clip", "Add", "Sub", "Mul", "Div", "Exp", "Sigmoid",
            "Concat", "Reshape", "Transpose", "Slice", "Softmax", "Constant", "BatchNormalization", "Flatten", "Squeeze",
            "Unsqueeze", "Gather", "Shape", "Cast", "Identity", "Dropout", "ConstantOfShape", "Split");

    /** A constant: ONNX dims, values (float32), and whether its type is an integer one. */
    private record Const(int[] dims, float[] values, boolean integer) {
        long longAt(int i) {
            return (long) values[i];
        }
    }

    /** A value computed at run time: the node that computes it (-1: the network input) and its ONNX dims. */
    private record Runtime(int node, int[] dims) {}

    private final OnnxModel model;
    private final String file;
    private final Network.Builder builder = Network.builder();
    private final Map<String, Object> values = new HashMap<>();
    /** The nodes that read each value, once per input that names it. */
    private final Map<String, List<OnnxNode>> readers = new HashMap<>();
    private final Set<String> layerNames = new HashSet<>();
    private final Set<OnnxNode> absorbed = new HashSet<>();

    private OnnxNetworkImporter(OnnxModel model) {
        this.model = model;
        this.file = model.file();
    }

    /** Compiles the model for its declared input dims (a symbolic batch becomes 1). */
    public static Result compile(OnnxModel model) {
        return new OnnxNetworkImporter(model).run();
    }

    private ModelFormatException error(OnnxNode node, String problem) {
        return new ModelFormatException(file, "node " + node.label(), problem);
    }

    private Result run() {
        Set<String> unsupported = new TreeSet<>();
        for (OnnxNode n : model.nodes()) {
            boolean defaultDomain = n.domain().isEmpty() || n.domain().equals("ai.onnx");
            if (!defaultDomain || !SUPPORTED.contains(n.opType())) unsupported.add(defaultDomain ? n.opType() : n.domain() + "." + n.opType());
        }
        if (!unsupported.isEmpty()) {
            throw new ModelFormatException(file, "graph", "unsupported operators: " + String.join(", ", unsupported)
                    + " (supported: " + String.join(", ", new TreeSet<>(SUPPORTED)) + ")");
        }
        if (model.opset() < 7 || model.opset() > 21) {
            throw new ModelFormatException(file, "opset_import", "opset " + model.opset() + " is not supported (7 to 21 are)");
        }
        for (OnnxTensor t : model.initializers().values()) values.put(t.name(), constant(t));
        List<OnnxModel.ValueInfo> real = model.inputs().stream().filter(v -> !model.initializers().containsKey(v.name())).toList();
        if (real.size() != 1) {
            throw new ModelFormatException(file, "graph.input", "expected one image input, found " + real.size() + " "
                    + real.stream().map(OnnxModel.ValueInfo::name).toList());
        }
        OnnxModel.ValueInfo in = real.get(0);
        long[] d = in.dims();
        if (d.length != 4) throw new ModelFormatException(file, "input " + in.name(), "expected an NCHW image input of 4 dims, got " + d.length);
        if (d[1] < 0 || d[2] < 0 || d[3] < 0) {
            throw new ModelFormatException(file, "input " + in.name(), "dims " + Arrays.toString(d) + " are not fixed (only the batch may be symbolic)");
        }
        if (d[1] == 0 || d[2] == 0 || d[3] == 0 || d[0] == 0 || d[0] > 1) {
            throw new ModelFormatException(file, "input " + in.name(), "dims " + Arrays.toString(d) + ": expected a batch of 1 (or symbolic) and positive sizes");
        }
        if (in.elemType() != OnnxTensor.FLOAT) throw new ModelFormatException(file, "input " + in.name(), "expected float32, got " + OnnxTensor.typeName(in.elemType()));
        if (d[1] > 4096 || d[2] > 16384 || d[3] > 16384) throw new ModelFormatException(file, "input " + in.name(), "dims " + Arrays.toString(d) + " are too large");
        Shape inputShape = Shape.of(1, (int) d[1], (int) d[2], (int) d[3]);
        values.put(in.name(), new Runtime(-1, new int[] {1, (int) d[1], (int) d[2], (int) d[3]}));

        List<OnnxNode> order = topologicalOrder();
        for (OnnxNode n : order) for (String i : n.inputs()) if (!i.isEmpty()) readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        // Constant nodes first: a convolution decides whether it absorbs the Clip after it by reading
        // that Clip's bounds, which exporters often put in Constant nodes listed after the convolution
        List<OnnxNode> constantsFirst = new ArrayList<>(order.stream().filter(n -> n.opType().equals("Constant")).toList());
        constantsFirst.addAll(order.stream().filter(n -> !n.opType().equals("Constant")).toList());
        for (OnnxNode n : constantsFirst) {
            if (absorbed.contains(n)) continue;
            try {
                node(n);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw error(n, e.getMessage());
            }
        }
        if (builder.size() == 0) throw new ModelFormatException(file, "graph", "computes nothing from its input");
        Network net = builder.build();
        Map<String, Output> outs = new LinkedHashMap<>();
        for (String o : model.outputs()) {
            Object v = values.get(o);
            if (v == null) throw new ModelFormatException(file, "output " + o, "no node computes it");
            if (!(v instanceof Runtime r) || r.node() < 0) throw new ModelFormatException(file, "output " + o, "does not depend on the input");
            outs.put(o, new Output(net.nodes().get(r.node()).layer().name(), r.dims()));
        }
        try {
            net.shapes(inputShape);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "graph", e.getMessage());
        }
        return new Result(net, in.name(), inputShape, outs, model.opset());
    }

    /** Kahn's order: nodes whose inputs are all defined; a cycle or an undefined input is an error naming a node. */
    private List<OnnxNode> topologicalOrder() {
        Map<String, OnnxNode> producedBy = new HashMap<>();
        for (OnnxNode n : model.nodes()) {
            if (n.outputs().isEmpty() || n.outputs().get(0).isEmpty()) throw new ModelFormatException(file, "node " + n.label(), "has no output");
            for (String o : n.outputs()) {
                if (o.isEmpty()) continue;
                if (producedBy.put(o, n) != null || values.containsKey(o)) {
                    throw new ModelFormatException(file, "node " + n.label(), "value '" + o + "' is defined twice");
                }
            }
        }
        Map<OnnxNode, Integer> waiting = new HashMap<>();
        Map<String, List<OnnxNode>> readers = new HashMap<>();
        ArrayDeque<OnnxNode> ready = new ArrayDeque<>();
        for (OnnxNode n : model.nodes()) {
            int w = 0;
            for (String i : new LinkedHashSet<>(n.inputs())) {
                if (i.isEmpty() || values.containsKey(i)) continue;
                if (!producedBy.containsKey(i)) throw new ModelFormatException(file, "node " + n.label(), "reads '" + i + "', which no node, initializer or input defines");
                readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                w++;
            }
            waiting.put(n, w);
            if (w == 0) ready.add(n);
        }
        List<OnnxNode> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            OnnxNode n = ready.poll();
            order.add(n);
            for (String o : n.outputs()) {
                for (OnnxNode r : readers.getOrDefault(o, List.of())) if (waiting.merge(r, -1, Integer::sum) == 0) ready.add(r);
            }
        }
        if (order.size() != model.nodes().size()) {
            OnnxNode stuck = model.nodes().stream().filter(n -> waiting.get(n) > 0).findFirst().orElseThrow();
            throw new ModelFormatException(file, "node " + stuck.label(), "is part of a cycle: the graph is not a DAG");
        }
        return order;
    }

    private static Const constant(OnnxTensor t) {
        int[] dims = new int[t.dims().length];
        for (int i = 0; i < dims.length; i++) dims[i] = (int) t.dims()[i];
        return new Const(dims, t.toFloats(), !t.isFloat());
    }

    // ---- helpers on values ----

    private Object value(OnnxNode n, int i) {
        if (i >= n.inputs().size() || n.inputs().get(i).isEmpty()) return null;
        return values.get(n.inputs().get(i));
    }

    private Object need(OnnxNode n, int i) {
        Object v = value(n, i);
        if (v == null) throw error(n, "input " + i + " is missing");
        return v;
    }

    private Const constInput(OnnxNode n, int i, String what) {
        Object v = value(n, i);
        if (v == null) return null;
        if (!(v instanceof Const c)) throw error(n, what + " (input " + i + ") must be a constant, it is computed from the image");
        return c;
    }

    private Const needConst(OnnxNode n, int i, String what) {
        Const c = constInput(n, i, what);
        if (c == null) throw error(n, what + " (input " + i + ") is missing");
        return c;
    }

    private static int[] dims(Object v) {
        return v instanceof Const c ? c.dims() : ((Runtime) v).dims();
    }

    private static int size(int[] dims) {
        long s = 1;
        for (int d : dims) s *= d;
        if (s > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " hold more than 2^31 values");
        return (int) s;
    }

    private static Shape padded(int[] dims) {
        if (dims.length > 4) throw new IllegalArgumentException("rank-" + dims.length + " tensors " + Arrays.toString(dims) + " are not supported (rank 4 at most)");
        int[] p = {1, 1, 1, 1};
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) throw new IllegalArgumentException("empty tensor " + Arrays.toString(dims) + " is not supported");
            p[4 - dims.length + i] = dims[i];
        }
        return Shape.of(p[0], p[1], p[2], p[3]);
    }

    private static int axis(OnnxNode n, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException("axis " + axis + " is outside a rank-" + rank + " tensor");
        return (int) a;
    }

    private static long attrInt(OnnxNode n, String name, long dflt) {
        OnnxNode.Attribute a = n.attributes().get(name);
        return a == null ? dflt : a.i();
    }

    private static long[] attrInts(OnnxNode n, String name) {
        OnnxNode.Attribute a = n.attributes().get(name);
        return a == null ? null : a.ints();
    }

    private String layerName(OnnxNode n) {
        String base = !n.name().isEmpty() ? n.name() : n.opType() + "_" + n.outputs().get(0);
        String name = base;
        for (int k = 2; !layerNames.add(name); k++) name = base + "#" + k;
        return name;
    }

    private int add(Layer layer, int... inputs) {
        builder.add(layer, inputs);
        return builder.size() - 1;
    }

    private void define(OnnxNode n, Object v) {
        values.put(n.outputs().get(0), v);
    }

    /** Runs a layer once on constant inputs (constant folding). */
    private static float[] evaluate(Layer layer, Shape out, Tensor... in) {
        Tensor o = new Tensor(out);
        Step s = layer instanceof MultiInputLayer m ? m.bind(in, o, new float[0]) : layer.bind(in[0], o, new float[0]);
        s.execute(ComputePool.single());
        return o.data();
    }

    private static Tensor tensor(Const c) {
        return new Tensor(padded(c.dims()), c.values());
    }

    /** The output of a single-input layer on a value: folded if the value is constant. */
    private void apply(OnnxNode n, Object in, Layer layer, int[] outDims, boolean integer) {
        if (in instanceof Const c) {
            define(n, new Const(outDims, evaluate(layer, padded(outDims), tensor(c)), integer && c.integer()));
        } else {
            define(n, new Runtime(add(layer, ((Runtime) in).node()), outDims));
        }
    }

    // ---- operators ----

    private void node(OnnxNode n) {
        if (n.outputs().isEmpty()) throw error(n, "has no output");
        if (n.inputs().isEmpty() && !n.opType().equals("Constant")) throw error(n, "has no input");
        switch (n.opType()) {
            case "Constant" -> constantNode(n);
            case "Identity", "Dropout" -> define(n, need(n, 0));
            case "Shape" -> {
                int[] d = dims(need(n, 0));
                int rank = d.length;
                long start = attrInt(n, "start", 0), end = attrInt(n, "end", rank);
                int s = (int) Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
                int e = (int) Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
                float[] v = new float[Math.max(0, e - s)];
                for (int i = s; i < e; i++) v[i - s] = d[i];
                define(n, new Const(new int[] {v.length}, v, true));
            }
            case "ConstantOfShape" -> {
                Const shape = needConst(n, 0, "shape");
                int[] d = new int[shape.values().length];
                for (int i = 0; i < d.length; i++) d[i] = Math.toIntExact(shape.longAt(i));
                OnnxNode.Attribute a = n.attributes().get("value");
                float fill = a == null || a.t() == null ? 0 : a.t().floatAt(0);
                float[] v = new float[size(d)];
                Arrays.fill(v, fill);
                define(n, new Const(d, v, a != null && a.t() != null && !a.t().isFloat()));
            }
            case "Cast" -> {
                Object in = need(n, 0);
                long to = attrInt(n, "to", OnnxTensor.FLOAT);
                boolean integer = to != OnnxTensor.FLOAT && to != OnnxTensor.DOUBLE && to != OnnxTensor.FLOAT16 && to != 16;
                if (in instanceof Const c) {
                    float[] v = c.values().clone();
                    if (integer) for (int i = 0; i < v.length; i++) v[i] = (float) (long) v[i];
                    define(n, new Const(c.dims(), v, integer));
                } else {
                    if (integer) throw error(n, "a cast of image data to " + OnnxTensor.typeName((int) to) + " is not supported");
                    define(n, in);
                }
            }
            case "Gather" -> gather(n);
            case "Unsqueeze", "Squeeze", "Flatten", "Reshape" -> reshape(n);
            case "Conv" -> conv(n);
            case "BatchNormalization" -> batchNorm(n);
            case "Relu" -> apply(n, need(n, 0), new ActivationLayer(layerName(n), Activation.RELU), dims(need(n, 0)), false);
            case "Clip" -> clip(n);
            case "Exp" -> apply(n, need(n, 0), new ElementwiseMath(layerName(n), ElementwiseMath.Function.EXP), dims(need(n, 0)), false);
            case "Sigmoid" -> apply(n, need(n, 0), new ElementwiseMath(layerName(n), ElementwiseMath.Function.SIGMOID), dims(need(n, 0)), false);
            case "Add", "Sub", "Mul", "Div" -> binary(n);
            case "Concat" -> concat(n);
            case "Transpose" -> transpose(n);
            case "Slice" -> slice(n);
            case "Split" -> split(n);
            case "Softmax" -> softmax(n);
            default -> throw error(n, "unsupported operator");
        }
    }

    private void constantNode(OnnxNode n) {
        if (n.attributes().size() != 1) throw error(n, "expected exactly one value attribute, got " + n.attributes().keySet());
        OnnxNode.Attribute a = n.attributes().values().iterator().next();
        switch (a.name()) {
            case "value" -> {
                if (a.t() == null) throw error(n, "attribute value holds no tensor");
                define(n, constant(a.t()));
            }
            case "value_float" -> define(n, new Const(new int[0], new float[] {a.f()}, false));
            case "value_floats" -> define(n, new Const(new int[] {a.floats().length}, a.floats().clone(), false));
            case "value_int" -> define(n, new Const(new int[0], new float[] {a.i()}, true));
            case "value_ints" -> {
                float[] v = new float[a.ints().length];
                for (int i = 0; i < v.length; i++) v[i] = a.ints()[i];
                define(n, new Const(new int[] {v.length}, v, true));
            }
            default -> throw error(n, "attribute " + a.name() + " is not supported");
        }
    }

    private void gather(OnnxNode n) {
        Object data = need(n, 0);
        if (!(data instanceof Const c)) throw error(n, "Gather of image data is not supported (only of constants)");
        Const idx = needConst(n, 1, "indices");
        int rank = c.dims().length;
        if (rank == 0) throw error(n, "Gather from a scalar");
        int ax = axis(n, attrInt(n, "axis", 0), rank);
        int[] od = new int[rank - 1 + idx.dims().length];
        int k = 0;
        for (int i = 0; i < ax; i++) od[k++] = c.dims()[i];
        for (int d : idx.dims()) od[k++] = d;
        for (int i = ax + 1; i < rank; i++) od[k++] = c.dims()[i];
        int outer = 1, inner = 1, len = c.dims()[ax];
        for (int i = 0; i < ax; i++) outer *= c.dims()[i];
        for (int i = ax + 1; i < rank; i++) inner *= c.dims()[i];
        float[] v = new float[size(od)];
        int m = idx.values().length;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                long at = idx.longAt(j);
                if (at < 0) at += len;
                if (at < 0 || at >= len) throw error(n, "index " + idx.longAt(j) + " is outside 0.." + (len - 1));
                System.arraycopy(c.values(), (int) ((o * (long) len + at) * inner), v, (o * m + j) * inner, inner);
            }
        }
        define(n, new Const(od, v, c.integer()));
    }

    private void reshape(OnnxNode n) {
        Object in = need(n, 0);
        int[] d = dims(in);
        int[] out;
        switch (n.opType()) {
            case "Flatten" -> {
                int ax = (int) attrInt(n, "axis", 1);
                if (ax < 0) ax += d.length;
                if (ax < 0 || ax > d.length) throw error(n, "axis " + attrInt(n, "axis", 1) + " is outside rank " + d.length);
                long a = 1, b = 1;
                for (int i = 0; i < ax; i++) a *= d[i];
                for (int i = ax; i < d.length; i++) b *= d[i];
                out = new int[] {(int) a, (int) b};
            }
            case "Unsqueeze", "Squeeze" -> {
                long[] axes = attrInts(n, "axes");
                if (axes == null && value(n, 1) != null) axes = toLongs(constInput(n, 1, "axes"));
                boolean un = n.opType().equals("Unsqueeze");
                if (un && axes == null) throw error(n, "has no axes");
                int rank = un ? d.length + axes.length : d.length;
                boolean[] hit = new boolean[rank];
                if (axes != null) {
                    for (long a : axes) {
                        int x = axis(n, a, rank);
                        if (hit[x]) throw error(n, "axis " + a + " given twice");
                        hit[x] = true;
                    }
                }
                List<Integer> o = new ArrayList<>();
                if (un) {
                    for (int i = 0, j = 0; i < rank; i++) o.add(hit[i] ? 1 : d[j++]);
                } else {
                    for (int i = 0; i < rank; i++) {
                        if (axes == null ? d[i] == 1 : hit[i]) {
                            if (d[i] != 1) throw error(n, "cannot squeeze axis " + i + " of size " + d[i]);
                        } else o.add(d[i]);
                    }
                }
                out = o.stream().mapToInt(Integer::intValue).toArray();
            }
            default -> { // Reshape
                long[] shape = attrInts(n, "shape");
                if (shape == null) shape = toLongs(constInput(n, 1, "shape"));
                if (shape == null) throw error(n, "has no shape");
                boolean allowZero = attrInt(n, "allowzero", 0) != 0;
                out = new int[shape.length];
                int unknown = -1;
                long known = 1;
                for (int i = 0; i < shape.length; i++) {
                    long s = shape[i];
                    if (s == 0 && !allowZero) {
                        if (i >= d.length) throw error(n, "shape " + Arrays.toString(shape) + " copies dimension " + i + " of a rank-" + d.length + " input");
                        s = d[i];
                    }
                    if (s == -1) {
                        if (unknown >= 0) throw error(n, "shape " + Arrays.toString(shape) + " has two -1");
                        unknown = i;
                        continue;
                    }
                    if (s <= 0 || s > Integer.MAX_VALUE) throw error(n, "shape " + Arrays.toString(shape) + " has dimension " + s);
                    out[i] = (int) s;
                    known *= s;
                    if (known > Integer.MAX_VALUE) throw error(n, "shape " + Arrays.toString(shape) + " is too large");
                }
                int total = size(d);
                if (unknown >= 0) {
                    if (known == 0 || total % known != 0) throw error(n, "cannot reshape " + Arrays.toString(d) + " to " + Arrays.toString(shape));
                    out[unknown] = (int) (total / known);
                }
            }
        }
        if (size(out) != size(d)) throw error(n, "cannot reshape " + Arrays.toString(d) + " (" + size(d) + " values) to " + Arrays.toString(out));
        if (in instanceof Const c) define(n, new Const(out, c.values(), c.integer()));
        else define(n, new Runtime(add(new Reshape(layerName(n), padded(out)), ((Runtime) in).node()), out));
    }

    private static long[] toLongs(Const c) {
        if (c == null) return null;
        long[] l = new long[c.values().length];
        for (int i = 0; i < l.length; i++) l[i] = c.longAt(i);
        return l;
    }

    /** The single reader of a value, or null if it has several (or is a graph output). */
    private OnnxNode soleReader(String value) {
        List<OnnxNode> r = readers.getOrDefault(value, List.of());
        return r.size() == 1 && !model.outputs().contains(value) ? r.get(0) : null;
    }

    private void conv(OnnxNode n) {
        Object in = need(n, 0);
        if (!(in instanceof Runtime x)) throw error(n, "a convolution of constants is not supported");
        Const w = needConst(n, 1, "weights");
        Const b = constInput(n, 2, "bias");
        int[] xd = x.dims(), wd = w.dims();
        if (xd.length != 4) throw error(n, "expected a 4-D NCHW input, got " + Arrays.toString(xd));
        if (wd.length != 4) throw error(n, "expected 4-D weights [M, C/group, kH, kW], got " + Arrays.toString(wd));
        int group = (int) attrInt(n, "group", 1);
        if (group <= 0 || xd[1] % group != 0 || wd[1] * group != xd[1]) {
            throw error(n, "weights " + Arrays.toString(wd) + " with group " + group + " do not fit an input of " + xd[1] + " channels");
        }
        long[] k = attrInts(n, "kernel_shape");
        if (k != null && (k.length != 2 || k[0] != wd[2] || k[1] != wd[3])) throw error(n, "kernel_shape " + Arrays.toString(k) + " disagrees with weights " + Arrays.toString(wd));
        long[] dil = attrInts(n, "dilations");
        if (dil != null && Arrays.stream(dil).anyMatch(v -> v != 1)) throw error(n, "dilations " + Arrays.toString(dil) + " are not supported (1 only)");
        long[] st = attrInts(n, "strides");
        if (st != null && (st.length != 2 || st[0] != st[1] || st[0] <= 0 || st[0] > 64)) throw error(n, "strides " + Arrays.toString(st) + " are not supported (equal in both axes)");
        int stride = st == null ? 1 : (int) st[0];
        OnnxNode.Attribute autoPad = n.attributes().get("auto_pad");
        String ap = autoPad == null || autoPad.s() == null ? "NOTSET" : autoPad.s();
        Padding padding;
        switch (ap) {
            case "NOTSET" -> {
                long[] p = attrInts(n, "pads");
                if (p == null) p = new long[4];
                if (p.length != 4 || p[0] != p[2] || p[1] != p[3] || p[0] < 0 || p[1] < 0 || p[0] > 1024 || p[1] > 1024) {
                    throw error(n, "pads " + Arrays.toString(p) + " are not supported (the same before and after, per axis)");
                }
                padding = Padding.explicit((int) p[0], (int) p[1]);
            }
            case "VALID" -> padding = Padding.VALID;
            case "SAME_UPPER" -> padding = Padding.SAME;
            default -> throw error(n, "auto_pad " + ap + " is not supported");
        }
        if (b != null && b.values().length != wd[0]) throw error(n, "bias has " + b.values().length + " values for " + wd[0] + " output channels");
        ConvSpec spec = new ConvSpec(xd[1], wd[0], wd[2], wd[3], stride, group, padding);
        float[] weights = w.values().clone();
        float[] bias = b == null ? null : b.values().clone();
        String out = n.outputs().get(0);
        OnnxNode next = soleReader(out);
        if (next != null && next.opType().equals("BatchNormalization") && next.inputs().get(0).equals(out) && bnConstants(next) != null) {
            float[][] bn = bnConstants(next);
            int cout = wd[0], per = weights.length / cout;
            if (bias == null) bias = new float[cout];
            for (int c = 0; c < cout; c++) {
                // y = (conv + b - mean) * scale / sqrt(var + eps) + beta
                float f = (float) (bn[0][c] / Math.sqrt(bn[3][c] + bn[4][0]));
                for (int i = 0; i < per; i++) weights[c * per + i] *= f;
                bias[c] = (bias[c] - bn[2][c]) * f + bn[1][c];
            }
            absorbed.add(next);
            out = next.outputs().get(0);
            next = soleReader(out);
        }
        Activation act = Activation.NONE;
        if (next != null && next.inputs().get(0).equals(out)) {
            if (next.opType().equals("Relu")) act = Activation.RELU;
            else if (next.opType().equals("Clip")) {
                float[] r = clipRange(next);
                if (r != null && r[0] == 0 && r[1] == 6) act = Activation.RELU6;
                else if (r != null && r[0] == 0 && r[1] == Float.POSITIVE_INFINITY) act = Activation.RELU;
            }
            if (act != Activation.NONE) {
                absorbed.add(next);
                out = next.outputs().get(0);
            }
        }
        int node = add(Convolution.of(layerName(n), spec, weights, bias, act), x.node());
        int oh = padding.outSize(xd[2], wd[2], stride, true), ow = padding.outSize(xd[3], wd[3], stride, false);
        if (oh <= 0 || ow <= 0) throw error(n, "input " + Arrays.toString(xd) + " is smaller than the kernel");
        values.put(out, new Runtime(node, new int[] {xd[0], wd[0], oh, ow}));
    }

    /** scale, B, mean, var, {epsilon} of a BatchNormalization whose parameters are constants; null otherwise. */
    private float[][] bnConstants(OnnxNode n) {
        if (n.inputs().size() < 5 || n.outputs().size() > 1 && n.outputs().subList(1, n.outputs().size()).stream().anyMatch(s -> !s.isEmpty())) return null;
        float[][] p = new float[5][];
        for (int i = 1; i < 5; i++) {
            Object v = value(n, i);
            if (!(v instanceof Const c)) return null;
            p[i - 1] = c.values();
        }
        int c = p[0].length;
        for (int i = 1; i < 4; i++) if (p[i].length != c) throw error(n, "parameters of " + c + " and " + p[i].length + " channels");
        OnnxNode.Attribute eps = n.attributes().get("epsilon");
        p[4] = new float[] {eps == null ? 1e-5f : eps.f()};
        return p;
    }

    private void batchNorm(OnnxNode n) {
        Object in = need(n, 0);
        float[][] bn = bnConstants(n);
        if (bn == null) throw error(n, "only inference-mode BatchNormalization with constant parameters is supported");
        int[] d = dims(in);
        if (d.length < 2 || d[1] != bn[0].length) throw error(n, "parameters of " + bn[0].length + " channels for input " + Arrays.toString(d));
        int c = d[1];
        float[] scale = new float[c], shift = new float[c];
        for (int i = 0; i < c; i++) {
            scale[i] = (float) (bn[0][i] / Math.sqrt(bn[3][i] + bn[4][0]));
            shift[i] = bn[1][i] - bn[2][i] * scale[i];
        }
        int[] cd = new int[d.length - 1];
        Arrays.fill(cd, 1);
        cd[0] = c;
        // per-channel affine as two broadcast layers: x * scale + shift
        String name = layerName(n);
        Object mul = binaryValue(name + ":scale", BroadcastBinary.Op.MUL, in, new Const(cd, scale, false), d);
        define(n, binaryValue(name, BroadcastBinary.Op.ADD, mul, new Const(cd, shift, false), d));
    }

    private float[] clipRange(OnnxNode n) {
        float lo = Float.NEGATIVE_INFINITY, hi = Float.POSITIVE_INFINITY;
        if (n.has("min") || n.has("max")) { // opset < 11
            if (n.has("min")) lo = n.attributes().get("min").f();
            if (n.has("max")) hi = n.attributes().get("max").f();
            return new float[] {lo, hi};
        }
        Object a = value(n, 1), b = value(n, 2);
        if (a != null && !(a instanceof Const)) return null;
        if (b != null && !(b instanceof Const)) return null;
        if (a != null) lo = ((Const) a).values()[0];
        if (b != null) hi = ((Const) b).values()[0];
        return new float[] {lo, hi};
    }

    private void clip(OnnxNode n) {
        float[] r = clipRange(n);
        if (r == null) throw error(n, "min and max must be constants");
        Object in = need(n, 0);
        Layer layer = r[0] == 0 && r[1] == 6 ? new ActivationLayer(layerName(n), Activation.RELU6)
                : r[0] == 0 && r[1] == Float.POSITIVE_INFINITY ? new ActivationLayer(layerName(n), Activation.RELU)
                : new ElementwiseMath(layerName(n), ElementwiseMath.Function.CLIP, r[0], r[1]);
        apply(n, in, layer, dims(in), false);
    }

    private static int[] broadcastDims(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] o = new int[r];
        for (int i = 0; i < r; i++) {
            int x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1, y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x != y && x != 1 && y != 1) throw new IllegalArgumentException("dims " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            o[i] = Math.max(x, y);
        }
        return o;
    }

    private void binary(OnnxNode n) {
        BroadcastBinary.Op op = BroadcastBinary.Op.valueOf(n.opType().toUpperCase(java.util.Locale.ROOT));
        Object a = need(n, 0), b = need(n, 1);
        define(n, binaryValue(layerName(n), op, a, b, broadcastDims(dims(a), dims(b))));
    }

    private Object binaryValue(String name, BroadcastBinary.Op op, Object a, Object b, int[] out) {
        if (a instanceof Const x && b instanceof Const y) {
            float[] v = evaluate(new BroadcastBinary(name, op), padded(out), tensor(x), tensor(y));
            boolean integer = x.integer() && y.integer();
            if (integer && op == BroadcastBinary.Op.DIV) for (int i = 0; i < v.length; i++) v[i] = (float) (long) v[i];
            return new Const(out, v, integer);
        }
        if (a instanceof Const x) return new Runtime(add(new BroadcastBinary(name, op, tensor(x), true), ((Runtime) b).node()), out);
        if (b instanceof Const y) return new Runtime(add(new BroadcastBinary(name, op, tensor(y), false), ((Runtime) a).node()), out);
        return new Runtime(add(new BroadcastBinary(name, op), ((Runtime) a).node(), ((Runtime) b).node()), out);
    }

    private void concat(OnnxNode n) {
        List<Object> in = new ArrayList<>();
        for (int i = 0; i < n.inputs().size(); i++) in.add(need(n, i));
        int rank = dims(in.get(0)).length;
        if (!n.has("axis")) throw error(n, "has no axis");
        int ax = axis(n, attrInt(n, "axis", 0), rank);
        int[] out = dims(in.get(0)).clone();
        out[ax] = 0;
        for (Object v : in) {
            int[] d = dims(v);
            if (d.length != rank) throw error(n, "inputs of rank " + rank + " and " + d.length);
            for (int i = 0; i < rank; i++) if (i != ax && d[i] != out[i]) throw error(n, "input dims " + Arrays.toString(d) + " disagree outside axis " + ax);
            out[ax] += d[ax];
        }
        Concat layer = new Concat(layerName(n), ax + 4 - rank);
        if (in.stream().allMatch(v -> v instanceof Const)) {
            Tensor[] t = in.stream().map(v -> tensor((Const) v)).toArray(Tensor[]::new);
            define(n, new Const(out, evaluate(layer, padded(out), t), in.stream().allMatch(v -> ((Const) v).integer())));
            return;
        }
        int[] nodes = new int[in.size()];
        for (int i = 0; i < nodes.length; i++) {
            Object v = in.get(i);
            if (v instanceof Const c) { // a constant part of a computed concatenation: a layer that emits it
                nodes[i] = add(new io.mssd.core.nn.ConstantLayer(layerName(n) + ":const" + i, tensor(c)), ((Runtime) in.stream()
                        .filter(x -> x instanceof Runtime).findFirst().orElseThrow()).node());
            } else nodes[i] = ((Runtime) v).node();
        }
        define(n, new Runtime(add(layer, nodes), out));
    }

    private void transpose(OnnxNode n) {
        Object in = need(n, 0);
        int[] d = dims(in);
        int rank = d.length;
        long[] perm = attrInts(n, "perm");
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) perm[i] = rank - 1 - i;
        }
        if (perm.length != rank) throw error(n, "perm " + Arrays.toString(perm) + " for a rank-" + rank + " input");
        int[] p4 = {0, 1, 2, 3}, out = new int[rank];
        for (int i = 0; i < rank; i++) {
            if (perm[i] < 0 || perm[i] >= rank) throw error(n, "perm " + Arrays.toString(perm) + " is not a permutation");
            p4[4 - rank + i] = (int) perm[i] + 4 - rank;
            out[i] = d[(int) perm[i]];
        }
        apply(n, in, new Transpose(layerName(n), p4), out, true);
    }

    private void slice(OnnxNode n) {
        Object in = need(n, 0);
        int[] d = dims(in);
        int rank = d.length;
        long[] starts, ends, axes, steps;
        if (model.opset() < 10) {
            starts = attrInts(n, "starts");
            ends = attrInts(n, "ends");
            axes = attrInts(n, "axes");
            steps = null;
        } else {
            starts = toLongs(constInput(n, 1, "starts"));
            ends = toLongs(constInput(n, 2, "ends"));
            axes = toLongs(constInput(n, 3, "axes"));
            steps = toLongs(constInput(n, 4, "steps"));
        }
        if (starts == null || ends == null || starts.length != ends.length) throw error(n, "needs starts and ends of equal length");
        if (axes == null) {
            axes = new long[starts.length];
            for (int i = 0; i < axes.length; i++) axes[i] = i;
        }
        if (axes.length != starts.length || (steps != null && steps.length != starts.length)) throw error(n, "starts, ends, axes and steps differ in length");
        int[] st = new int[4], step = {1, 1, 1, 1}, count = new int[4];
        Shape p = padded(d);
        int[] pd = p.toArray();
        for (int i = 0; i < 4; i++) count[i] = pd[i];
        int[] out = d.clone();
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            int ax = axis(n, axes[i], rank);
            if (seen[ax]) throw error(n, "axis " + ax + " sliced twice");
            seen[ax] = true;
            long dim = d[ax], s = starts[i], e = ends[i], k = steps == null ? 1 : steps[i];
            if (k == 0) throw error(n, "step 0");
            if (s < 0) s += dim;
            if (e < 0) e += dim;
            long c;
            if (k > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
                c = e > s ? (e - s + k - 1) / k : 0;
            } else {
                s = Math.max(-1, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
                c = s > e ? (s - e + (-k) - 1) / (-k) : 0;
            }
            if (c <= 0) throw error(n, "the slice of axis " + ax + " is empty");
            if (Math.abs(k) > Integer.MAX_VALUE) throw error(n, "step " + k + " is too large");
            st[ax + 4 - rank] = (int) s;
            step[ax + 4 - rank] = (int) k;
            count[ax + 4 - rank] = (int) c;
            out[ax] = (int) c;
        }
        boolean integer = in instanceof Const c && c.integer();
        apply(n, in, new Slice(layerName(n), st, step, count), out, integer);
    }

    /** Split: one slice per output, sizes from the attribute (opset < 13), the second input, or equal parts. */
    private void split(OnnxNode n) {
        Object in = need(n, 0);
        int[] d = dims(in);
        int rank = d.length, ax = axis(n, attrInt(n, "axis", 0), rank);
        long[] sizes = attrInts(n, "split");
        if (sizes == null && value(n, 1) != null) sizes = toLongs(constInput(n, 1, "split"));
        int parts = n.outputs().size();
        if (sizes == null) {
            if (d[ax] % parts != 0 && !n.has("num_outputs")) throw error(n, "axis " + ax + " of " + d[ax] + " does not split into " + parts + " equal parts");
            int each = (d[ax] + parts - 1) / parts; // opset 18: the last part may be smaller
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) sizes[i] = Math.min(each, d[ax] - (long) each * i);
        }
        if (sizes.length != parts) throw error(n, sizes.length + " split sizes for " + parts + " outputs");
        long total = 0;
        for (long v : sizes) {
            if (v <= 0) throw error(n, "split sizes " + Arrays.toString(sizes) + " must be positive");
            total += v;
        }
        if (total != d[ax]) throw error(n, "split sizes " + Arrays.toString(sizes) + " do not add up to " + d[ax]);
        String base = layerName(n);
        int start = 0;
        for (int i = 0; i < parts; i++) {
            int[] st = new int[4], step = {1, 1, 1, 1}, count = padded(d).toArray(), out = d.clone();
            st[ax + 4 - rank] = start;
            count[ax + 4 - rank] = (int) sizes[i];
            out[ax] = (int) sizes[i];
            Slice layer = new Slice(base + ":" + i, st, step, count);
            if (in instanceof Const c) values.put(n.outputs().get(i), new Const(out, evaluate(layer, padded(out), tensor(c)), c.integer()));
            else values.put(n.outputs().get(i), new Runtime(add(layer, ((Runtime) in).node()), out));
            start += (int) sizes[i];
        }
    }

    private void softmax(OnnxNode n) {
        Object in = need(n, 0);
        int[] d = dims(in);
        boolean legacy = model.opset() < 13;
        int ax = axis(n, attrInt(n, "axis", legacy ? 1 : -1), d.length);
        apply(n, in, new AxisSoftmax(layerName(n), ax + 4 - d.length, legacy), d, false);
    }
}
