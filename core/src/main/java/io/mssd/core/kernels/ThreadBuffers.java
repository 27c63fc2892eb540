package io.mssd.core.kernels;

/** The kernels' per-thread scratch arrays: grown on first use, then reused, so a warm call allocates nothing. */
final class ThreadBuffers {
    private ThreadBuffers() {}

    /** This thread's buffer, grown to at least {@code size} floats. */
    static float[] atLeast(ThreadLocal<float[]> local, int size) {
        float[] buf = local.get();
        if (buf.length < size) {
            buf = new float[size];
            local.set(buf);
        }
        return buf;
    }
}
