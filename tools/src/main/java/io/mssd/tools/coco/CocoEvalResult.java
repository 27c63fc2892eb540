package io.mssd.tools.coco;

import java.util.Locale;

/**
 * What COCOeval.accumulate() + summarize() produce: precision [T][R][K][A][M], recall [T][K][A][M]
 * (-1 where undefined), the 12 summary stats and per-category AP.
 */
public final class CocoEvalResult {
    public static final String[] STAT_NAMES = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};

    final CocoEvalParams p;
    final long[] catIds;
    final int T, R, K, A, M;
    final double[] precision, recall, scores;

    CocoEvalResult(CocoEvalParams p, long[] catIds, int k) {
        this.p = p;
        this.catIds = catIds;
        T = p.iouThrs.length;
        R = p.recThrs.length;
        K = k;
        A = p.areaRng.length;
        M = p.maxDets.length;
        precision = new double[T * R * K * A * M];
        scores = new double[T * R * K * A * M];
        recall = new double[T * K * A * M];
        java.util.Arrays.fill(precision, -1);
        java.util.Arrays.fill(scores, -1);
        java.util.Arrays.fill(recall, -1);
    }

    int pIndex(int t, int r, int k, int a, int m) {
        return (((t * R + r) * K + k) * A + a) * M + m;
    }

    int rIndex(int t, int k, int a, int m) {
        return ((t * K + k) * A + a) * M + m;
    }

    /** Category k's entries of precision, recall and scores. */
    CocoEvaluator.CategoryResult slice(int k) {
        double[] pr = new double[T * R * A * M], sc = new double[T * R * A * M], rc = new double[T * A * M];
        int o = 0;
        for (int t = 0; t < T; t++) for (int r = 0; r < R; r++) for (int a = 0; a < A; a++) for (int m = 0; m < M; m++, o++) {
            pr[o] = precision[pIndex(t, r, k, a, m)];
            sc[o] = scores[pIndex(t, r, k, a, m)];
        }
        o = 0;
        for (int t = 0; t < T; t++) for (int a = 0; a < A; a++) for (int m = 0; m < M; m++, o++) rc[o] = recall[rIndex(t, k, a, m)];
        return new CocoEvaluator.CategoryResult(k, pr, rc, sc);
    }

    /** Writes a category's entries back (the inverse of {@link #slice}). */
    void put(CocoEvaluator.CategoryResult c) {
        int k = c.k(), o = 0;
        for (int t = 0; t < T; t++) for (int r = 0; r < R; r++) for (int a = 0; a < A; a++) for (int m = 0; m < M; m++, o++) {
            precision[pIndex(t, r, k, a, m)] = c.precision()[o];
            scores[pIndex(t, r, k, a, m)] = c.scores()[o];
        }
        o = 0;
        for (int t = 0; t < T; t++) for (int a = 0; a < A; a++) for (int m = 0; m < M; m++, o++) recall[rIndex(t, k, a, m)] = c.recall()[o];
    }

    public double precision(int t, int r, int k, int a, int m) {
        return precision[pIndex(t, r, k, a, m)];
    }

    public double recall(int t, int k, int a, int m) {
        return recall[rIndex(t, k, a, m)];
    }

    public CocoEvalParams params() {
        return p;
    }

    /** Category ids in the K axis ({-1} when useCats is off). */
    public long[] catIds() {
        return catIds.clone();
    }

    /** pycocotools' _summarize: mean of the selected entries that are > -1, else -1. */
    public double summarize(boolean ap, Double iouThr, String areaLbl, int maxDet) {
        int a = indexOf(p.areaRngLbl, areaLbl), m = -1;
        for (int i = 0; i < M; i++) if (p.maxDets[i] == maxDet) m = i;
        double sum = 0;
        long n = 0;
        for (int t = 0; t < T; t++) {
            if (iouThr != null && p.iouThrs[t] != iouThr) continue; // exact, as np.where(iouThr == iouThrs)
            if (a < 0 || m < 0) continue;
            for (int k = 0; k < K; k++) {
                if (ap) {
                    for (int r = 0; r < R; r++) {
                        double v = precision[pIndex(t, r, k, a, m)];
                        if (v > -1) {
                            sum += v;
                            n++;
                        }
                    }
                } else {
                    double v = recall[rIndex(t, k, a, m)];
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) if (a[i].equals(s)) return i;
        return -1;
    }

    /** The 12 numbers of COCOeval.summarize(), in its order. */
    public double[] stats() {
        int[] md = p.maxDets;
        int last = md[md.length - 1];
        return new double[] {
            summarize(true, null, "all", last), summarize(true, 0.5, "all", last), summarize(true, 0.75, "all", last),
            summarize(true, null, "small", last), summarize(true, null, "medium", last), summarize(true, null, "large", last),
            summarize(false, null, "all", md[0]), summarize(false, null, "all", md[Math.min(1, md.length - 1)]),
            summarize(false, null, "all", last), summarize(false, null, "small", last),
            summarize(false, null, "medium", last), summarize(false, null, "large", last)};
    }

    /** AP (IoU .50:.95, area all, largest maxDets) of category index k; -1 if undefined. */
    public double categoryAp(int k) {
        int a = 0, m = M - 1;
        double sum = 0;
        long n = 0;
        for (int t = 0; t < T; t++) {
            for (int r = 0; r < R; r++) {
                double v = precision[pIndex(t, r, k, a, m)];
                if (v > -1) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    /** The 12 lines exactly as pycocotools' summarize() prints them. */
    public String summaryText() {
        double[] s = stats();
        int[] md = p.maxDets;
        int last = md[md.length - 1];
        String iouAll = String.format(Locale.ROOT, "%.2f:%.2f", p.iouThrs[0], p.iouThrs[p.iouThrs.length - 1]);
        Object[][] rows = {
            {1, iouAll, "all", last}, {1, "0.50", "all", last}, {1, "0.75", "all", last},
            {1, iouAll, "small", last}, {1, iouAll, "medium", last}, {1, iouAll, "large", last},
            {0, iouAll, "all", md[0]}, {0, iouAll, "all", md[Math.min(1, md.length - 1)]}, {0, iouAll, "all", last},
            {0, iouAll, "small", last}, {0, iouAll, "medium", last}, {0, iouAll, "large", last}};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            boolean ap = (int) rows[i][0] == 1;
            sb.append(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %.3f%n",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", rows[i][1], rows[i][2],
                    (int) rows[i][3], s[i]));
        }
        return sb.toString();
    }
}
