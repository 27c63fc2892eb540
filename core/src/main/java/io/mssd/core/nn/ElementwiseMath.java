package io.mssd.core.nn;

import io.mssd.core.tensor.Tensor;

/** Parameter-free element-wise functions an exported graph may hold outside its convolutions. */
public final class ElementwiseMath extends ElementwiseLayer {

    public enum Function { EXP, SIGMOID, CLIP }

    private final Function function;
    private final float lo, hi;

    public ElementwiseMath(String name, Function function) {
        this(name, function, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /** lo and hi bound CLIP (NaN passes through, as in ONNX Clip). */
    public ElementwiseMath(String name, Function function, float lo, float hi) {
        super(name);
        this.function = function;
        this.lo = lo;
        this.hi = hi;
    }

    @Override
    public String type() {
        return function == Function.CLIP ? "clip " + lo + ".." + hi : function.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return pool -> {
            float[] x = in.data(), y = out.data();
            int n = in.size();
            switch (function) {
                case EXP -> { for (int i = 0; i < n; i++) y[i] = (float) Math.exp(x[i]); }
                case SIGMOID -> { for (int i = 0; i < n; i++) y[i] = (float) (1 / (1 + Math.exp(-x[i]))); }
                case CLIP -> {
                    for (int i = 0; i < n; i++) {
                        float v = x[i];
                        y[i] = v < lo ? lo : (v > hi ? hi : v);
                    }
                }
            }
        };
    }
}
