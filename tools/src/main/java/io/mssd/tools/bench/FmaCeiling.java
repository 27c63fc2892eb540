package io.mssd.tools.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The fp32 arithmetic floor of a model on this machine, measured rather than taken from a data sheet: one
 * {@link #run()} does the model's floating-point work (two flops per mult-add) as fused multiply-adds at the
 * core's best rate (twelve independent chains of the widest vectors per thread: enough to cover the FMA units'
 * latency, no memory traffic), on as many threads as the engine uses. Timed beside a network, its time is the
 * least any fp32 engine doing that model's multiplications directly could take in the same seconds (a shared
 * VM's clock moves from one second to the next, so a data-sheet peak would not do). Load this class only where
 * the jdk.incubator.vector module is present.
 */
public final class FmaCeiling implements Runnable, AutoCloseable {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    private final int threads;
    private final int stepsPerThread;
    private final ExecutorService pool;
    private final List<Callable<Float>> tasks = new ArrayList<>();
    private final float[] seed = new float[2 * S.length()];
    private volatile float sink;

    /** A run of {@code flops} floating-point operations (rounded to whole steps) split over {@code threads}. */
    public FmaCeiling(double flops, int threads) {
        if (threads < 1 || !(flops > 0)) throw new IllegalArgumentException("need threads >= 1 and flops > 0, got " + threads + ", " + flops);
        this.threads = threads;
        long steps = Math.max(1, Math.round(flops / (threads * (double) flopsPerStep())));
        if (steps > Integer.MAX_VALUE) throw new IllegalArgumentException("too many flops for one run: " + flops);
        this.stepsPerThread = (int) steps; // an int loop: C2's counted-loop form
        for (int i = 0; i < seed.length; i++) seed[i] = 1e-3f * i;
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mssd-fma-ceiling");
            t.setDaemon(true);
            return t;
        }) : null;
        for (int t = 0; t < threads; t++) tasks.add(() -> chains(seed, stepsPerThread));
        // C2 compiles the loop before the first timed run (interpreted, it would set a floor far too high)
        for (int i = 0; i < 20_000; i++) sink += chains(seed, 1_000);
    }

    /** Floating-point operations one step of one thread does: 12 FMAs of L lanes, 2 flops each. */
    private static long flopsPerStep() {
        return (long) CHAINS * S.length() * 2;
    }

    /** The floating-point operations one run does (the requested count, rounded to whole steps). */
    public double flops() {
        return (double) threads * stepsPerThread * flopsPerStep();
    }

    /** Lanes of the vectors used (8 on AVX2, 16 on AVX-512). */
    public static int lanes() {
        return S.length();
    }

    @Override
    public void run() {
        if (pool == null) {
            sink += chains(seed, stepsPerThread);
            return;
        }
        try {
            for (var f : pool.invokeAll(tasks)) sink += f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("FMA ceiling thread failed", e.getCause());
        }
    }

    private static float chains(float[] x, int steps) {
        FloatVector a0 = FloatVector.fromArray(S, x, 0), a1 = FloatVector.fromArray(S, x, S.length());
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector c0 = a0, c1 = a1, c2 = a0, c3 = a1, c4 = a0, c5 = a1, c6 = a0, c7 = a1, c8 = a0, c9 = a1, c10 = a0, c11 = a1;
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, a0);
            c1 = c1.fma(m, a1);
            c2 = c2.fma(m, a0);
            c3 = c3.fma(m, a1);
            c4 = c4.fma(m, a0);
            c5 = c5.fma(m, a1);
            c6 = c6.fma(m, a0);
            c7 = c7.fma(m, a1);
            c8 = c8.fma(m, a0);
            c9 = c9.fma(m, a1);
            c10 = c10.fma(m, a0);
            c11 = c11.fma(m, a1);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
