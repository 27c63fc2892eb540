package io.mssd.core.kernels;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmKernelTest {

    @Test
    void kernelsEqualTripleLoopOnOddShapes() {
        int[][] shapes = {{1, 1, 1}, {6, 32, 5}, {7, 33, 300}, {13, 47, 17}, {64, 100, 1024}, {5, 600, 3}, {129, 1283, 65}, {6, 17, 260}};
        SplittableRandom rnd = new SplittableRandom(11);
        try (ComputePool two = new ComputePool(2)) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = uniform(rnd, m * k + 3), b = uniform(rnd, k * n + 5), bias = uniform(rnd, m + 2);
                for (Activation act : Activation.values()) {
                    double[] ref = new double[m * n];
                    double scale = 1;
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) {
                            double sum = bias[2 + i];
                            for (int p = 0; p < k; p++) sum += (double) a[3 + i * k + p] * b[5 + p * n + j];
                            ref[i * n + j] = act.apply((float) sum);
                            scale = Math.max(scale, Math.abs(ref[i * n + j]));
                        }
                    for (GemmKernel kernel : List.of(GemmKernel.fastest(), ScalarGemmKernel.INSTANCE)) {
                        for (ComputePool pool : List.of(ComputePool.single(), two)) {
                            float[] c = new float[m * n + 7];
                            c[0] = 42; // outside the product: must stay untouched
                            kernel.multiply(m, n, k, a, 3, b, 5, c, 1, bias, 2, act, pool);
                            double err = 0;
                            for (int i = 0; i < m * n; i++) err = Math.max(err, Math.abs(c[1 + i] - ref[i]));
                            assertTrue(c[0] == 42 && c[m * n + 1] == 0, "wrote outside C");
                            assertTrue(err <= 1e-4 * scale, kernel.name() + " " + m + "x" + n + "x" + k + " " + act
                                    + " threads " + pool.threads() + ": err " + err);
                        }
                    }
                }
            }
        }
    }

    @Test
    void vectorKernelIsBitForBitTheInOrderFmaChainOnEverySmallShape() {
        // each element of C is bias, then one FMA per k in order, whatever the tiling (6-row tiles,
        // 4-row tiles and single rows, 2-vector strips, the last strip overlapping the one before, blocks of one
        // strip, k-blocks of 512, row blocks of 72)
        GemmKernel kernel = GemmKernel.fastest();
        SplittableRandom rnd = new SplittableRandom(23);
        int[] ks = {1, 2, 3, 31, 256, 257, 512, 513, 520};
        int[] ms = IntStream.concat(IntStream.rangeClosed(1, 14), IntStream.of(47, 80)).toArray();
        int[] ns = IntStream.concat(IntStream.rangeClosed(16, 50), IntStream.of(63, 64, 65, 100, 513, 1030)).toArray();
        int cases = 0;
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    float[] a = uniform(rnd, m * k + 1), b = uniform(rnd, k * n + 2), bias = uniform(rnd, m);
                    Activation act = Activation.values()[cases % Activation.values().length];
                    float[] c = new float[m * n];
                    kernel.block(0, m, 0, n, n, k, a, 1, b, 2, c, 0, bias, 0, act);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float ref = bias[i];
                            for (int p = 0; p < k; p++) ref = Math.fma(a[1 + i * k + p], b[2 + p * n + j], ref);
                            ref = act.apply(ref);
                            if (c[i * n + j] != ref) {
                                throw new AssertionError(kernel.name() + " " + m + "x" + n + "x" + k + " " + act
                                        + ": C[" + i + "][" + j + "] = " + c[i * n + j] + ", in-order FMA gives " + ref);
                            }
                        }
                    }
                    cases++;
                }
            }
        }
        assertTrue(cases > 3000, "only " + cases + " shapes checked");
    }

    @Test
    void packedBProductIsBitForBitTheInOrderFmaChain() {
        // what the Winograd layer multiplies by: B packed once (k-blocks of 512, strips of two vectors), no bias
        SplittableRandom rnd = new SplittableRandom(29);
        int strip = VectorGemmKernel.stripWidth(), cases = 0;
        for (int m : IntStream.concat(IntStream.rangeClosed(1, 14), IntStream.of(25, 80)).toArray()) {
            for (int n : new int[] {strip, 2 * strip, 8 * strip}) {
                for (int k : new int[] {1, 3, 255, 256, 257, 512, 513, 600}) {
                    float[] a = uniform(rnd, m * k + 3), b = uniform(rnd, k * n + 5);
                    float[] packed = VectorGemmKernel.packB(b, 5, k, n);
                    float[] withRoom = new float[packed.length + 7];
                    System.arraycopy(packed, 0, withRoom, 7, packed.length);
                    float[] c = new float[m * n + 2];
                    VectorGemmKernel.multiplyPackedB(m, n, k, a, 3, withRoom, 7, c, 2);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float ref = 0f;
                            for (int p = 0; p < k; p++) ref = Math.fma(a[3 + i * k + p], b[5 + p * n + j], ref);
                            if (c[2 + i * n + j] != ref) {
                                throw new AssertionError(m + "x" + n + "x" + k + ": C[" + i + "][" + j + "] = " + c[2 + i * n + j]
                                        + ", in-order FMA gives " + ref);
                            }
                        }
                    }
                    cases++;
                }
            }
        }
        assertTrue(cases == 16 * 3 * 8, cases + " shapes");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VectorGemmKernel.packB(new float[4 * (strip + 1)], 0, 4, strip + 1));
        assertTrue(e.getMessage().contains("multiple of " + strip), e.getMessage());
    }

    @Test
    void vectorKernelOnNarrowBlocksIsBitForBitItsDocumentedOrder() {
        // one to two vectors wide (3x3 maps): the in-order FMA chain, through a zero-padded 2-vector strip;
        // under one vector (2x2 and 1x1 maps): per-lane partial sums over k's whole vectors, the lanes
        // added in order, then the rest of k by FMA, then the bias; eight dot products at a time
        GemmKernel kernel = GemmKernel.fastest();
        if (!kernel.name().startsWith("vector-")) return; // the portable kernel has no such paths
        int lanes = Integer.parseInt(kernel.name().replaceAll("\\D", "")) / 32;
        SplittableRandom rnd = new SplittableRandom(29);
        int[] ks = {1, 7, 8, 9, 31, 256, 257, 600};
        int cases = 0;
        for (int m : new int[] {1, 2, 5, 6, 7, 8, 9, 13, 80}) {
            for (int n = 1; n < 2 * lanes; n++) {
                for (int k : ks) {
                    float[] a = uniform(rnd, m * k + 1), b = uniform(rnd, k * n + 2), bias = uniform(rnd, m);
                    Activation act = Activation.values()[cases % Activation.values().length];
                    float[] c = new float[m * n + 3];
                    c[m * n + 2] = 42;
                    kernel.block(0, m, 0, n, n, k, a, 1, b, 2, c, 1, bias, 0, act);
                    assertTrue(c[0] == 0 && c[m * n + 1] == 0 && c[m * n + 2] == 42, "wrote outside C");
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float ref;
                            if (n >= lanes) {
                                ref = bias[i];
                                for (int p = 0; p < k; p++) ref = Math.fma(a[1 + i * k + p], b[2 + p * n + j], ref);
                            } else {
                                int kv = k / lanes * lanes;
                                float[] lane = new float[lanes];
                                for (int p = 0; p < kv; p++) {
                                    lane[p % lanes] = Math.fma(a[1 + i * k + p], b[2 + p * n + j], lane[p % lanes]);
                                }
                                ref = 0f;
                                for (float v : lane) ref += v;
                                for (int p = kv; p < k; p++) ref = Math.fma(a[1 + i * k + p], b[2 + p * n + j], ref);
                                ref += bias[i];
                            }
                            ref = act.apply(ref);
                            if (c[1 + i * n + j] != ref) {
                                throw new AssertionError(kernel.name() + " " + m + "x" + n + "x" + k + " " + act
                                        + ": C[" + i + "][" + j + "] = " + c[1 + i * n + j] + ", expected " + ref);
                            }
                        }
                    }
                    cases++;
                }
            }
        }
        assertTrue(cases > 1000, "only " + cases + " shapes checked");
    }

    @Test
    void blocksOverAnyRowsAndColumnsGiveTheWholeProduct() {
        // row ranges that cut the vector kernel's 6-row tiles, k over two k-blocks, column ranges
        // with ragged tails: each block must give exactly what the whole product gives
        int m = 29, n = 70, k = 600;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] a = uniform(rnd, m * k), b = uniform(rnd, k * n), bias = uniform(rnd, m);
        for (GemmKernel kernel : List.of(GemmKernel.fastest(), ScalarGemmKernel.INSTANCE)) {
            float[] whole = new float[m * n], parts = new float[m * n];
            kernel.multiply(m, n, k, a, 0, b, 0, whole, 0, bias, 0, Activation.RELU6, ComputePool.single());
            int[] rows = {0, 4, 17, 29}, cols = {0, 40, 70};
            for (int r = 0; r + 1 < rows.length; r++) {
                for (int q = 0; q + 1 < cols.length; q++) {
                    kernel.block(rows[r], rows[r + 1], cols[q], cols[q + 1], n, k, a, 0, b, 0, parts, 0, bias, 0,
                            Activation.RELU6);
                }
            }
            for (int i = 0; i < m * n; i++) {
                assertTrue(whole[i] == parts[i], kernel.name() + ": element " + i + " " + parts[i] + " != " + whole[i]);
            }
        }
    }

    @Test
    void packedAGivesTheSameBitsAsAInPlace() {
        // A packed once (a layer's weights) against A copied by every call: every path of block() (6x2 tiles,
        // 4-row and single rows, the last strip, a single-vector strip, one-strip and narrow blocks), k across
        // k-blocks and not a multiple of one, row ranges that do not start at 0, column ranges
        GemmKernel kernel = GemmKernel.fastest();
        SplittableRandom rnd = new SplittableRandom(41);
        int cases = 0;
        for (int m : new int[] {1, 5, 6, 13, 80, 150}) {
            for (int n : new int[] {3, 9, 16, 25, 40, 100}) {
                for (int k : new int[] {1, 27, 256, 300, 512, 600}) {
                    float[] a = uniform(rnd, m * k + 3), b = uniform(rnd, k * n), bias = uniform(rnd, m);
                    float[] packed = kernel.packA(m, k, a, 3);
                    Activation act = Activation.values()[cases % Activation.values().length];
                    float[] plain = new float[m * n], fromPacked = new float[m * n];
                    int r = m / 3, j = n / 2;
                    for (int[] part : new int[][] {{0, r, 0, n}, {r, m, 0, j}, {r, m, j, n}}) {
                        kernel.block(part[0], part[1], part[2], part[3], n, k, a, 3, b, 0, plain, 0, bias, 0, act);
                        kernel.block(part[0], part[1], part[2], part[3], n, k, a, 3, packed, b, 0, fromPacked, 0, bias, 0, act);
                    }
                    for (int i = 0; i < m * n; i++) {
                        if (Float.floatToRawIntBits(plain[i]) != Float.floatToRawIntBits(fromPacked[i])) {
                            throw new AssertionError(kernel.name() + " " + m + "x" + n + "x" + k + " " + act + ": element "
                                    + i + " " + fromPacked[i] + " from packed A, " + plain[i] + " from A in place");
                        }
                    }
                    cases++;
                }
            }
        }
        assertTrue(cases == 6 * 6 * 6, cases + " shapes");
        if (kernel == ScalarGemmKernel.INSTANCE) return;
        // packing again in place follows a change of A
        float[] a = uniform(rnd, 12 * 300), packed = kernel.packA(12, 300, a, 0);
        a[7] = 0.5f;
        assertTrue(kernel.packA(12, 300, a, 0)[7] == 0.5f && packed[7] != 0.5f);
        kernel.packA(12, 300, a, 0, packed);
        assertTrue(packed[7] == 0.5f, "packed in place: " + packed[7]);
    }

    @Test
    void vectorKernelIsUsedWhenTheModuleIsPresent() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertTrue(!module || GemmKernel.fastest().name().startsWith("vector"),
                "jdk.incubator.vector is present but the fastest kernel is " + GemmKernel.fastest().name());
    }

    /** n values uniform in [-1, 1). */
    private static float[] uniform(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        return x;
    }
}
