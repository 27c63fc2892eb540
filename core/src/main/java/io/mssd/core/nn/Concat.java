package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Concatenation of tensors along one NCHW axis; the others must agree. */
public final class Concat extends ParameterFreeLayer implements MultiInputLayer {
    private final int axis;

    public Concat(String name, int axis) {
        super(name);
        if (axis < 0 || axis > 3) throw new IllegalArgumentException("layer " + name + ": concat axis " + axis + " is not in 0..3");
        this.axis = axis;
    }

    @Override
    public String type() {
        return "concat " + "nchw".charAt(axis);
    }

    @Override
    public Shape outputShape(Shape[] in) {
        int[] o = in[0].toArray();
        long sum = 0;
        for (Shape s : in) {
            int[] d = s.toArray();
            for (int i = 0; i < 4; i++) {
                if (i != axis && d[i] != o[i]) throw Layer.shapeError(this, "inputs agreeing outside axis " + axis + " with " + in[0], s);
            }
            sum += d[axis];
        }
        if (sum > Integer.MAX_VALUE) throw Layer.shapeError(this, "a concatenation of fewer than 2^31 values", in[0]);
        o[axis] = (int) sum;
        return Shape.of(o[0], o[1], o[2], o[3]);
    }

    @Override
    public Step bind(Tensor[] in, Tensor out, float[] scratch) {
        int[] od = out.shape().toArray();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= od[i];
        for (int i = axis + 1; i < 4; i++) inner *= od[i];
        int outRow = od[axis] * inner, fOuter = outer, fInner = inner;
        return pool -> {
            float[] z = out.data();
            int offset = 0;
            for (Tensor t : in) {
                int row = t.shape().toArray()[axis] * fInner;
                float[] x = t.data();
                for (int o = 0; o < fOuter; o++) System.arraycopy(x, o * row, z, o * outRow + offset, row);
                offset += row;
            }
        };
    }
}
