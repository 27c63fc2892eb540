package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.VectorSupport;
import io.mssd.core.tensor.Shape;

/**
 * Common part of the three convolution layers: geometry, weights [cout][cin/groups][kh][kw],
 * optional bias, fused activation, shape arithmetic and accounting.
 * {@link #of} picks the fastest implementation for the geometry.
 */
public abstract class Convolution implements Layer {
    protected final String name;
    protected final ConvSpec spec;
    protected final float[] weights;
    protected final float[] bias;
    protected final Activation activation;

    protected Convolution(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        this.name = name;
        this.spec = spec;
        if (weights.length != spec.weightCount()) {
            throw new IllegalArgumentException("layer " + name + ": weights have " + weights.length
                    + " values, expected " + spec.weightCount() + " for " + spec.cout() + "x" + (spec.cin() / spec.groups())
                    + "x" + spec.kh() + "x" + spec.kw());
        }
        if (bias != null && bias.length != spec.cout()) {
            throw new IllegalArgumentException("layer " + name + ": bias has " + bias.length + " values, expected " + spec.cout());
        }
        this.weights = weights;
        this.bias = bias;
        this.activation = activation;
    }

    /**
     * The fastest layer for this geometry: pointwise GEMM, depthwise kernel, Winograd for 3x3/1 convolutions over
     * at least {@link #WINOGRAD_MIN_CHANNELS} input channels (with the Vector API: its transforms are vector code),
     * else im2col + GEMM.
     */
    public static Convolution of(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        if (WinogradConv2d.fits(spec) && spec.cin() >= WINOGRAD_MIN_CHANNELS && VectorSupport.available()) {
            return new WinogradConv2d(name, spec, weights, bias, activation);
        }
        return exact(name, spec, weights, bias, activation);
    }

    /** Winograd's transforms pay for themselves from this many input channels (a few vectors of them). */
    public static final int WINOGRAD_MIN_CHANNELS = 32;

    /**
     * Like {@link #of}, but every output is its bias then the products in input order (no Winograd), as the
     * integer-valued data of quantised models need: their sums are then exact.
     */
    public static Convolution exact(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        if (spec.isPointwise()) return new PointwiseConv2d(name, spec, weights, bias, activation);
        if (spec.isDepthwise()) return new DepthwiseConv2d(name, spec, weights, bias, activation);
        return new Conv2d(name, spec, weights, bias, activation);
    }

    /**
     * Call after changing {@link #weights()} in place (a training step): a layer that keeps its weights in
     * another form (Winograd's transformed weights) rebuilds it. Not while a forward pass runs.
     */
    public void weightsChanged() {}

    public ConvSpec spec() {
        return spec;
    }

    public float[] weights() {
        return weights;
    }

    public float[] bias() {
        return bias;
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.c() != spec.cin()) throw Layer.shapeError(this, spec.cin() + " channels", in);
        int oh = spec.padding().outSize(in.h(), spec.kh(), spec.stride(), true);
        int ow = spec.padding().outSize(in.w(), spec.kw(), spec.stride(), false);
        if (oh <= 0 || ow <= 0) {
            throw Layer.shapeError(this, "at least " + spec.kh() + "x" + spec.kw() + " pixels (" + spec.padding() + ")", in);
        }
        return Shape.of(in.n(), spec.cout(), oh, ow);
    }

    @Override
    public long params() {
        return spec.weightCount();
    }

    @Override
    public long multAdds(Shape in) {
        Shape out = outputShape(in);
        return (long) out.n() * out.c() * out.h() * out.w() * (spec.cin() / spec.groups()) * spec.kh() * spec.kw();
    }

    @Override
    public boolean isPointwise() {
        return spec.kh() == 1 && spec.kw() == 1;
    }

    @Override
    public String type() {
        String kind = spec.isDepthwise() ? "dw" : (spec.groups() > 1 ? "conv g" + spec.groups() : "conv");
        String act = activation == Activation.NONE ? "" : "+" + activation.name().toLowerCase();
        return kind + " " + spec.kh() + "x" + spec.kw() + "/" + spec.stride() + act;
    }
}
