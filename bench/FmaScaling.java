import io.mssd.tools.bench.FmaCeiling;

import java.util.Arrays;

/**
 * What two threads can give on this machine for arithmetic alone: `mssd bench --fp32-floor`'s FMA loop (twelve
 * independent FMA chains a thread, no memory traffic), the same total work on one thread and split over two, the two
 * alternating. The ratio bounds the two-thread speedup of any FMA-bound kernel (the GEMM): on the 2-vCPU VM of stop
 * 25 it was 1.23-1.67, the two threads together reaching 95-105 GFLOP/s against 61-84 for one: about one core's two
 * FMA units (2 x 8 lanes x 2 flops at ~3.2 GHz), as if the two vCPUs were the two hardware threads of one core,
 * where two cores would give 2.
 * Run (after mvn package): java --add-modules jdk.incubator.vector -cp tools/target/mssd.jar bench/FmaScaling.java [STEPS]
 * (default 2,000,000 steps of twelve FMAs per run).
 */
public class FmaScaling {
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        double flops = steps * 12.0 * FmaCeiling.lanes() * 2;
        int runs = 60;
        double[] one = new double[runs], two = new double[runs], ratio = new double[runs];
        try (FmaCeiling single = new FmaCeiling(flops, 1); FmaCeiling split = new FmaCeiling(flops, 2)) {
            for (int i = -10; i < runs; i++) { // 10 warm-up rounds
                long t0 = System.nanoTime();
                single.run();
                long t1 = System.nanoTime();
                split.run();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    one[i] = (t1 - t0) / 1e6;
                    two[i] = (t2 - t1) / 1e6;
                    ratio[i] = one[i] / two[i];
                }
            }
        }
        Arrays.sort(one);
        Arrays.sort(two);
        Arrays.sort(ratio);
        System.out.printf("1 thread %.2f ms (%.1f GFLOP/s), 2 threads %.2f ms (%.1f GFLOP/s): median paired speedup %.2f%n",
                one[runs / 2], flops / one[runs / 2] / 1e6, two[runs / 2], flops / two[runs / 2] / 1e6, ratio[runs / 2]);
    }
}
