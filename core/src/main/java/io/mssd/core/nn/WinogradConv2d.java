package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.VectorGemmKernel;
import io.mssd.core.kernels.VectorSupport;
import io.mssd.core.kernels.WinogradF43;
import io.mssd.core.tensor.Shape;
import io.mssd.core.tensor.Tensor;

/**
 * 3x3 stride-1 convolution by Winograd's F(4x4, 3x3) ({@link WinogradF43}): a quarter of im2col + GEMM's
 * multiplications, and no 9x unfolded copy of the input. Per image: each 6x6 tile of the input transformed
 * (channels in vectors), one GEMM per transform position ([tiles x cin] x [cin x cout], the weights transformed
 * and packed for it once), and each 4x4 block of the output transformed back, with bias and activation. Maps
 * under {@link #MIN_SIDE} pixels a side run as im2col + GEMM: their tiles would be mostly padding. Sums differ
 * from input-order summation by rounding (see WinogradF43), so integer-valued (quantised) data takes
 * {@link Convolution#exact} instead.
 */
public final class WinogradConv2d extends Convolution {
    /** Output maps with fewer rows or columns than this run as im2col + GEMM (see bench --profile). */
    static final int MIN_SIDE = 6;
    private final Conv2d direct;
    private final int cinP, coutP;
    /**
     * U[position][cinP][coutP], packed: made on the first bind to a map large enough (4x the weights' size: not
     * for a layer that only ever meets small maps), refreshed in place by {@link #weightsChanged()}.
     */
    private float[] transformed;

    public WinogradConv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation) {
        this(name, spec, weights, bias, activation, GemmKernel.fastest());
    }

    public WinogradConv2d(String name, ConvSpec spec, float[] weights, float[] bias, Activation activation, GemmKernel gemm) {
        super(name, spec, weights, bias, activation);
        if (!fits(spec)) throw new IllegalArgumentException("layer " + name + ": not a 3x3/1 convolution without groups");
        if (!VectorSupport.available()) {
            throw new IllegalStateException("layer " + name + ": Winograd's transforms need jdk.incubator.vector (see VectorSupport)");
        }
        this.direct = new Conv2d(name, spec, weights, bias, activation, gemm);
        this.cinP = WinogradF43.paddedInputs(spec.cin());
        this.coutP = WinogradF43.paddedOutputs(spec.cout());
    }

    /** True for the geometry this layer computes: 3x3, stride 1, no groups. */
    public static boolean fits(ConvSpec spec) {
        return spec.kh() == 3 && spec.kw() == 3 && spec.stride() == 1 && spec.groups() == 1;
    }

    private synchronized float[] transformed() {
        if (transformed == null) transformed = WinogradF43.transformWeights(weights, spec.cout(), spec.cin());
        return transformed;
    }

    @Override
    public synchronized void weightsChanged() {
        direct.weightsChanged(); // small maps: its own packed copy
        if (transformed == null) return;
        WinogradF43.transformWeights(weights, spec.cout(), spec.cin(), transformed); // in place: bound steps hold it
    }

    private static boolean small(Shape out) {
        return out.h() < MIN_SIDE || out.w() < MIN_SIDE;
    }

    /** Tiles down and across for an output map. */
    private static int tiles(int side) {
        return (side + 3) / 4;
    }

    @Override
    public long scratchFloats(Shape in) {
        Shape out = outputShape(in);
        if (small(out)) return direct.scratchFloats(in);
        long t = (long) tiles(out.h()) * tiles(out.w());
        return WinogradF43.POSITIONS * t * (cinP + coutP);
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return bind(in, out, scratch, false);
    }

    /**
     * True when this layer, run right after {@code previous} on the same input, may take the transformed input
     * tiles that previous left in the scratch buffer (pytorch-ssd's classification and regression headers on one
     * feature map): same input channels and padding, one image, a map large enough for Winograd.
     */
    public boolean sharesInputTilesWith(Layer previous, Shape in) {
        return previous instanceof WinogradConv2d p && p != this && p.spec.cin() == spec.cin()
                && p.spec.padding().equals(spec.padding()) && in.n() == 1 && !small(outputShape(in));
    }

    /**
     * Binds this layer to run right after {@code previous} (see {@link #sharesInputTilesWith}) without transforming
     * the input again: previous's step leaves V at the start of the same scratch buffer.
     */
    public Step bindAfter(Layer previous, Tensor in, Tensor out, float[] scratch) {
        if (!sharesInputTilesWith(previous, in.shape())) {
            throw new IllegalArgumentException("layer " + name + " cannot take " + previous.name() + "'s input tiles");
        }
        return bind(in, out, scratch, true);
    }

    private Step bind(Tensor in, Tensor out, float[] scratch, boolean tilesReady) {
        Shape s = in.shape(), o = out.shape();
        if (small(o)) return direct.bind(in, out, scratch);
        int th = tiles(o.h()), tw = tiles(o.w()), tiles = th * tw, bands = WinogradF43.bands(cinP);
        int padT = spec.padding().before(s.h(), 3, 1, true), padL = spec.padding().before(s.w(), 3, 1, false);
        int cin = spec.cin(), cout = spec.cout(), h = s.h(), w = s.w(), plane = s.plane(), oPlane = o.plane();
        // scratch: V [36][tiles][cinP], then M [36][tiles][coutP]
        int vOff = 0, mOff = WinogradF43.POSITIONS * tiles * cinP;
        float[] x = in.data(), y = out.data(), u = transformed();
        int[] image = new int[1];
        ComputePool.RangeTask transformIn = (i0, i1, worker) -> { // units: (row of tiles, band of channels)
            for (int i = i0; i < i1; i++) {
                int ty = i / bands, band = i % bands;
                WinogradF43.inputRow(x, image[0] * cin * plane, cin, h, w, padT, padL, ty, tw, cinP, scratch, vOff, tiles,
                        ty * tw, band);
            }
        };
        ComputePool.RangeTask products = (p0, p1, worker) -> {
            for (int p = p0; p < p1; p++) {
                VectorGemmKernel.multiplyPackedB(tiles, coutP, cinP, scratch, vOff + p * tiles * cinP, u,
                        p * cinP * coutP, scratch, mOff + p * tiles * coutP);
            }
        };
        ComputePool.RangeTask transformOut = (t0, t1, worker) -> {
            int outOff = image[0] * cout * oPlane;
            for (int t = t0; t < t1; t++) {
                int ty = t / tw, tx = t % tw, rows = Math.min(4, o.h() - 4 * ty), cols = Math.min(4, o.w() - 4 * tx);
                for (int oc = 0; oc < cout; oc += WinogradF43.LANES) {
                    WinogradF43.outputTile(scratch, mOff, tiles, coutP, t, oc, cout, bias, activation, y, outOff, oPlane,
                            o.w(), 4 * ty, 4 * tx, rows, cols);
                }
            }
        };
        return pool -> {
            for (int b = 0; b < s.n(); b++) {
                image[0] = b;
                if (!tilesReady) pool.parallelFor(th * bands, 1, transformIn);
                pool.parallelFor(WinogradF43.POSITIONS, 1, products);
                pool.parallelFor(tiles, 1, transformOut);
            }
        };
    }
}
