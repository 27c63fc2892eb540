package io.mssd.ssd.track;

/**
 * The constant-velocity Kalman filter of SORT/DeepSORT/ByteTrack on the 8-dimensional state
 * (x, y, a, h, vx, vy, va, vh): box centre, aspect ratio w/h, height and their velocities; the box
 * (x, y, a, h) is observed directly. Noise is relative to the height: position std h/20, velocity
 * std h/160 (the aspect ratio's fixed: 1e-2 and 1e-5, measurement 1e-1), initial stds twice and ten
 * times those. Means are double[8], covariances double[64] (row-major); the methods return new arrays.
 */
public final class KalmanBoxFilter {
    static final double POS = 1.0 / 20, VEL = 1.0 / 160;

    /** A state: mean (8) and covariance (8x8). */
    public record State(double[] mean, double[] cov) {}

    /** A new track's state from its first measurement (x, y, a, h); velocities 0. */
    public State initiate(double[] xyah) {
        double h = xyah[3];
        double[] mean = {xyah[0], xyah[1], xyah[2], xyah[3], 0, 0, 0, 0};
        double[] std = {2 * POS * h, 2 * POS * h, 1e-2, 2 * POS * h, 10 * VEL * h, 10 * VEL * h, 1e-5, 10 * VEL * h};
        return new State(mean, diagonalSquares(std));
    }

    /** One frame ahead: x += v; P = F P F^T + Q, Q from the height before the step. */
    public State predict(State s) {
        double[] m = s.mean(), p = s.cov();
        double h = m[3];
        double[] q = diagonalSquares(new double[] {POS * h, POS * h, 1e-2, POS * h, VEL * h, VEL * h, 1e-5, VEL * h});
        double[] mean = m.clone();
        for (int i = 0; i < 4; i++) mean[i] += m[i + 4];
        // F P F^T with F = [[I, I], [0, I]]: rows and columns i < 4 gain those of i + 4
        double[] fp = new double[64];
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) fp[r * 8 + c] = p[r * 8 + c] + (r < 4 ? p[(r + 4) * 8 + c] : 0);
        }
        double[] cov = new double[64];
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) cov[r * 8 + c] = fp[r * 8 + c] + (c < 4 ? fp[r * 8 + c + 4] : 0) + q[r * 8 + c];
        }
        return new State(mean, cov);
    }

    /** Measurement-space mean (4) and covariance (4x4, innovation noise added) of a state. */
    public State project(State s) {
        double[] m = s.mean(), p = s.cov();
        double h = m[3];
        double[] r = {POS * h, POS * h, 1e-1, POS * h};
        double[] cov = new double[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) cov[i * 4 + j] = p[i * 8 + j];
            cov[i * 4 + i] += r[i] * r[i];
        }
        return new State(new double[] {m[0], m[1], m[2], m[3]}, cov);
    }

    /** The correction by a measurement (x, y, a, h): gain K = P H^T S^-1 (Cholesky), x += K (z - Hx), P -= K S K^T. */
    public State update(State s, double[] xyah) {
        State proj = project(s);
        double[] sm = proj.cov(), p = s.cov();
        double[] l = cholesky(sm);
        // K^T = S^-1 (P H^T)^T: solve S X = H P (4x8), X = K^T
        double[] kt = new double[32];
        for (int c = 0; c < 8; c++) {
            double[] b = {p[c], p[8 + c], p[16 + c], p[24 + c]}; // column c of H P = row c of P H^T
            double[] x = choleskySolve(l, b);
            for (int i = 0; i < 4; i++) kt[i * 8 + c] = x[i];
        }
        double[] innov = new double[4];
        for (int i = 0; i < 4; i++) innov[i] = xyah[i] - proj.mean()[i];
        double[] mean = s.mean().clone();
        for (int c = 0; c < 8; c++) for (int i = 0; i < 4; i++) mean[c] += innov[i] * kt[i * 8 + c];
        // K S K^T = (P H^T) K^T: (8x4) * (4x8)
        double[] cov = p.clone();
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                double v = 0;
                for (int i = 0; i < 4; i++) v += p[r * 8 + i] * kt[i * 8 + c];
                cov[r * 8 + c] -= v;
            }
        }
        return new State(mean, cov);
    }

    static double[] diagonalSquares(double[] std) {
        int n = std.length;
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) d[i * n + i] = std[i] * std[i];
        return d;
    }

    /** Lower Cholesky factor of a 4x4 symmetric positive-definite matrix. */
    static double[] cholesky(double[] a) {
        double[] l = new double[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * 4 + j];
                for (int k = 0; k < j; k++) s -= l[i * 4 + k] * l[j * 4 + k];
                if (i == j) {
                    if (!(s > 0)) throw new IllegalStateException("innovation covariance is not positive definite");
                    l[i * 4 + i] = Math.sqrt(s);
                } else {
                    l[i * 4 + j] = s / l[j * 4 + j];
                }
            }
        }
        return l;
    }

    static double[] choleskySolve(double[] l, double[] b) {
        double[] y = new double[4], x = new double[4];
        for (int i = 0; i < 4; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * 4 + k] * y[k];
            y[i] = s / l[i * 4 + i];
        }
        for (int i = 3; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < 4; k++) s -= l[k * 4 + i] * x[k];
            x[i] = s / l[i * 4 + i];
        }
        return x;
    }
}
