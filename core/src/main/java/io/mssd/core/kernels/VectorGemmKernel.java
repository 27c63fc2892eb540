package io.mssd.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the JDK Vector API: a 6x2-vector register tile (12 accumulators; 6 rows of C by 32
 * columns with 512-bit vectors), k blocked so a strip of B stays in L1 while all rows pass over it,
 * columns blocked so a panel of B stays in L2. Bias is the accumulators' start value and the
 * activation is applied to each tile right after its final store, while it is in L1.
 */
public final class VectorGemmKernel implements GemmKernel {
    public static final VectorGemmKernel INSTANCE = new VectorGemmKernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int KC = 256;
    private static final int NC = 512;
    private static final int MR = 6;

    private VectorGemmKernel() {}

    @Override
    public String name() {
        return "vector-" + (L * 32) + "bit";
    }

    @Override
    public int rowGrain() {
        return MR;
    }

    /** Per-thread packing buffer (grown on first use, then reused: no allocation per call). */
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * 2 * L]);

    private static float[] pack(int size) {
        float[] buf = PACK.get();
        if (buf.length < size) {
            buf = new float[size];
            PACK.set(buf);
        }
        return buf;
    }

    @Override
    public void block(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] b, int bOff,
                      float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        if (j1 - j0 < L) {
            narrow(r0, r1, j0, j1, n, k, a, aOff, b, bOff, c, cOff, bias, biasOff, act);
            return;
        }
        int vecEnd = j0 + (j1 - j0) / L * L;
        float[] packed = pack(KC * 2 * L);
        for (int jc = j0; jc < vecEnd; jc += NC) {
            int jEnd = Math.min(vecEnd, jc + NC);
            for (int pc = 0; pc < k; pc += KC) {
                int pEnd = Math.min(k, pc + KC);
                boolean first = pc == 0, last = pEnd == k;
                int j = jc;
                for (; j + 2 * L <= jEnd; j += 2 * L) {
                    // copy the strip B[pc..pEnd, j..j+2L) to a contiguous buffer: rows of B lie n floats
                    // apart (often a power of two), which would make them fight over the same L1 sets
                    for (int p = pc, q = 0, src = bOff + pc * n + j; p < pEnd; p++, q += 2 * L, src += n) {
                        FloatVector.fromArray(S, b, src).intoArray(packed, q);
                        FloatVector.fromArray(S, b, src + L).intoArray(packed, q + L);
                    }
                    int i = r0;
                    for (; i + MR <= r1; i += MR) {
                        tile6x2(i, j, pc, pEnd, n, k, a, aOff, packed, 0, 2 * L, c, cOff, bias, biasOff, act, first, last);
                    }
                    for (; i < r1; i++) {
                        tile1(2, i, j, pc, pEnd, n, k, a, aOff, packed, 0, 2 * L, c, cOff, bias, biasOff, act, first, last);
                    }
                }
                for (; j < jEnd; j += L) {
                    int i = r0;
                    for (; i + MR <= r1; i += MR) {
                        tile6x1(i, j, pc, pEnd, n, k, a, aOff, b, bOff + pc * n + j, n, c, cOff, bias, biasOff, act, first, last);
                    }
                    for (; i < r1; i++) {
                        tile1(1, i, j, pc, pEnd, n, k, a, aOff, b, bOff + pc * n + j, n, c, cOff, bias, biasOff, act, first, last);
                    }
                }
            }
        }
        if (vecEnd == j1) return;
        // Ragged tail: one vector ending at j1, over the whole k in one pass. It recomputes a few
        // finished columns of this block from scratch, in the same order, so they come out identical.
        int i = r0;
        for (; i + MR <= r1; i += MR) {
            tile6x1(i, j1 - L, 0, k, n, k, a, aOff, b, bOff + j1 - L, n, c, cOff, bias, biasOff, act, true, true);
        }
        for (; i < r1; i++) {
            tile1(1, i, j1 - L, 0, k, n, k, a, aOff, b, bOff + j1 - L, n, c, cOff, bias, biasOff, act, true, true);
        }
    }

    /**
     * Fewer columns than one vector (the 1x1 and 2x2 maps at the end of SSD): vectorise along k
     * instead, as dot products of rows of A with columns of B (copied to rows first).
     */
    private static void narrow(int r0, int r1, int j0, int j1, int n, int k, float[] a, int aOff, float[] b, int bOff,
                               float[] c, int cOff, float[] bias, int biasOff, Activation act) {
        int cols = j1 - j0;
        float[] bt = pack(cols * k);
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < cols; j++) bt[j * k + p] = b[bOff + p * n + j0 + j];
        }
        int kv = k / L * L;
        for (int i = r0; i < r1; i++) {
            int ai = aOff + i * k;
            for (int j = 0; j < cols; j++) {
                int bj = j * k;
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, bt, bj + p), acc);
                }
                float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
                for (int p = kv; p < k; p++) sum = Math.fma(a[ai + p], bt[bj + p], sum);
                c[cOff + i * n + j0 + j] = act.apply(sum + (bias == null ? 0f : bias[biasOff + i]));
            }
        }
    }

    // No helper takes or returns a FloatVector: a vector crossing a call that C2 does not inline is
    // boxed on the heap, which costs both speed and the kernel's allocation-free guarantee.

    private static void tile6x2(int i, int j, int p0, int p1, int n, int k, float[] a, int aOff, float[] b, int bStart,
                                int ldb, float[] c, int cOff, float[] bias, int biasOff, Activation act, boolean first,
                                boolean last) {
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
        int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, a5 = a4 + k;
        int bp = bStart;
        for (int p = p0; p < p1; p++, bp += ldb) {
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
        if (last && act != Activation.NONE) clamp(c, c0, n, MR, 2 * L, act);
    }

    /**
     * The activation over a stored tile (rows x cols from c[off], row stride n). Clamping in registers
     * before the store reads the same, but on AVX2 (16 registers) C2 then compiles the whole tile
     * 3x slower; a pass over the tile while it is in L1 costs next to nothing.
     */
    private static void clamp(float[] c, int off, int n, int rows, int cols, Activation act) {
        FloatVector lo = FloatVector.broadcast(S, act.lo), hi = FloatVector.broadcast(S, act.hi);
        for (int r = 0; r < rows; r++) {
            for (int i = off + r * n, e = i + cols; i < e; i += L) FloatVector.fromArray(S, c, i).max(lo).min(hi).intoArray(c, i);
        }
    }

    private static void tile6x1(int i, int j, int p0, int p1, int n, int k, float[] a, int aOff, float[] b, int bStart,
                                int ldb, float[] c, int cOff, float[] bias, int biasOff, Activation act, boolean first,
                                boolean last) {
        int c0 = cOff + i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n, c4 = c3 + n, c5 = c4 + n;
        FloatVector v00, v10, v20, v30, v40, v50;
        if (first) {
            int bi = biasOff + i;
            v00 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 0]);
            v10 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 1]);
            v20 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 2]);
            v30 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 3]);
            v40 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 4]);
            v50 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 5]);
        } else {
            v00 = FloatVector.fromArray(S, c, c0);
            v10 = FloatVector.fromArray(S, c, c1);
            v20 = FloatVector.fromArray(S, c, c2);
            v30 = FloatVector.fromArray(S, c, c3);
            v40 = FloatVector.fromArray(S, c, c4);
            v50 = FloatVector.fromArray(S, c, c5);
        }
        int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, a5 = a4 + k;
        int bp = bStart;
        for (int p = p0; p < p1; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            v00 = x.fma(b0, v00);
            x = FloatVector.broadcast(S, a[a1 + p]);
            v10 = x.fma(b0, v10);
            x = FloatVector.broadcast(S, a[a2 + p]);
            v20 = x.fma(b0, v20);
            x = FloatVector.broadcast(S, a[a3 + p]);
            v30 = x.fma(b0, v30);
            x = FloatVector.broadcast(S, a[a4 + p]);
            v40 = x.fma(b0, v40);
            x = FloatVector.broadcast(S, a[a5 + p]);
            v50 = x.fma(b0, v50);
        }
        v00.intoArray(c, c0);
        v10.intoArray(c, c1);
        v20.intoArray(c, c2);
        v30.intoArray(c, c3);
        v40.intoArray(c, c4);
        v50.intoArray(c, c5);
        if (last && act != Activation.NONE) clamp(c, c0, n, MR, L, act);
    }

    /** One row of C by {@code vectors} (1 or 2) vectors of columns. */
    private static void tile1(int vectors, int i, int j, int p0, int p1, int n, int k, float[] a, int aOff, float[] b,
                              int bStart, int ldb, float[] c, int cOff, float[] bias, int biasOff, Activation act,
                              boolean first, boolean last) {
        int c0 = cOff + i * n + j;
        FloatVector v0, v1;
        if (first) {
            v0 = v1 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + i]);
        } else {
            v0 = FloatVector.fromArray(S, c, c0);
            v1 = vectors == 2 ? FloatVector.fromArray(S, c, c0 + L) : v0;
        }
        int a0 = aOff + i * k;
        int bp = bStart;
        if (vectors == 2) {
            for (int p = p0; p < p1; p++, bp += ldb) {
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                v0 = x.fma(FloatVector.fromArray(S, b, bp), v0);
                v1 = x.fma(FloatVector.fromArray(S, b, bp + L), v1);
            }
        } else {
            for (int p = p0; p < p1; p++, bp += ldb) {
                v0 = FloatVector.broadcast(S, a[a0 + p]).fma(FloatVector.fromArray(S, b, bp), v0);
            }
        }
        v0.intoArray(c, c0);
        if (vectors == 2) v1.intoArray(c, c0 + L);
        if (last && act != Activation.NONE) clamp(c, c0, n, 1, vectors * L, act);
    }
}
