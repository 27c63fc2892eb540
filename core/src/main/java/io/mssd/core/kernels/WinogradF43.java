package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016): a 4x4 block of a 3x3 convolution's output from a 6x6 input tile as
 * Y = A^T [(G g G^T) . (B^T d B)] A, 36 multiplications per input channel instead of 144. The 36
 * element-wise products, summed over input channels, are 36 independent GEMMs, one per position of
 * the 6x6 transform; the transforms here run across channels (L channels per vector), which is why
 * the data they read and write keep channels innermost: input tiles [row][column][channel], the
 * transformed tiles V[position][tile][channel], the GEMMs' products M[position][tile][output channel].
 * Results differ from summing in input order by rounding only (the transforms are exact in real
 * arithmetic); the layer's tests bound the difference.
 */
public final class WinogradF43 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Channels per vector: the transforms' channel counts are padded to a multiple of this. */
    public static final int LANES = S.length();
    /** Transform positions (6x6), one GEMM each. */
    public static final int POSITIONS = 36;

    /** G (6x3): the filter transform, in double so that each transformed weight is rounded once. */
    private static final double[][] G = {
            {1 / 4.0, 0, 0},
            {-1 / 6.0, -1 / 6.0, -1 / 6.0},
            {-1 / 6.0, 1 / 6.0, -1 / 6.0},
            {1 / 24.0, 1 / 12.0, 1 / 6.0},
            {1 / 24.0, -1 / 12.0, 1 / 6.0},
            {0, 0, 1}};

    private static final ThreadLocal<float[]> TEMP = ThreadLocal.withInitial(() -> new float[40 * LANES]);

    private WinogradF43() {}

    /** Input channels rounded up to whole vectors. */
    public static int paddedInputs(int c) {
        return (c + LANES - 1) / LANES * LANES;
    }

    /** Output channels rounded up to whole strips of the GEMM's packed B. */
    public static int paddedOutputs(int c) {
        return VectorGemmKernel.paddedColumns(c);
    }

    /**
     * Weights [cout][cin][3][3] as U[position] = G g G^T, [cin padded][cout padded] (zero for padded channels), each
     * position packed for {@link VectorGemmKernel#multiplyPackedB} at position * cinP * coutP: the B operand
     * (k = input channels, columns = output channels) of the position's GEMM.
     */
    public static float[] transformWeights(float[] w, int cout, int cin) {
        float[] packed = new float[POSITIONS * paddedInputs(cin) * paddedOutputs(cout)];
        transformWeights(w, cout, cin, packed);
        return packed;
    }

    /** {@link #transformWeights(float[], int, int)} into {@code packed} (after a training step: in place). */
    public static void transformWeights(float[] w, int cout, int cin, float[] packed) {
        int cinP = paddedInputs(cin), coutP = paddedOutputs(cout);
        float[] u = new float[POSITIONS * cinP * coutP];
        double[] gg = new double[18];
        for (int o = 0; o < cout; o++) {
            for (int c = 0; c < cin; c++) {
                int src = (o * cin + c) * 9;
                for (int r = 0; r < 6; r++) { // G g: 6x3
                    for (int x = 0; x < 3; x++) {
                        gg[r * 3 + x] = G[r][0] * w[src + x] + G[r][1] * w[src + 3 + x] + G[r][2] * w[src + 6 + x];
                    }
                }
                for (int r = 0; r < 6; r++) { // (G g) G^T: 6x6
                    for (int q = 0; q < 6; q++) {
                        double v = gg[r * 3] * G[q][0] + gg[r * 3 + 1] * G[q][1] + gg[r * 3 + 2] * G[q][2];
                        u[((r * 6 + q) * cinP + c) * coutP + o] = (float) v;
                    }
                }
            }
        }
        for (int p = 0, size = cinP * coutP; p < POSITIONS; p++) VectorGemmKernel.packB(u, p * size, cinP, coutP, packed, p * size);
    }

    /** Channels of the input band taken at a time: 6 rows of them stay in L1 while their tiles are transformed. */
    private static final int BAND_CHANNELS = 4 * LANES;
    private static final ThreadLocal<float[]> BAND = ThreadLocal.withInitial(() -> new float[0]);

    /** Bands of channels {@link #inputRow} takes at a time (units of work to split over threads). */
    public static int bands(int cinP) {
        return (cinP + BAND_CHANNELS - 1) / BAND_CHANNELS;
    }

    /**
     * The tiles of one row of tiles: tile x of row {@code tileRow} covers the 6x6 input pixels from
     * (4 tileRow - padT, 4 x - padL) (zero outside the map) of the image at x[xOff] ([cin][h][w]) and writes its 36
     * transformed values to v[vOff + (position * tiles + firstTile + x) * cinP + channel], for {@code tilesX}
     * tiles, the channels of band {@code channelBand} (see {@link #bands}). The band's 6 input rows are first
     * copied into a buffer [row][column][channel] that stays in L1 (channels innermost, so that a vector holds
     * channels); padded channels are zero.
     */
    public static void inputRow(float[] x, int xOff, int cin, int h, int w, int padT, int padL, int tileRow, int tilesX,
                                int cinP, float[] v, int vOff, int tiles, int firstTile, int channelBand) {
        float[] t = ThreadBuffers.atLeast(TEMP, 40 * LANES);
        int bw = 4 * tilesX + 2, plane = h * w;
        float[] band = ThreadBuffers.atLeast(BAND, 6 * bw * BAND_CHANNELS);
        int colStride = BAND_CHANNELS, rowStride = bw * BAND_CHANNELS, posStride = tiles * cinP;
        int c0 = channelBand * BAND_CHANNELS, c1 = Math.min(cinP, c0 + BAND_CHANNELS), real = Math.min(cin, c1);
        for (int r = 0; r < 6; r++) {
            int iy = 4 * tileRow + r - padT;
            for (int px = 0; px < bw; px++) {
                int ix = px - padL, dst = (r * bw + px) * BAND_CHANNELS - c0, c = c0;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    for (int src = xOff + c0 * plane + iy * w + ix; c < real; c++, src += plane) band[dst + c] = x[src];
                }
                for (; c < c1; c++) band[dst + c] = 0f;
            }
        }
        for (int tx = 0; tx < tilesX; tx++) {
            int base = 4 * tx * colStride, dst = vOff + (firstTile + tx) * cinP + c0;
            for (int c = 0; c < c1 - c0; c += LANES) {
                // B^T d, column by column: t[k][j] (the same six formulas as the row pass below, written out twice:
                // a helper taking or returning vectors boxes them wherever C2 does not inline it)
                for (int j = 0, p = base + c; j < 6; j++, p += colStride) {
                    FloatVector d0 = FloatVector.fromArray(S, band, p), d1 = FloatVector.fromArray(S, band, p + rowStride),
                            d2 = FloatVector.fromArray(S, band, p + 2 * rowStride),
                            d3 = FloatVector.fromArray(S, band, p + 3 * rowStride),
                            d4 = FloatVector.fromArray(S, band, p + 4 * rowStride),
                            d5 = FloatVector.fromArray(S, band, p + 5 * rowStride);
                    FloatVector s42 = d4.sub(d2), s31 = d3.sub(d1);
                    d0.mul(4f).sub(d2.mul(5f)).add(d4).intoArray(t, j * LANES);
                    s42.sub(d1.add(d2).mul(4f).sub(d3.add(d2))).intoArray(t, (6 + j) * LANES);
                    s42.add(d1.sub(d2).mul(4f).sub(d3.sub(d2))).intoArray(t, (12 + j) * LANES);
                    s42.add(s31.mul(2f)).intoArray(t, (18 + j) * LANES);
                    s42.sub(s31.mul(2f)).intoArray(t, (24 + j) * LANES);
                    d1.mul(4f).sub(d3.mul(5f)).add(d5).intoArray(t, (30 + j) * LANES);
                }
                // (B^T d) B, row by row: v[k][l]
                for (int k = 0, q = dst + c; k < 6; k++, q += 6 * posStride) {
                    int r = k * 6 * LANES;
                    FloatVector d0 = FloatVector.fromArray(S, t, r), d1 = FloatVector.fromArray(S, t, r + LANES),
                            d2 = FloatVector.fromArray(S, t, r + 2 * LANES), d3 = FloatVector.fromArray(S, t, r + 3 * LANES),
                            d4 = FloatVector.fromArray(S, t, r + 4 * LANES), d5 = FloatVector.fromArray(S, t, r + 5 * LANES);
                    FloatVector s42 = d4.sub(d2), s31 = d3.sub(d1);
                    d0.mul(4f).sub(d2.mul(5f)).add(d4).intoArray(v, q);
                    s42.sub(d1.add(d2).mul(4f).sub(d3.add(d2))).intoArray(v, q + posStride);
                    s42.add(d1.sub(d2).mul(4f).sub(d3.sub(d2))).intoArray(v, q + 2 * posStride);
                    s42.add(s31.mul(2f)).intoArray(v, q + 3 * posStride);
                    s42.sub(s31.mul(2f)).intoArray(v, q + 4 * posStride);
                    d1.mul(4f).sub(d3.mul(5f)).add(d5).intoArray(v, q + 5 * posStride);
                }
            }
        }
    }

    /**
     * One tile's 4x4 outputs for output channels [o, o + LANES), cut to {@code rows} x {@code cols} at the map's
     * edge: reads m[mOff + (position * tiles + tile) * coutP + o], adds the bias, applies the activation and writes
     * channel oc's pixel (y0 + r, x0 + q) to out[outOff + oc * plane + (y0 + r) * ow + x0 + q], for channels below
     * {@code cout}.
     */
    public static void outputTile(float[] m, int mOff, int tiles, int coutP, int tile, int o, int cout, float[] bias,
                                  Activation act, float[] out, int outOff, int plane, int ow, int y0, int x0, int rows,
                                  int cols) {
        float[] s = ThreadBuffers.atLeast(TEMP, 40 * LANES);
        int posStride = tiles * coutP, base = mOff + tile * coutP + o, y = 24 * LANES;
        // A^T m, column by column: s[r][l]
        for (int l = 0, p = base; l < 6; l++, p += posStride) {
            FloatVector m0 = FloatVector.fromArray(S, m, p), m1 = FloatVector.fromArray(S, m, p + 6 * posStride),
                    m2 = FloatVector.fromArray(S, m, p + 12 * posStride), m3 = FloatVector.fromArray(S, m, p + 18 * posStride),
                    m4 = FloatVector.fromArray(S, m, p + 24 * posStride), m5 = FloatVector.fromArray(S, m, p + 30 * posStride);
            FloatVector a12 = m1.add(m2), s12 = m1.sub(m2), a34 = m3.add(m4), s34 = m3.sub(m4);
            a12.add(a34).add(m0).intoArray(s, l * LANES);
            s12.add(s34.mul(2f)).intoArray(s, (6 + l) * LANES);
            a12.add(a34.mul(4f)).intoArray(s, (12 + l) * LANES);
            s12.add(s34.mul(8f)).add(m5).intoArray(s, (18 + l) * LANES);
        }
        // (A^T m) A, row by row: s[y + (r * 4 + q) * LANES + lane]
        for (int r = 0; r < 4; r++) {
            int p = r * 6 * LANES, q = y + r * 4 * LANES;
            FloatVector m0 = FloatVector.fromArray(S, s, p), m1 = FloatVector.fromArray(S, s, p + LANES),
                    m2 = FloatVector.fromArray(S, s, p + 2 * LANES), m3 = FloatVector.fromArray(S, s, p + 3 * LANES),
                    m4 = FloatVector.fromArray(S, s, p + 4 * LANES), m5 = FloatVector.fromArray(S, s, p + 5 * LANES);
            FloatVector a12 = m1.add(m2), s12 = m1.sub(m2), a34 = m3.add(m4), s34 = m3.sub(m4);
            a12.add(a34).add(m0).intoArray(s, q);
            s12.add(s34.mul(2f)).intoArray(s, q + LANES);
            a12.add(a34.mul(4f)).intoArray(s, q + 2 * LANES);
            s12.add(s34.mul(8f)).add(m5).intoArray(s, q + 3 * LANES);
        }
        // channels apart by a plane in the output: scalar stores
        for (int lane = 0, lanes = Math.min(LANES, cout - o); lane < lanes; lane++) {
            int oc = o + lane, dst = outOff + oc * plane + y0 * ow + x0;
            float b = bias == null ? 0f : bias[oc];
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < cols; q++) out[dst + r * ow + q] = act.apply(s[y + (r * 4 + q) * LANES + lane] + b);
            }
        }
    }
}
