package io.mssd.tools.bench;

import io.mssd.core.kernels.Activation;
import io.mssd.core.kernels.ComputePool;
import io.mssd.core.kernels.GemmKernel;
import io.mssd.core.kernels.GemmTask;
import io.mssd.core.kernels.ScalarGemmKernel;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.bytedeco.javacpp.FloatPointer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GFLOP/s of out[Cout x HW] = W[Cout x Cin] * X[Cin x HW] on the MobileNet-SSD 1x1 shapes for the
 * engine's kernels, EJML and OpenCV's gemm, all in this process, at each thread count.
 */
public final class GemmBenchmark {

    /** (Cin, Cout, HW) of the 1x1 convolutions of MobileNet-SSD 300x300. */
    public static final int[][] SHAPES = {{32, 64, 22500}, {128, 128, 5625}, {256, 256, 1444}, {512, 512, 361}, {1024, 1024, 100}};

    public record Result(int cin, int cout, int hw, int threads, String impl, double gflops) {}

    private final double secondsPerCase;

    public GemmBenchmark(double secondsPerCase) {
        this.secondsPerCase = secondsPerCase;
    }

    public List<Result> run(int[] threadCounts, PrintStream progress) {
        List<Result> results = new ArrayList<>();
        for (int threads : threadCounts) {
            for (int[] s : SHAPES) {
                int cin = s[0], cout = s[1], hw = s[2];
                SplittableRandom rnd = new SplittableRandom(42);
                float[] w = new float[cout * cin], x = new float[cin * hw], y = new float[cout * hw];
                for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextDouble(-1, 1);
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
                double flops = 2.0 * cin * cout * hw;
                try (ComputePool pool = new ComputePool(threads)) {
                    for (GemmKernel kernel : List.of(GemmKernel.fastest(), ScalarGemmKernel.INSTANCE)) {
                        if (kernel == ScalarGemmKernel.INSTANCE && GemmKernel.fastest() == kernel && results.stream()
                                .anyMatch(r -> r.impl().equals("mssd-scalar") && r.hw() == hw && r.threads() == threads)) continue;
                        GemmTask task = new GemmTask(kernel).bind(cout, hw, cin, w, 0, x, 0, y, 0, null, 0, Activation.NONE);
                        results.add(new Result(cin, cout, hw, threads, "mssd-" + (kernel == ScalarGemmKernel.INSTANCE ? "scalar" : "vector"),
                                flops / time(() -> task.execute(pool)) / 1e9));
                    }
                }
                FMatrixRMaj a = new FMatrixRMaj(cout, cin, true, w), b = new FMatrixRMaj(cin, hw, true, x), c = new FMatrixRMaj(cout, hw);
                if (threads == 1) {
                    results.add(new Result(cin, cout, hw, threads, "ejml", flops / time(() -> CommonOps_FDRM.mult(a, b, c)) / 1e9));
                } else {
                    EjmlConcurrency.setMaxThreads(threads);
                    results.add(new Result(cin, cout, hw, threads, "ejml", flops / time(() -> CommonOps_MT_FDRM.mult(a, b, c)) / 1e9));
                }
                opencv_core.setNumThreads(threads);
                // OpenCV's gemm calls the bundled OpenBLAS, which has its own thread count
                org.bytedeco.openblas.global.openblas.blas_set_num_threads(threads);
                try (Mat ma = new Mat(cout, cin, opencv_core.CV_32F); Mat mb = new Mat(cin, hw, opencv_core.CV_32F);
                     Mat mc = new Mat(cout, hw, opencv_core.CV_32F); Mat none = new Mat()) {
                    new FloatPointer(ma.data()).put(w);
                    new FloatPointer(mb.data()).put(x);
                    results.add(new Result(cin, cout, hw, threads, "opencv",
                            flops / time(() -> opencv_core.gemm(ma, mb, 1.0, none, 0.0, mc)) / 1e9));
                }
                if (progress != null) progress.printf(Locale.ROOT, "  measured %d threads, shape %dx%dx%d%n", threads, cin, cout, hw);
            }
        }
        return results;
    }

    /** Median seconds per call after a warm-up. */
    private double time(Runnable r) {
        long warmEnd = System.nanoTime() + (long) (secondsPerCase * 0.4e9);
        while (System.nanoTime() < warmEnd) r.run();
        List<Long> samples = new ArrayList<>();
        long end = System.nanoTime() + (long) (secondsPerCase * 1e9);
        while (System.nanoTime() < end || samples.size() < 5) {
            long t0 = System.nanoTime();
            r.run();
            samples.add(System.nanoTime() - t0);
        }
        long[] s = samples.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        return s[s.length / 2] / 1e9;
    }

    public static String table(List<Result> results) {
        List<String> impls = results.stream().map(Result::impl).distinct().toList();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-20s %7s", "Cin x Cout x HW", "threads"));
        for (String i : impls) sb.append(String.format(Locale.ROOT, " %12s", i));
        sb.append(String.format(Locale.ROOT, " %14s%n", "vector/opencv"));
        results.stream().map(r -> r.cin() + "x" + r.cout() + "x" + r.hw() + "@" + r.threads()).distinct().forEach(key -> {
            List<Result> row = results.stream().filter(r -> (r.cin() + "x" + r.cout() + "x" + r.hw() + "@" + r.threads()).equals(key)).toList();
            Result first = row.get(0);
            sb.append(String.format(Locale.ROOT, "%-20s %7d", first.cin() + "x" + first.cout() + "x" + first.hw(), first.threads()));
            double vec = 0, cv = 0;
            for (String i : impls) {
                double g = row.stream().filter(r -> r.impl().equals(i)).mapToDouble(Result::gflops).findFirst().orElse(Double.NaN);
                if (i.equals("mssd-vector")) vec = g;
                if (i.equals("opencv")) cv = g;
                sb.append(String.format(Locale.ROOT, " %12.1f", g));
            }
            sb.append(String.format(Locale.ROOT, " %14.2f%n", vec / cv));
        });
        sb.append("(GFLOP/s, median; 2*Cin*Cout*HW flops per product)\n");
        return sb.toString();
    }
}
