package io.mssd.ssd.track;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The assignment against brute force on random matrices: the same minimum of the cost-limited objective. */
class LinearAssignmentTest {

    /** Total of an assignment: matched pairs' costs, limit / 2 for each unmatched row and column. */
    static double total(double[] c, int n, int m, double limit, int[] rowToCol) {
        double t = 0;
        boolean[] used = new boolean[m];
        for (int i = 0; i < n; i++) {
            if (rowToCol[i] < 0) {
                t += limit / 2;
            } else {
                t += c[i * m + rowToCol[i]];
                used[rowToCol[i]] = true;
            }
        }
        for (boolean u : used) if (!u) t += limit / 2;
        return t;
    }

    static double best;

    static void brute(double[] c, int n, int m, double limit, int row, int[] cur, boolean[] used) {
        if (row == n) {
            best = Math.min(best, total(c, n, m, limit, cur));
            return;
        }
        cur[row] = -1;
        brute(c, n, m, limit, row + 1, cur, used);
        for (int j = 0; j < m; j++) {
            if (used[j]) continue;
            used[j] = true;
            cur[row] = j;
            brute(c, n, m, limit, row + 1, cur, used);
            used[j] = false;
        }
        cur[row] = -1;
    }

    @Test
    void optimalOnRandomMatrices() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 400; trial++) {
            int n = r.nextInt(0, 6), m = r.nextInt(0, 6);
            double limit = r.nextDouble(0.2, 1.0);
            double[] c = new double[n * m];
            for (int i = 0; i < c.length; i++) c[i] = r.nextDouble() < 0.2 ? 1.0 : r.nextDouble();
            int[] got = LinearAssignment.solve(c, n, m, limit);
            best = Double.POSITIVE_INFINITY;
            brute(c, n, m, limit, 0, new int[n], new boolean[m]);
            if (n == 0 || m == 0) best = (n + m) * limit / 2;
            assertEquals(best, total(c, n, m, limit, got), 1e-9, "trial " + trial);
            // no pair above the limit is ever matched
            for (int i = 0; i < n; i++) if (got[i] >= 0) assertEquals(true, c[i * m + got[i]] <= limit, "trial " + trial);
        }
    }

    @Test
    void aPairAtTheLimitIsNotWorthMatchingAndAnUnambiguousCaseIsSolved() {
        assertArrayEquals(new int[] {1, 0}, LinearAssignment.solve(new double[] {0.9, 0.1, 0.2, 0.95}, 2, 2, 0.8));
        assertArrayEquals(new int[] {-1}, LinearAssignment.solve(new double[] {0.85}, 1, 1, 0.8));
        assertArrayEquals(new int[] {-1, -1}, LinearAssignment.solve(new double[0], 2, 0, 0.8));
    }
}
