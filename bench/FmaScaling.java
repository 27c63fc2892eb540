import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What two threads can give on this machine for arithmetic alone: a loop of 12 independent 256-bit FMA chains (no
 * memory traffic), the same total work on one thread and split over two, the two alternating. The ratio bounds the
 * two-thread speedup of any FMA-bound kernel (the GEMM): on the 2-vCPU VM of stop 25 it was 1.23-1.67, the two
 * threads together reaching 95-105 GFLOP/s against 61-84 for one: about one core's two FMA units (2 x 8 lanes x 2
 * flops at ~3.2 GHz), as if the two vCPUs were the two hardware threads of one core, where two cores would give 2.
 * Run: java --add-modules jdk.incubator.vector bench/FmaScaling.java [STEPS] (default 2,000,000 per run).
 */
public class FmaScaling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    static float chains(float[] x, int steps) {
        FloatVector a0 = FloatVector.fromArray(S, x, 0), a1 = FloatVector.fromArray(S, x, 8), m = FloatVector.broadcast(S, 0.999999f);
        FloatVector c0 = a0, c1 = a1, c2 = a0, c3 = a1, c4 = a0, c5 = a1, c6 = a0, c7 = a1, c8 = a0, c9 = a1, c10 = a0, c11 = a1;
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, a0); c1 = c1.fma(m, a1); c2 = c2.fma(m, a0); c3 = c3.fma(m, a1);
            c4 = c4.fma(m, a0); c5 = c5.fma(m, a1); c6 = c6.fma(m, a0); c7 = c7.fma(m, a1);
            c8 = c8.fma(m, a0); c9 = c9.fma(m, a1); c10 = c10.fma(m, a0); c11 = c11.fma(m, a1);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) x[i] = 1e-3f * i;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Callable<Float> half = () -> chains(x, steps / 2);
        int runs = 60;
        double[] one = new double[runs], two = new double[runs], ratio = new double[runs];
        float sink = 0;
        for (int i = -10; i < runs; i++) { // 10 warm-up rounds
            long t0 = System.nanoTime();
            sink += chains(x, steps);
            long t1 = System.nanoTime();
            for (var f : pool.invokeAll(List.of(half, half))) sink += f.get();
            long t2 = System.nanoTime();
            if (i >= 0) {
                one[i] = (t1 - t0) / 1e6;
                two[i] = (t2 - t1) / 1e6;
                ratio[i] = one[i] / two[i];
            }
        }
        pool.shutdown();
        Arrays.sort(one);
        Arrays.sort(two);
        Arrays.sort(ratio);
        double flops = steps * 12.0 * S.length() * 2;
        System.out.printf("1 thread %.2f ms (%.1f GFLOP/s), 2 threads %.2f ms (%.1f GFLOP/s): median paired speedup %.2f%s%n",
                one[runs / 2], flops / one[runs / 2] / 1e6, two[runs / 2], flops / two[runs / 2] / 1e6, ratio[runs / 2],
                sink == 42 ? " " : "");
    }
}
