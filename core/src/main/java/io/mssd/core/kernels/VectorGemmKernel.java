package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the JDK Vector API, blocked as in BLIS: for each panel of B (k-block x column panel,
 * packed into 2-vector strips that each fit L1), blocks of MC rows of A are copied row-contiguous
 * (they stay in L2) and a 6x2-vector register tile (12 accumulators) runs along each group of 6 rows,
 * strip after strip (the 6 rows of A stay in L1, and C is written in 6 streams). Bias is
 * the accumulators' start value and the activation is applied to each tile right after its final
 * store, while it is in L1. Every element is bias followed by one FMA per k in order, whatever the
 * blocking, so any split of C over rows, columns or threads gives the same bits; blocks under one
 * vector wide (the 1x1 and 2x2 maps) are dot products along k instead (see narrow()), whose order
 * depends only on k.
 */
public final class VectorGemmKernel implements GemmKernel {
    public static final VectorGemmKernel INSTANCE = new VectorGemmKernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * k-block: 512 (one block for the 512-channel 19x19 layers, so C is written once, not stored and reloaded)
     * ran the whole network 2.5-3% faster than 256 (1x1 layers of 19x19 and 10x10 maps 0.91-0.98x, both orders
     * of bench/NetworkAB.java, JDK 17 and 25); 128: 1.05-1.18x; 1024: no better than 512.
     */
    private static final int KC = 512;
    private static final int NC = 512;
    private static final int MR = 6;
    /** Rows of A copied per block: 72 x 512 floats = 144 KiB, in L2 while the strips of B pass. */
    private static final int MC = 72;

    private VectorGemmKernel() {}

    @Override
    public String name() {
        return "vector-" + (L * 32) + "bit";
    }

    @Override
    public int rowGrain() {
        return MR;
    }

