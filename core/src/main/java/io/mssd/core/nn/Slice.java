package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** A strided window: along axis i, {@code count[i]} values from {@code start[i]} every {@code step[i]} (step may be negative). */
public final class Slice extends ParameterFreeLayer {
    private final int[] start, step, count;

    public Slice(String name, int[] start, int[] step, int[] count) {
        super(name);
        if (start.length != 4 || step.length != 4 || count.length != 4) throw new IllegalArgumentException("layer " + name + ": slice needs 4 axes");
        for (int i = 0; i < 4; i++) {
            if (count[i] <= 0 || step[i] == 0) throw new IllegalArgumentException("layer " + name + ": empty slice along axis " + i);
        }
        this.start = start.clone();
        this.step = step.clone();
        this.count = count.clone();
    }

    @Override
    public String type() {
        return "slice";
    }

    @Override
    public Shape outputShape(Shape in) {
        int[] d = in.toArray();
        for (int i = 0; i < 4; i++) {
            long last = start[i] + (long) (count[i] - 1) * step[i];
            if (start[i] < 0 || start[i] >= d[i] || last < 0 || last >= d[i]) {
                throw Layer.shapeError(this, "axis " + i + " to hold indices " + start[i] + ".." + last, in);
            }
        }
        return Shape.of(count[0], count[1], count[2], count[3]);
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        int[] d = in.shape().toArray();
        int[] st = {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};
        return pool -> {
            float[] x = in.data(), z = out.data();
            int o = 0;
            for (int a = 0; a < count[0]; a++) {
                int ia = (start[0] + a * step[0]) * st[0];
                for (int b = 0; b < count[1]; b++) {
                    int ib = ia + (start[1] + b * step[1]) * st[1];
                    for (int c = 0; c < count[2]; c++) {
                        int ic = ib + (start[2] + c * step[2]) * st[2] + start[3];
                        if (step[3] == 1) {
                            System.arraycopy(x, ic, z, o, count[3]);
                            o += count[3];
                        } else {
                            for (int e = 0; e < count[3]; e++) z[o++] = x[ic + e * step[3]];
                        }
                    }
                }
            }
        };
    }
}
