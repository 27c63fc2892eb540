package io.mssd.core.nn;

import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/** Permutes the four axes: output axis i is input axis perm[i] (an exported head's NCHW -> NHWC). */
public final class Transpose extends ParameterFreeLayer {
    private final int[] perm;

    public Transpose(String name, int[] perm) {
        super(name);
        boolean[] seen = new boolean[4];
        if (perm.length != 4) throw new IllegalArgumentException("layer " + name + ": permutation " + java.util.Arrays.toString(perm) + " is not of 4 axes");
        for (int p : perm) {
            if (p < 0 || p > 3 || seen[p]) throw new IllegalArgumentException("layer " + name + ": " + java.util.Arrays.toString(perm) + " is not a permutation of 0..3");
            seen[p] = true;
        }
        this.perm = perm.clone();
    }

    @Override
    public String type() {
        return "transpose " + perm[0] + perm[1] + perm[2] + perm[3];
    }

    @Override
    public Shape outputShape(Shape in) {
        int[] d = in.toArray();
        return Shape.of(d[perm[0]], d[perm[1]], d[perm[2]], d[perm[3]]);
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        int[] d = in.shape().toArray();
        int[] inStride = {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};
        int[] od = out.shape().toArray(), s = new int[4];
        for (int i = 0; i < 4; i++) s[i] = inStride[perm[i]];
        return pool -> {
            float[] x = in.data(), z = out.data();
            int o = 0;
            for (int a = 0; a < od[0]; a++) {
                for (int b = 0; b < od[1]; b++) {
                    for (int c = 0; c < od[2]; c++) {
                        int base = a * s[0] + b * s[1] + c * s[2];
                        for (int e = 0; e < od[3]; e++) z[o++] = x[base + e * s[3]];
                    }
                }
            }
        };
    }
}
