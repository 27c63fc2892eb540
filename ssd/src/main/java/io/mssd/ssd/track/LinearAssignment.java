package io.mssd.ssd.track;

/**
 * Minimum-cost assignment of rows to columns with a cost limit, as ByteTrack asks lap.lapjv for it
 * (extend_cost, cost_limit): the matrix is extended to (n + m) square where leaving a row or a column
 * unassigned costs limit / 2 each, so a pair is matched only if that lowers the total. Solved exactly
 * by the Hungarian method with shortest augmenting paths (Jonker-Volgenant style, O(N^3)), in double.
 */
public final class LinearAssignment {
    private LinearAssignment() {}

    /** For each row, its column, or -1 if unassigned. cost is n x m (row-major), limit > 0. */
    public static int[] solve(double[] cost, int n, int m, double limit) {
        int[] rowToCol = new int[n];
        java.util.Arrays.fill(rowToCol, -1);
        if (n == 0 || m == 0) return rowToCol;
        // rows and columns with no cost below the limit can only stay unassigned: solve without them
        int[] rows = new int[n], cols = new int[m];
        int nr = 0, nc = 0;
        boolean[] colLive = new boolean[m];
        for (int i = 0; i < n; i++) {
            boolean live = false;
            for (int j = 0; j < m; j++) {
                if (cost[i * m + j] < limit) {
                    live = true;
                    colLive[j] = true;
                }
            }
            if (live) rows[nr++] = i;
        }
        for (int j = 0; j < m; j++) if (colLive[j]) cols[nc++] = j;
        if (nr == 0) return rowToCol;
        if (nr < n || nc < m) {
            double[] sub = new double[nr * nc];
            for (int a = 0; a < nr; a++) for (int b = 0; b < nc; b++) sub[a * nc + b] = cost[rows[a] * m + cols[b]];
            int[] r = solveDense(sub, nr, nc, limit);
            for (int a = 0; a < nr; a++) if (r[a] >= 0) rowToCol[rows[a]] = cols[r[a]];
            return rowToCol;
        }
        return solveDense(cost, n, m, limit);
    }

    private static int[] solveDense(double[] cost, int n, int m, double limit) {
        int[] rowToCol = new int[n];
        java.util.Arrays.fill(rowToCol, -1);
        int size = n + m;
        double half = limit / 2;
        // extended square matrix: [C, limit/2; limit/2, 0]
        double[] a = new double[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double v;
                if (i < n && j < m) v = cost[i * m + j];
                else if (i >= n && j >= m) v = 0;
                else v = half;
                a[i * size + j] = v;
            }
        }
        int[] colOfRow = hungarian(a, size);
        for (int i = 0; i < n; i++) if (colOfRow[i] < m) rowToCol[i] = colOfRow[i];
        return rowToCol;
    }

    /** Square Hungarian method (potentials u, v; 1-based internally). Returns the column of each row. */
    static int[] hungarian(double[] a, int n) {
        double[] u = new double[n + 1], v = new double[n + 1], minv = new double[n + 1];
        int[] p = new int[n + 1], way = new int[n + 1];
        boolean[] used = new boolean[n + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            java.util.Arrays.fill(minv, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = Double.POSITIVE_INFINITY;
                for (int j = 1; j <= n; j++) {
                    if (used[j]) continue;
                    double cur = a[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] colOfRow = new int[n];
        for (int j = 1; j <= n; j++) if (p[j] > 0) colOfRow[p[j] - 1] = j - 1;
        return colOfRow;
    }
}