    /** Per-thread packing buffers (grown on first use, then reused: no allocation per call). */
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * NC]);
    private static final ThreadLocal<float[]> PACK_A = ThreadLocal.withInitial(() -> new float[MC * KC]);
    /** The last 2-vector strip of a block that does not end on one, by rows (see block()). */
    private static final ThreadLocal<float[]> PACK_C = ThreadLocal.withInitial(() -> new float[0]);

    @Override
    public void block(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] b, int bOff,
                      float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        block(r0, r1, j0, j1, n, k, a, aOff, null, b, bOff, c, cOff, bias, biasOff, act);
    }

    /**
     * A [m x k] laid out as block() copies it into its row blocks on every call: k-block after k-block (KC
     * columns), each the m rows of that block KC floats apart (zeros past k in the last). Done once for constant
     * operands (a layer's weights), it spares block() copying them: on the weight-heavy 1x1 layers of small maps
     * (1024 x 1024 weights for 100 pixels) that copy cost 5-12% of the product.
     */
    @Override
    public float[] packA(int m, int k, float[] a, int aOff) {
        int blocks = (k + KC - 1) / KC;
        float[] packed = new float[blocks * m * KC];
        packA(m, k, a, aOff, packed);
        return packed;
    }

    /** {@link #packA(int, int, float[], int)} into {@code packed} (in place, when the weights change). */
    @Override
    public void packA(int m, int k, float[] a, int aOff, float[] packed) {
        for (int pc = 0, kb = 0; pc < k; pc += KC, kb++) {
            int kc = Math.min(k, pc + KC) - pc;
            packRows(a, aOff, k, pc, kc, 0, m, packed, kb * m * KC);
        }
    }

    @Override
    public void block(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] packedA, float[] b,
                      int bOff, float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        if (j1 - j0 < L) {
            narrow(r0, r1, j0, j1, n, k, a, aOff, b, bOff, c, cOff, bias, biasOff, act);
            return;
        }
        if (j1 - j0 < 2 * L) {
            oneStrip(r0, r1, j0, j1, n, k, a, aOff, b, bOff, c, cOff, bias, biasOff, act);
            return;
        }
        // A block at least two vectors wide that does not end on a strip gets one more 2-vector strip ending
        // at j1, computed into a scratch tile (it overlaps the last regular strip, whose columns it recomputes
        // in the same order, to the same values) and copied over the columns the regular strips leave: the
        // 5x5 and 19x19 maps' last columns then run in the 6x2 tile, not in single-vector ones.
        // The regular strips end at vecEnd; NC is a multiple of 2L, so each jc block below is whole strips.
        int width = j1 - j0;
        boolean lastStrip = width % (2 * L) != 0;
        int vecEnd = j0 + width / (2 * L) * (2 * L);
        float[] panel = ThreadBuffers.atLeast(PACK, KC * (NC + 2 * L));
        // the rows of A: this call's copy of each row block, or where packA put them (all m rows per k-block)
        float[] rowsA = packedA != null ? packedA : PACK_A.get();
        int rowsOfA = packedA != null ? packedA.length / ((k + KC - 1) / KC * KC) : 0;
        float[] tail = lastStrip ? ThreadBuffers.atLeast(PACK_C, (r1 - r0) * 2 * L) : null;
        for (int jc = j0; jc < vecEnd; jc += NC) {
            int jEnd = Math.min(vecEnd, jc + NC);
            int strips = (jEnd - jc) / (2 * L);
            boolean withTail = lastStrip && jEnd == vecEnd;
            for (int pc = 0; pc < k; pc += KC) {
                int pEnd = Math.min(k, pc + KC), kc = pEnd - pc;
                boolean first = pc == 0, last = pEnd == k;
                int kBlockA = pc / KC * rowsOfA * KC; // packed A: this k-block's rows
                // copy B[pc..pEnd, jc..jEnd) into strips 2L wide: rows of B lie n floats apart (often a power
                // of two, which would make them fight over the same L1 sets), a strip's rows 2L
                packPanel(b, bOff + pc * n + jc, n, kc, strips, panel, 0);
                if (withTail) packPanel(b, bOff + pc * n + j1 - 2 * L, n, kc, 1, panel, strips * kc * 2 * L);
                for (int ic = r0; ic < r1; ic += MC) {
                    int iEnd = Math.min(r1, ic + MC);
                    // rows KC apart whatever kc is: the 6x2 tile then reads A at constant offsets from one index
                    int a0 = kBlockA + ic * KC; // row ic of A in rowsA
                    if (packedA == null) {
                        a0 = 0;
                        packRows(a, aOff, k, pc, kc, ic, iEnd, rowsA, 0);
                    }
                    // rows outer, strips inner: C is written a few rows at a time along the panel (streams the
                    // prefetcher follows), not two vectors down every row of the block for each strip in turn
                    for (int g0 = ic, g1; g0 < iEnd; g0 = g1) {
                        g1 = rowGroupEnd(g0, iEnd);
                        for (int s = 0; s < strips; s++) {
                            rows(g0, g1, jc + s * 2 * L, kc, rowsA, a0 + (g0 - ic) * KC, KC, panel, s * kc * 2 * L, n,
                                    c, cOff, bias, biasOff, act, first, last);
                        }
                    }
                    if (withTail) { // into the scratch tile: row i at (i - r0) * 2L
                        rows(ic, iEnd, 0, kc, rowsA, a0, KC, panel, strips * kc * 2 * L, 2 * L, tail,
                                -r0 * 2 * L, bias, biasOff, act, first, last);
                    }
                }
            }
        }
        if (lastStrip) {
            int from = vecEnd - (j1 - 2 * L); // the scratch tile's first column not computed by a regular strip
            for (int i = r0; i < r1; i++) {
                System.arraycopy(tail, (i - r0) * 2 * L + from, c, cOff + i * n + vecEnd, j1 - vecEnd);
            }
        }
    }

    /** Columns of one strip of a packed B (see {@link #packB}): packed widths are multiples of it. */
    public static int stripWidth() {
        return 2 * L;
    }

    /** {@code n} columns rounded up to whole strips: the width of a packed B that holds them. */
    public static int paddedColumns(int n) {
        return (n + 2 * L - 1) / (2 * L) * (2 * L);
    }

    /**
     * B [k x n] (n a multiple of {@link #stripWidth()}) laid out as {@link #multiplyPackedB} reads it: per k-block of
     * KC rows, strip after strip, each strip's rows 2L floats apart (what block() copies B into on every call).
     * Done once for constant operands (transformed weights) that a few rows of A meet.
     */
    public static float[] packB(float[] b, int bOff, int k, int n) {
        float[] packed = new float[k * n];
        packB(b, bOff, k, n, packed, 0);
        return packed;
    }

    /** {@link #packB(float[], int, int, int)} into packed[q0 .. q0 + k * n). */
    public static void packB(float[] b, int bOff, int k, int n, float[] packed, int q0) {
        if (n % (2 * L) != 0) throw new IllegalArgumentException("packed B needs a multiple of " + 2 * L + " columns, got " + n);
        for (int pc = 0; pc < k; pc += KC) { // block()'s panel, k-block after k-block
            int kc = Math.min(k, pc + KC) - pc;
            packPanel(b, bOff + pc * n, n, kc, n / (2 * L), packed, q0 + pc * n);
        }
    }

    /**
     * C [m x n] = A [m x k] B, with B packed by {@link #packB} (starting at bOff): no bias, no activation. The same
     * per-element order as block(), so the same bits; B is read where it lies instead of copied on every call.
     */
    public static void multiplyPackedB(int m, int n, int k, float[] a, int aOff, float[] packed, int bOff, float[] c, int cOff) {
        multiplyPackedB(m, n, k, a, aOff, packed, bOff, c, cOff, 0, n, false);
    }

    /**
     * Columns [j0, j1) (multiples of {@link #stripWidth()}) of C = A B as above; with {@code accumulate}, each element
     * starts from the value C holds (a bias written there first: then bias and one FMA per k in order, block()'s
     * order and bits) instead of zero.
     */
    public static void multiplyPackedB(int m, int n, int k, float[] a, int aOff, float[] packed, int bOff, float[] c, int cOff,
                                       int j0, int j1, boolean accumulate) {
        float[] rowsA = PACK_A.get();
        for (int pc = 0; pc < k; pc += KC) {
            int pEnd = Math.min(k, pc + KC), kc = pEnd - pc;
            boolean first = pc == 0 && !accumulate, last = pEnd == k;
            for (int ic = 0; ic < m; ic += MC) {
                int iEnd = Math.min(m, ic + MC);
                packRows(a, aOff, k, pc, kc, ic, iEnd, rowsA, 0);
                // strips outer: each strip of B (16 KiB) is read from memory once and stays in L1 while the row groups
                // (in L2) pass; a k-block of B for a thousand columns (1 MiB) would not stay in L2 for the next group
                for (int j = j0; j < j1; j += 2 * L) {
                    for (int g0 = ic, g1; g0 < iEnd; g0 = g1) {
                        g1 = rowGroupEnd(g0, iEnd);
                        rows(g0, g1, j, kc, rowsA, (g0 - ic) * KC, KC, packed, bOff + pc * n + j * kc, n, c, cOff,
                                null, 0, Activation.NONE, first, last);
                    }
                }
            }
        }
    }

    /**
     * A block one to two vectors wide (the 3x3 maps: 9 columns) as a single 2-vector strip, zero past its
     * last column, through the 6x2 tile into a scratch tile, then copied out: one pass of the 6x2 tile
     * instead of a single-vector strip and a single-vector ragged tail over the whole k (each with 6 FMA
     * chains, the tail reading A in place). Same per-element order, so the same bits.
     */
    private static void oneStrip(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] b, int bOff,
                                 float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        int width = j1 - j0;
        float[] panel = ThreadBuffers.atLeast(PACK, KC * (NC + 2 * L)), rowsA = PACK_A.get();
        float[] tile = ThreadBuffers.atLeast(PACK_C, (r1 - r0) * 2 * L);
        for (int pc = 0; pc < k; pc += KC) {
            int pEnd = Math.min(k, pc + KC), kc = pEnd - pc;
            boolean first = pc == 0, last = pEnd == k;
            // each row of B[pc..pEnd, j0..j1), then zeros: plain loops, so that this path, run a few times a frame and
            // compiled by C2 late, holds no vector objects meanwhile (the 6x2 tile in rows() is compiled early)
            for (int p = 0, q = 0, src = bOff + pc * n + j0; p < kc; p++, q += 2 * L, src += n) {
                for (int x = 0; x < width; x++) panel[q + x] = b[src + x];
                for (int x = width; x < 2 * L; x++) panel[q + x] = 0f;
            }
            for (int ic = r0; ic < r1; ic += MC) {
                int iEnd = Math.min(r1, ic + MC);
                packRows(a, aOff, k, pc, kc, ic, iEnd, rowsA, 0);
                for (int g0 = ic, g1; g0 < iEnd; g0 = g1) { // row i of the scratch tile at (i - r0) * 2L
                    g1 = rowGroupEnd(g0, iEnd);
                    rows(g0, g1, 0, kc, rowsA, (g0 - ic) * KC, KC, panel, 0, 2 * L, tile, -r0 * 2 * L, bias,
                            biasOff, act, first, last);
                }
            }
        }
        for (int i = r0; i < r1; i++) System.arraycopy(tile, (i - r0) * 2 * L, c, cOff + i * n + j0, width);
    }

    /**
     * A[i0..i1)[pc..pc + kc) (rows k apart) into dst from d, rows KC apart whatever kc is: the layout the tiles read A
     * in (constant offsets from one index), for one call's row block and for packA's whole matrix alike.
     */
    private static void packRows(float[] a, int aOff, int k, int pc, int kc, int i0, int i1, float[] dst, int d) {
        for (int i = i0; i < i1; i++) System.arraycopy(a, aOff + i * k + pc, dst, d + (i - i0) * KC, kc);
    }

    /**
     * Strips [0, strips) of B's rows src.. (kc rows n apart) into the panel from q0, strip s at q0 + s * kc * 2L: row by row,
     * so that B is read in order, as one stream, and the panel written as one stream per strip (strip by strip,
     * each strip's rows n floats apart, the 150x150 and 75x75 maps' layers took 2-12% longer).
     */
    private static void packPanel(float[] b, int src, int n, int kc, int strips, float[] panel, int q0) {
        int stripSize = kc * 2 * L;
        for (int p = 0; p < kc; p++, src += n) {
            for (int s = 0, q = q0 + p * 2 * L; s < strips; s++, q += stripSize) {
                FloatVector.fromArray(S, b, src + s * 2 * L).intoArray(panel, q);
                FloatVector.fromArray(S, b, src + s * 2 * L + L).intoArray(panel, q + L);
            }
        }
    }

    /**
     * Fewer columns than one vector (the 1x1 and 2x2 maps at the end of SSD): vectorise along k
     * instead, as dot products of rows of A with columns of B (copied to rows first), eight at a time
     * so that eight FMA chains are in flight (one chain waits out the FMA's latency at every step).
     */
    private static void narrow(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] b, int bOff,
                               float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        int cols = j1 - j0;
        float[] bt = ThreadBuffers.atLeast(PACK, cols * k);
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < cols; j++) bt[j * k + p] = b[bOff + p * n + j0 + j];
        }
        float[] lanes = ThreadBuffers.atLeast(PACK_C, 8 * L);
        int outputs = (r1 - r0) * cols;
        for (int o0 = 0; o0 < outputs; o0 += 8) {
            // outputs o0..o0+7 in row-major order over the block; past the end, the last one again
            int e = Math.min(outputs, o0 + 8) - 1;
            int q0 = Math.min(o0, e), q1 = Math.min(o0 + 1, e), q2 = Math.min(o0 + 2, e), q3 = Math.min(o0 + 3, e),
                    q4 = Math.min(o0 + 4, e), q5 = Math.min(o0 + 5, e), q6 = Math.min(o0 + 6, e), q7 = Math.min(o0 + 7, e);
            dot8(a, aOff + (r0 + q0 / cols) * k, aOff + (r0 + q1 / cols) * k, aOff + (r0 + q2 / cols) * k,
                    aOff + (r0 + q3 / cols) * k, aOff + (r0 + q4 / cols) * k, aOff + (r0 + q5 / cols) * k,
                    aOff + (r0 + q6 / cols) * k, aOff + (r0 + q7 / cols) * k, bt, q0 % cols * k, q1 % cols * k,
                    q2 % cols * k, q3 % cols * k, q4 % cols * k, q5 % cols * k, q6 % cols * k, q7 % cols * k, k, lanes);
            for (int q = o0; q <= e; q++) {
                int i = r0 + q / cols, j = q % cols, ai = aOff + i * k, bj = j * k;
                // lanes summed in order: reduceLanes adds them in a tree once compiled but in order
                // when interpreted (JDK 25), so the same product would change bits with warm-up
                float sum = 0f;
                for (int l = 0, base = (q - o0) * L; l < L; l++) sum += lanes[base + l];
                for (int p = k / L * L; p < k; p++) sum = Math.fma(a[ai + p], bt[bj + p], sum);
                c[cOff + i * n + j0 + j] = act.apply(sum + (bias == null ? 0f : bias[biasOff + i]));
            }
        }
    }

    /** Eight dot products over k's whole vectors (A rows at a0..a7, B^T rows at b0..b7), lane sums to lanes[0..8L). */
    private static void dot8(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, float[] bt,
                             int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7, int k, float[] lanes) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int p = 0, kv = k / L * L; p < kv; p += L) {
            s0 = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, bt, b0 + p), s0);
            s1 = FloatVector.fromArray(S, a, a1 + p).fma(FloatVector.fromArray(S, bt, b1 + p), s1);
            s2 = FloatVector.fromArray(S, a, a2 + p).fma(FloatVector.fromArray(S, bt, b2 + p), s2);
            s3 = FloatVector.fromArray(S, a, a3 + p).fma(FloatVector.fromArray(S, bt, b3 + p), s3);
            s4 = FloatVector.fromArray(S, a, a4 + p).fma(FloatVector.fromArray(S, bt, b4 + p), s4);
            s5 = FloatVector.fromArray(S, a, a5 + p).fma(FloatVector.fromArray(S, bt, b5 + p), s5);
            s6 = FloatVector.fromArray(S, a, a6 + p).fma(FloatVector.fromArray(S, bt, b6 + p), s6);
            s7 = FloatVector.fromArray(S, a, a7 + p).fma(FloatVector.fromArray(S, bt, b7 + p), s7);
        }
        s0.intoArray(lanes, 0);
        s1.intoArray(lanes, L);
        s2.intoArray(lanes, 2 * L);
        s3.intoArray(lanes, 3 * L);
        s4.intoArray(lanes, 4 * L);
        s5.intoArray(lanes, 5 * L);
        s6.intoArray(lanes, 6 * L);
        s7.intoArray(lanes, 7 * L);
    }

    /**
     * End of the rows from i that one call of {@link #rows} takes: a 6-row tile, or all that are left when
     * fewer than 6 are, or 8 or 9 (the two 4-row tiles and single row rows() makes of them).
     */
    private static int rowGroupEnd(int i, int end) {
        int left = end - i;
        return left >= MR && left != 8 && left != 9 ? i + MR : end;
    }

    /**
     * Rows [i0, i1) of C by two vectors of columns from j, over kc steps of k: row i of A starts at
     * a[aRow0 + (i - i0) * lda], step p of B (a packed strip, 2L wide) at b[bStart + p * 2L].
     */
    private static void rows(int i0, int i1, int j, int kc, float[] a, int aRow0, int lda, float[] b, int bStart,
                             int n, float[] c, int cOff, float[] bias, int biasOff, Activation act, boolean first,
                             boolean last) {
        // SSD's channel counts are powers of two, so 2 or 4 rows are left after the 6-row tiles; single
        // rows keep only two FMA chains in flight (a quarter of the core's rate), 4-row tiles eight.
        // So the last 6 + 2 (or 6 + 3) rows go as two 4-row tiles (and a single row), 4 or 5 as one.
        int rows = i1 - i0, sixes = rows / MR, left = rows % MR;
        if ((left == 2 || left == 3) && sixes > 0) {
            sixes--;
            left += MR;
        }
        int i = i0;
        for (int t = 0; t < sixes; t++, i += MR) {
            tile6x2(i, j, kc, a, aRow0 + (i - i0) * lda, lda, b, bStart, n, c, cOff, bias, biasOff, act, first, last);
        }
        for (; left >= 4; left -= 4, i += 4) {
            tile4x2(i, j, kc, a, aRow0 + (i - i0) * lda, lda, b, bStart, n, c, cOff, bias, biasOff, act, first, last);
        }
        for (; i < i1; i++) {
            tile1x2(i, j, kc, a, aRow0 + (i - i0) * lda, b, bStart, n, c, cOff, bias, biasOff, act, first, last);
        }
    }

    // No helper takes or returns a FloatVector: a vector crossing a call that C2 does not inline is
    // boxed on the heap, which costs both speed and the kernel's allocation-free guarantee.
    // A is read through one index per row: JDK 25's C2 runs this form 2x faster than a single
    // index over rows interleaved by 6 (JDK 17 runs both alike).

    /**
     * The 6x2 tile reads B from a packed strip, 2L wide: a constant stride, which saves C2 a range check
     * and address arithmetic per step (JDK 25: 512x361x512 78 -> 87 GFLOP/s, AVX2). A's rows lie KC apart
     * in the packed block, but whether the tile should know that depends on the JDK: JDK 17's C2 spends a
     * dozen integer instructions a step on six row indexes when A's stride is an argument and none when it
     * is the constant (with B's constant too: 512x361x512 65 -> 81-86 GFLOP/s; B's alone: 70-73), while
     * JDK 25's C2, given A's constant, hoists the six broadcasts of a step together and spills three
     * accumulators on AVX2's 16 registers (78 -> 38). Only 17 and 25 were measured; later versions than 17
     * keep A's stride as an argument.
     */
    private static final boolean CONSTANT_A_STRIDE = Runtime.version().feature() <= 17;

    private static void tile6x2(int i, int j, int kc, float[] a, int aRow, int ldaArg, float[] b, int bStart,
                                int n, float[] c, int cOff, float[] bias, int biasOff, Activation act, boolean first,
                                boolean last) {
        final int lda = CONSTANT_A_STRIDE ? KC : ldaArg, ldb = 2 * L;
        int c0 = cOff + i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n, c4 = c3 + n, c5 = c4 + n;
        FloatVector v00, v01, v10, v11, v20, v21, v30, v31, v40, v41, v50, v51;
        if (first) {
            int bi = biasOff + i;
            v00 = v01 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 0]);
            v10 = v11 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 1]);
            v20 = v21 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 2]);
            v30 = v31 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 3]);
            v40 = v41 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 4]);
            v50 = v51 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 5]);
        } else {
            v00 = FloatVector.fromArray(S, c, c0);
            v01 = FloatVector.fromArray(S, c, c0 + L);
            v10 = FloatVector.fromArray(S, c, c1);
            v11 = FloatVector.fromArray(S, c, c1 + L);
            v20 = FloatVector.fromArray(S, c, c2);
            v21 = FloatVector.fromArray(S, c, c2 + L);
            v30 = FloatVector.fromArray(S, c, c3);
            v31 = FloatVector.fromArray(S, c, c3 + L);
            v40 = FloatVector.fromArray(S, c, c4);
            v41 = FloatVector.fromArray(S, c, c4 + L);
            v50 = FloatVector.fromArray(S, c, c5);
            v51 = FloatVector.fromArray(S, c, c5 + L);
        }
        int a0 = aRow, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0, bp = bStart; p < kc; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            v00 = x.fma(b0, v00);
            v01 = x.fma(b1, v01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            v10 = x.fma(b0, v10);
            v11 = x.fma(b1, v11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            v20 = x.fma(b0, v20);
            v21 = x.fma(b1, v21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            v30 = x.fma(b0, v30);
            v31 = x.fma(b1, v31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            v40 = x.fma(b0, v40);
            v41 = x.fma(b1, v41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            v50 = x.fma(b0, v50);
            v51 = x.fma(b1, v51);
        }
        // In registers (see clamp() for why only with compare-and-blend). VectorClamp.of written out: called
        // twelve times here, C2 stops inlining it and boxes every vector (512x361x512 64 -> 5 GFLOP/s).
        if (last && act != Activation.NONE) {
            FloatVector lo = FloatVector.broadcast(S, act.lo), hi = FloatVector.broadcast(S, act.hi);
            v00 = v00.blend(lo, v00.compare(VectorOperators.LE, lo));
            v00 = v00.blend(hi, v00.compare(VectorOperators.GE, hi));
            v01 = v01.blend(lo, v01.compare(VectorOperators.LE, lo));
            v01 = v01.blend(hi, v01.compare(VectorOperators.GE, hi));
            v10 = v10.blend(lo, v10.compare(VectorOperators.LE, lo));
            v10 = v10.blend(hi, v10.compare(VectorOperators.GE, hi));
            v11 = v11.blend(lo, v11.compare(VectorOperators.LE, lo));
            v11 = v11.blend(hi, v11.compare(VectorOperators.GE, hi));
            v20 = v20.blend(lo, v20.compare(VectorOperators.LE, lo));
            v20 = v20.blend(hi, v20.compare(VectorOperators.GE, hi));
            v21 = v21.blend(lo, v21.compare(VectorOperators.LE, lo));
            v21 = v21.blend(hi, v21.compare(VectorOperators.GE, hi));
            v30 = v30.blend(lo, v30.compare(VectorOperators.LE, lo));
            v30 = v30.blend(hi, v30.compare(VectorOperators.GE, hi));
            v31 = v31.blend(lo, v31.compare(VectorOperators.LE, lo));
            v31 = v31.blend(hi, v31.compare(VectorOperators.GE, hi));
            v40 = v40.blend(lo, v40.compare(VectorOperators.LE, lo));
            v40 = v40.blend(hi, v40.compare(VectorOperators.GE, hi));
            v41 = v41.blend(lo, v41.compare(VectorOperators.LE, lo));
            v41 = v41.blend(hi, v41.compare(VectorOperators.GE, hi));
            v50 = v50.blend(lo, v50.compare(VectorOperators.LE, lo));
            v50 = v50.blend(hi, v50.compare(VectorOperators.GE, hi));
            v51 = v51.blend(lo, v51.compare(VectorOperators.LE, lo));
            v51 = v51.blend(hi, v51.compare(VectorOperators.GE, hi));
        }
        v00.intoArray(c, c0);
        v01.intoArray(c, c0 + L);
        v10.intoArray(c, c1);
        v11.intoArray(c, c1 + L);
        v20.intoArray(c, c2);
        v21.intoArray(c, c2 + L);
        v30.intoArray(c, c3);
        v31.intoArray(c, c3 + L);
        v40.intoArray(c, c4);
        v41.intoArray(c, c4 + L);
        v50.intoArray(c, c5);
        v51.intoArray(c, c5 + L);
    }

    /**
     * The activation over a stored tile (rows x cols from c[off], row stride n), for the smaller tiles. The 6x2
     * tile clamps in registers before its stores instead: with FloatVector.max/min (about 14 instructions each
     * on JDK 17, for Java's NaN and -0.0 rules) C2 compiled that tile 3x slower on AVX2's 16 registers, with
     * compare-and-blend it is 3-28% faster than this pass (small k most: 48x22500x24 45 -> 58 GFLOP/s).
     */
    private static void clamp(float[] c, int off, int n, int rows, int cols, Activation act) {
        FloatVector lo = FloatVector.broadcast(S, act.lo), hi = FloatVector.broadcast(S, act.hi);
        for (int r = 0; r < rows; r++) {
            for (int i = off + r * n, e = i + cols; i < e; i += L) {
                VectorClamp.of(FloatVector.fromArray(S, c, i), lo, hi).intoArray(c, i);
            }
        }
    }

    /** Four rows of C by two vectors of columns (B a packed strip, as in tile6x2). */
    private static void tile4x2(int i, int j, int kc, float[] a, int aRow, int lda, float[] b, int bStart, int n,
                                float[] c, int cOff, float[] bias, int biasOff, Activation act, boolean first,
                                boolean last) {
        final int ldb = 2 * L;
        int c0 = cOff + i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector v00, v01, v10, v11, v20, v21, v30, v31;
        if (first) {
            int bi = biasOff + i;
            v00 = v01 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 0]);
            v10 = v11 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 1]);
            v20 = v21 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 2]);
            v30 = v31 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 3]);
        } else {
            v00 = FloatVector.fromArray(S, c, c0);
            v01 = FloatVector.fromArray(S, c, c0 + L);
            v10 = FloatVector.fromArray(S, c, c1);
            v11 = FloatVector.fromArray(S, c, c1 + L);
            v20 = FloatVector.fromArray(S, c, c2);
            v21 = FloatVector.fromArray(S, c, c2 + L);
            v30 = FloatVector.fromArray(S, c, c3);
            v31 = FloatVector.fromArray(S, c, c3 + L);
        }
        int a0 = aRow, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0, bp = bStart; p < kc; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            v00 = x.fma(b0, v00);
            v01 = x.fma(b1, v01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            v10 = x.fma(b0, v10);
            v11 = x.fma(b1, v11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            v20 = x.fma(b0, v20);
            v21 = x.fma(b1, v21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            v30 = x.fma(b0, v30);
            v31 = x.fma(b1, v31);
        }
        v00.intoArray(c, c0);
        v01.intoArray(c, c0 + L);
        v10.intoArray(c, c1);
        v11.intoArray(c, c1 + L);
        v20.intoArray(c, c2);
        v21.intoArray(c, c2 + L);
        v30.intoArray(c, c3);
        v31.intoArray(c, c3 + L);
        if (last && act != Activation.NONE) clamp(c, c0, n, 4, 2 * L, act);
    }

    /** One row of C by two vectors of columns (B a packed strip, as in tile6x2). */
    private static void tile1x2(int i, int j, int kc, float[] a, int aRow, float[] b, int bStart, int n, float[] c,
                                int cOff, float[] bias, int biasOff, Activation act, boolean first, boolean last) {
        final int ldb = 2 * L;
        int c0 = cOff + i * n + j;
        FloatVector v0, v1;
        if (first) {
            v0 = v1 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + i]);
        } else {
            v0 = FloatVector.fromArray(S, c, c0);
            v1 = FloatVector.fromArray(S, c, c0 + L);
        }
        for (int p = 0, bp = bStart; p < kc; p++, bp += ldb) {
            FloatVector x = FloatVector.broadcast(S, a[aRow + p]);
            v0 = x.fma(FloatVector.fromArray(S, b, bp), v0);
            v1 = x.fma(FloatVector.fromArray(S, b, bp + L), v1);
        }
        v0.intoArray(c, c0);
        v1.intoArray(c, c0 + L);
        if (last && act != Activation.NONE) clamp(c, c0, n, 1, 2 * L, act);
    }
}
