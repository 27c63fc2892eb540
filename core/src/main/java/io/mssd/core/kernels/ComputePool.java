package io.mssd.core.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of worker threads that split index ranges. {@link #parallelFor} allocates nothing,
 * so a warmed-up forward pass stays allocation-free. One job runs at a time; a caller that finds
 * the pool busy (another thread's forward pass) runs its job on its own thread instead of waiting.
 */
public final class ComputePool implements AutoCloseable {

    /** Work over the index range [from, to); {@code worker} in [0, threads) selects per-worker scratch. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to, int worker);
    }

    private static final ComputePool SINGLE = new ComputePool(1);

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock submit = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    // job fields, published by the write to generation
    private RangeTask task;
    private int total, parts, chunk;
    private volatile Throwable failure;

    public ComputePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int id = i + 1;
            Thread t = new Thread(() -> workLoop(id), "mssd-compute-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** A pool with no extra threads: everything runs on the caller. */
    public static ComputePool single() {
        return SINGLE;
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over [0, n) split into at most {@code threads} contiguous parts of at least
     * {@code grain} indices each (part boundaries are multiples of grain, except the last).
     */
    public void parallelFor(int n, int grain, RangeTask task) {
        if (n <= 0) return;
        int g = Math.max(1, grain);
        int blocks = (n + g - 1) / g;
        int p = Math.min(threads, blocks);
        if (p <= 1 || isWorkerThread() || !submit.tryLock()) {
            task.run(0, n, 0);
            return;
        }
        try {
            this.task = task;
            this.total = n;
            this.parts = p;
            this.chunk = ((blocks + p - 1) / p) * g;
            this.failure = null;
            pending.set(p - 1);
            generation++; // publishes the job
            for (int i = 0; i < p - 1; i++) LockSupport.unpark(workers[i]);
            runPart(0);
            int spins = 0;
            while (pending.get() > 0) {
                if (++spins < 20000) Thread.onSpinWait();
                else Thread.yield();
            }
            this.task = null;
            Throwable f = failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error er) throw er;
                throw new IllegalStateException(f);
            }
        } finally {
            submit.unlock();
        }
    }

    private void runPart(int part) {
        int from = part * chunk;
        int to = Math.min(total, from + chunk);
        if (from < to) task.run(from, to, part);
    }

    private boolean isWorkerThread() {
        Thread t = Thread.currentThread();
        for (Thread w : workers) if (w == t) return true;
        return false;
    }

    private void workLoop(int id) {
        int seen = 0;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < 5000) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 1_000_000L);
            }
            if (closed) return;
            seen = generation;
            if (id < parts) {
                try {
                    runPart(id);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }

    @Override
    public void close() {
        if (this == SINGLE) return;
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
