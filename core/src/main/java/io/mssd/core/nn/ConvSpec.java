package io.mssd.core.nn;

/** Geometry of a 2-D convolution (dilation 1). Weights are stored [cout][cin/groups][kh][kw]. */
public record ConvSpec(int cin, int cout, int kh, int kw, int stride, int groups, Padding padding) {

    public ConvSpec {
        if (cin <= 0 || cout <= 0) throw new IllegalArgumentException("channels must be > 0, got cin=" + cin + " cout=" + cout);
        if (kh <= 0 || kw <= 0) throw new IllegalArgumentException("kernel must be > 0, got " + kh + "x" + kw);
        if (stride <= 0) throw new IllegalArgumentException("stride must be > 0, got " + stride);
        if (groups <= 0 || cin % groups != 0 || cout % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide cin=" + cin + " and cout=" + cout);
        }
    }

    public static ConvSpec conv(int cin, int cout, int k, int stride, Padding padding) {
        return new ConvSpec(cin, cout, k, k, stride, 1, padding);
    }

    public static ConvSpec depthwise(int channels, int k, int stride, Padding padding) {
        return new ConvSpec(channels, channels, k, k, stride, channels, padding);
    }

    public static ConvSpec pointwise(int cin, int cout) {
        return new ConvSpec(cin, cout, 1, 1, 1, 1, Padding.VALID);
    }

    public int weightCount() {
        return cout * (cin / groups) * kh * kw;
    }

    public boolean isDepthwise() {
        return groups == cin && groups == cout;
    }

    public boolean isPointwise() {
        return kh == 1 && kw == 1 && stride == 1 && groups == 1
                && (padding.kind() == Padding.Kind.SAME || (padding.padH() == 0 && padding.padW() == 0));
    }
}
