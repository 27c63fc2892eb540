/**
 * The integer path for quantised models, measured before building it: can plain Java reach the
 * 16-bit multiply-add instructions (vpmaddwd; vpdpwssd with VNNI) through C2's MulAddS2I idiom?
 * Run: java bench/IntDotExperiment.java (prints GMAC/s; compare with `mssd bench gemm`, whose
 * GFLOP/s are 2 x GMAC/s). On JDK 17 and 25 here both forms stay scalar or memory-bound (0.5-3 GMAC/s
 * against the float GEMM's ~30), so the engine keeps its float kernels on integer-valued data.
 */
public class IntDotExperiment {
    // reduction form: s += a[2p]*b[2p] + a[2p+1]*b[2p+1]
    static int dotS(short[] a, int ao, short[] b, int bo, int pairs) {
        int s = 0;
        for (int p = 0; p < pairs; p++) s += a[ao + 2 * p] * b[bo + 2 * p] + a[ao + 2 * p + 1] * b[bo + 2 * p + 1];
        return s;
    }
    // array form (the pattern C2's MulAddS2I vectorizes): out[j] += a[2j]*b[2j] + a[2j+1]*b[2j+1]
    static void rowS(short[] a, short[] b, int bo, int[] out, int n) {
        for (int j = 0; j < n; j++) out[j] += a[2 * j] * b[bo + 2 * j] + a[2 * j + 1] * b[bo + 2 * j + 1];
    }
    static float dotF(float[] a, int ao, float[] b, int bo, int k) {
        float s = 0;
        for (int p = 0; p < k; p++) s += a[ao + p] * b[bo + p];
        return s;
    }
    public static void main(String[] x) {
        int k = 512, m = 256, n = 361;
        short[] a = new short[m * k], bt = new short[n * k];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < a.length; i++) a[i] = (short) (r.nextInt(256) - 128);
        for (int i = 0; i < bt.length; i++) bt[i] = (short) r.nextInt(256);
        int[] c = new int[m * n];
        short[] ab = new short[2 * n]; int[] out = new int[n];
        for (int rep = 0; rep < 8; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[i * n + j] = dotS(a, i * k, bt, j * k, k / 2);
            long t1 = System.nanoTime();
            // array form: per (i, pair) broadcast a into ab, B pair-interleaved by pixel
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(out, 0);
                for (int pp = 0; pp < k / 2; pp++) {
                    short a0 = a[i * k + 2 * pp], a1 = a[i * k + 2 * pp + 1];
                    for (int j = 0; j < n; j++) { ab[2 * j] = a0; ab[2 * j + 1] = a1; }
                    rowS(ab, bt, pp * 2 * n, out, n);
                }
            }
            long t2 = System.nanoTime();
            double macs = (double) m * n * k;
            System.out.printf("reduction form %.1f GMAC/s, array form %.1f GMAC/s%n", macs / (t1 - t0), macs / (t2 - t1));
        }
    }
}
