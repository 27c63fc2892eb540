package io.mssd.core.train;

/**
 * Linear warm-up from base / warmup to base over the first {@code warmupSteps} steps, then constant
 * or cosine decay to 0 at {@code totalSteps}.
 */
public record LearningRateSchedule(float base, int warmupSteps, int totalSteps, Kind kind) {

    public enum Kind { CONSTANT, COSINE }

    public LearningRateSchedule {
        if (!(base > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + base);
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        if (totalSteps < 1) throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
    }

    /** The rate of step {@code step} (0-based). */
    public float rate(int step) {
        if (step < warmupSteps) return base * (step + 1) / warmupSteps;
        if (kind == Kind.CONSTANT) return base;
        int span = Math.max(1, totalSteps - warmupSteps);
        double t = Math.min(1.0, (double) (step - warmupSteps) / span);
        return (float) (base * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
}
