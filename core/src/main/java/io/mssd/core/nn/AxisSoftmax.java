package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * Softmax over one NCHW axis ({@code throughLast} = false), or over everything from that axis on
 * as one group (ONNX Softmax before opset 13, which flattens the input to 2-D at the axis).
 */
public final class AxisSoftmax extends ElementwiseLayer {
    private final int axis;
    private final boolean throughLast;

    public AxisSoftmax(String name, int axis, boolean throughLast) {
        super(name);
        if (axis < 0 || axis > 3) throw new IllegalArgumentException("layer " + name + ": softmax axis " + axis + " is not in 0..3");
        this.axis = axis;
        this.throughLast = throughLast;
    }

    @Override
    public String type() {
        return "softmax " + "nchw".charAt(axis) + (throughLast ? ".." : "");
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        int[] d = in.shape().toArray();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= d[i];
        for (int i = axis + 1; i < 4; i++) inner *= d[i];
        int count = throughLast ? d[axis] * inner : d[axis], stride = throughLast ? 1 : inner, groups = throughLast ? 1 : inner;
        int fOuter = outer, block = d[axis] * inner;
        return pool -> {
            System.arraycopy(in.data(), 0, out.data(), 0, in.size());
            for (int o = 0; o < fOuter; o++) {
                for (int g = 0; g < groups; g++) Softmax.apply(out.data(), o * block + g, count, stride);
            }
        };
    }
}
