package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * An element-wise arithmetic layer with numpy broadcasting over NCHW shapes (a residual sum, the
 * box decoding arithmetic of an exported graph). Reads two tensors, or one tensor and a constant
 * held by the layer (on the left when {@code constantFirst}, which matters for subtraction and division).
 */
public final class BroadcastBinary extends ParameterFreeLayer implements MultiInputLayer {

    public enum Op {
        ADD, SUB, MUL, DIV;

        public float apply(float a, float b) {
            return switch (this) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
            };
        }
    }

    private final Op op;
    private final Tensor constant;
    private final boolean constantFirst;

    /** Two inputs. */
    public BroadcastBinary(String name, Op op) {
        this(name, op, null, false);
    }

    /** One input and a constant operand. */
    public BroadcastBinary(String name, Op op, Tensor constant, boolean constantFirst) {
        super(name);
        this.op = op;
        this.constant = constant;
        this.constantFirst = constantFirst;
    }

    public Op op() {
        return op;
    }

    /** True when one operand is the layer's constant rather than a second input. */
    public boolean hasConstant() {
        return constant != null;
    }

    /** A residual sum: two inputs of one shape added. */
    public boolean isResidualSum(Shape a, Shape b) {
        return op == Op.ADD && constant == null && a.equals(b);
    }

    @Override
    public String type() {
        return op.name().toLowerCase(java.util.Locale.ROOT) + (constant != null ? " const" : "");
    }

    private Shape[] operands(Shape[] in) {
        int want = constant == null ? 2 : 1;
        if (in.length != want) {
            throw new IllegalArgumentException("layer " + name() + " (" + type() + "): expected " + want + " inputs, got " + in.length);
        }
        if (constant == null) return in;
        return constantFirst ? new Shape[] {constant.shape(), in[0]} : new Shape[] {in[0], constant.shape()};
    }

    @Override
    public Shape outputShape(Shape[] in) {
        Shape[] ab = operands(in);
        return broadcast(this, ab[0], ab[1]);
    }

    /** numpy broadcasting of two NCHW shapes (a dimension of 1 stretches); an error names the layer. */
    static Shape broadcast(Layer layer, Shape a, Shape b) {
        int[] x = a.toArray(), y = b.toArray(), o = new int[4];
        for (int d = 0; d < 4; d++) {
            if (x[d] != y[d] && x[d] != 1 && y[d] != 1) {
                throw new IllegalArgumentException("layer " + layer.name() + " (" + layer.type() + "): shapes " + a + " and " + b
                        + " do not broadcast");
            }
            o[d] = Math.max(x[d], y[d]);
        }
        return Shape.of(o[0], o[1], o[2], o[3]);
    }

    @Override
    public Step bind(Tensor[] in, Tensor out, float[] scratch) {
        Tensor a, b;
        if (constant == null) {
            a = in[0];
            b = in[1];
        } else {
            a = constantFirst ? constant : in[0];
            b = constantFirst ? in[0] : constant;
        }
        Shape s = out.shape();
        if (a.shape().equals(s) && b.shape().equals(s)) {
            return pool -> {
                float[] x = a.data(), y = b.data(), z = out.data();
                switch (op) {
                    case ADD -> { for (int i = 0, n = s.size(); i < n; i++) z[i] = x[i] + y[i]; }
                    case SUB -> { for (int i = 0, n = s.size(); i < n; i++) z[i] = x[i] - y[i]; }
                    case MUL -> { for (int i = 0, n = s.size(); i < n; i++) z[i] = x[i] * y[i]; }
                    case DIV -> { for (int i = 0, n = s.size(); i < n; i++) z[i] = x[i] / y[i]; }
                }
            };
        }
        int[] as = strides(a.shape()), bs = strides(b.shape());
        int[] dims = s.toArray();
        return pool -> {
            float[] x = a.data(), y = b.data(), z = out.data();
            int o = 0;
            for (int n = 0; n < dims[0]; n++) {
                for (int c = 0; c < dims[1]; c++) {
                    for (int h = 0; h < dims[2]; h++) {
                        int ia = n * as[0] + c * as[1] + h * as[2], ib = n * bs[0] + c * bs[1] + h * bs[2];
                        for (int w = 0; w < dims[3]; w++, o++) z[o] = op.apply(x[ia + w * as[3]], y[ib + w * bs[3]]);
                    }
                }
            }
        };
    }

    /** Row-major strides of a shape, 0 along its dimensions of size 1 (so they broadcast). */
    private static int[] strides(Shape s) {
        int[] d = s.toArray(), st = new int[4];
        int step = 1;
        for (int i = 3; i >= 0; i--) {
            st[i] = d[i] == 1 ? 0 : step;
            step *= d[i];
        }
        return st;
    }
}
