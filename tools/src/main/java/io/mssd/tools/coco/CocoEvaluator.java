package io.mssd.tools.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pycocotools' COCOeval for iouType "bbox" (evaluate + accumulate), reproduced operation by
 * operation so that every number agrees to the last bits: loadRes (detection area = w*h, ids 1..N
 * in file order, iscrowd 0), the iscrowd-overwrites-ignore quirk, crowd IoU against the
 * detection's area, inclusive area ranges on the annotation's `area`, stable score sorts, the
 * greedy matching loop with its tie order, the per-image cap of maxDets[-1], 101-point
 * interpolated precision with the envelope, and -1 where a value is undefined.
 * Categories are independent, so they are evaluated in parallel.
 */
public final class CocoEvaluator {
    private final CocoDataset gt;
    private final List<CocoDetection> dt;
    private final CocoEvalParams p;
    private final int threads;
    private final String dtSource;
    private final boolean ignoreUnknownCategories;

    private long[] imgIds, catIds;
    /** cells[k][i]: ground truth and detection indices of (category k, image i), in file order. */
    private int[][][] gtCells, dtCells;

    public CocoEvaluator(CocoDataset gt, List<CocoDetection> dt, CocoEvalParams p, int threads, String dtSource,
                         boolean ignoreUnknownCategories) {
        this.gt = gt;
        this.dt = dt;
        this.p = p;
        this.threads = Math.max(1, threads);
        this.dtSource = dtSource;
        this.ignoreUnknownCategories = ignoreUnknownCategories;
    }

    public CocoEvalResult run() {
        prepare();
        int K = p.useCats ? catIds.length : 1;
        CocoEvalResult res = new CocoEvalResult(p, p.useCats ? catIds : new long[] {-1}, K);
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int k; (k = next.getAndIncrement()) < K; ) evaluateCategory(k, res);
        };
        if (threads == 1 || K == 1) {
            worker.run();
        } else {
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < threads; i++) fs.add(ex.submit(worker));
                for (Future<?> f : fs) f.get();
            } catch (Exception e) {
                throw new IllegalStateException("evaluation failed", e.getCause() != null ? e.getCause() : e);
            } finally {
                ex.shutdown();
            }
        }
        return res;
    }

    // ---- evaluation in parts (categories are independent: Spark evaluates them on executors) ----

    /** The accumulated arrays of one category (index k on the K axis), to assemble with the others. */
    public record CategoryResult(int k, double[] precision, double[] recall, double[] scores) implements java.io.Serializable {}

    /** Number of categories on the K axis (1 when useCats is off). */
    public int categoryCount() {
        if (catIds == null) prepare();
        return p.useCats ? catIds.length : 1;
    }

    /** The category ids of the K axis, in order ({-1} when useCats is off). */
    public long[] categoryIds() {
        if (catIds == null) prepare();
        return p.useCats ? catIds.clone() : new long[] {-1};
    }

    /** evaluateImg and accumulate for the given categories only (indices on the K axis). */
    public List<CategoryResult> evaluateCategories(int[] ks) {
        if (catIds == null) prepare();
        int K = categoryCount();
        CocoEvalResult res = new CocoEvalResult(p, p.useCats ? catIds : new long[] {-1}, K);
        List<CategoryResult> out = new ArrayList<>();
        for (int k : ks) {
            if (k < 0 || k >= K) throw new IllegalArgumentException("category index " + k + " is outside 0.." + (K - 1));
            evaluateCategory(k, res);
            out.add(res.slice(k));
        }
        return out;
    }

    /** The whole result from every category's part, as {@link #run} computes it. */
    public CocoEvalResult assemble(List<CategoryResult> parts) {
        if (catIds == null) prepare();
        int K = categoryCount();
        CocoEvalResult res = new CocoEvalResult(p, p.useCats ? catIds : new long[] {-1}, K);
        boolean[] seen = new boolean[K];
        for (CategoryResult c : parts) {
            if (seen[c.k()]) throw new IllegalArgumentException("category index " + c.k() + " given twice");
            seen[c.k()] = true;
            res.put(c);
        }
        for (int k = 0; k < K; k++) if (!seen[k]) throw new IllegalArgumentException("category index " + k + " is missing");
        return res;
    }

    // ---- _prepare --------------------------------------------------------------------------

    private void prepare() {
        IdIndex allImages = new IdIndex(gt.images().stream().mapToLong(CocoDataset.Image::id).toArray());
        IdIndex allCats = new IdIndex(gt.categories().stream().mapToLong(CocoDataset.Category::id).toArray());
        for (int i = 0; i < dt.size(); i++) {
            CocoDetection d = dt.get(i);
            if (allImages.get(d.imageId()) < 0) {
                throw new CocoFormatException(dtSource, "[" + i + "].image_id", "image id " + d.imageId()
                        + " is not in the ground truth (results do not belong to this dataset)");
            }
            if (!ignoreUnknownCategories && allCats.get(d.categoryId()) < 0) {
                throw new CocoFormatException(dtSource, "[" + i + "].category_id", "category id " + d.categoryId()
                        + " is not in the ground truth categories");
            }
        }
        imgIds = p.imgIds != null ? unique(p.imgIds) : allImages.keys.clone();
        long[] cats = p.catIds != null ? p.catIds : gt.categories().stream().mapToLong(CocoDataset.Category::id).toArray();
        catIds = p.useCats ? unique(cats) : (p.catIds != null ? p.catIds.clone() : sortedCopy(cats));
        IdIndex imgIndex = new IdIndex(imgIds), catIndex = new IdIndex(catIds);
        // per (category, image) index lists in file order (a counting sort); other images / categories dropped
        int K = catIds.length, I = imgIds.length;
        List<CocoDataset.Annotation> anns = gt.annotations();
        int[] gCell = new int[anns.size()], dCell = new int[dt.size()];
        for (int a = 0; a < anns.size(); a++) gCell[a] = cell(imgIndex, catIndex, anns.get(a).imageId(), anns.get(a).categoryId(), I);
        for (int j = 0; j < dt.size(); j++) dCell[j] = cell(imgIndex, catIndex, dt.get(j).imageId(), dt.get(j).categoryId(), I);
        gtCells = group(gCell, K, I);
        dtCells = group(dCell, K, I);
        if (!p.useCats) {
            // one pseudo-category: each image's lists concatenated in category order
            gtCells = new int[][][] {concatOverCategories(gtCells)};
            dtCells = new int[][][] {concatOverCategories(dtCells)};
        }
    }

    /** Sorted, without repeats. */
    private static long[] unique(long[] a) {
        long[] s = sortedCopy(a);
        int n = 0;
        for (int i = 0; i < s.length; i++) if (n == 0 || s[i] != s[n - 1]) s[n++] = s[i];
        return Arrays.copyOf(s, n);
    }

    private static long[] sortedCopy(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c;
    }

    /**
     * Each id's first position in a list of ids: a table indexed by id when the ids span a modest range
     * (COCO val2017's 5,000 image ids span 580,000: a 2.3 MB table), else a binary search; no boxing,
     * no hashing.
     */
    private static final class IdIndex {
        final long[] keys;
        private final int[] first;
        private final int[] table;
        private final long base;

        IdIndex(long[] ids) {
            keys = unique(ids);
            first = new int[keys.length];
            Arrays.fill(first, -1);
            for (int i = 0; i < ids.length; i++) {
                int at = Arrays.binarySearch(keys, ids[i]);
                if (first[at] < 0) first[at] = i;
            }
            long span = keys.length == 0 ? -1 : keys[keys.length - 1] - keys[0]; // negative when it overflows
            if (span >= 0 && span < (1 << 22) && span < Math.max(1 << 20, 256L * keys.length)) {
                base = keys[0];
                table = new int[(int) span + 1];
                Arrays.fill(table, -1);
                for (int at = 0; at < keys.length; at++) table[(int) (keys[at] - base)] = first[at];
            } else {
                base = 0;
                table = null;
            }
        }

        /** The id's first position, or -1 when it is not in the list. */
        int get(long id) {
            if (table != null) {
                long o = id - base;
                return o >= 0 && o < table.length ? table[(int) o] : -1;
            }
            int at = Arrays.binarySearch(keys, id);
            return at < 0 ? -1 : first[at];
        }
    }

    /** k * I + i for an annotation of image i and category k, or -1 when either is not evaluated. */
    private static int cell(IdIndex imgIndex, IdIndex catIndex, long img, long cat, int I) {
        int i = imgIndex.get(img), k = catIndex.get(cat);
        return i < 0 || k < 0 ? -1 : k * I + i;
    }

    /** Indices grouped by cell, each group in ascending (file) order: [k][i] -> indices. */
    private static int[][][] group(int[] cellOf, int K, int I) {
        int[] count = new int[K * I];
        for (int c : cellOf) if (c >= 0) count[c]++;
        int[][][] out = new int[K][I][];
        for (int k = 0; k < K; k++) for (int i = 0; i < I; i++) out[k][i] = new int[count[k * I + i]];
        int[] fill = new int[K * I];
        for (int x = 0; x < cellOf.length; x++) {
            int c = cellOf[x];
            if (c >= 0) out[c / I][c % I][fill[c]++] = x;
        }
        return out;
    }

    private static int[][] concatOverCategories(int[][][] cells) {
        int n = cells.length == 0 ? 0 : cells[0].length;
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            int len = 0;
            for (int[][] c : cells) len += c[i].length;
            out[i] = new int[len];
            int o = 0;
            for (int[][] c : cells) {
                System.arraycopy(c[i], 0, out[i], o, c[i].length);
                o += c[i].length;
            }
        }
        return out;
    }

    // ---- evaluateImg -----------------------------------------------------------------------

    /** evaluateImg's output for one (image, category, area range). */
    private static final class ImgEval {
        double[] dtScores;   // sorted, at most maxDets[-1]
        /**
         * [T][D]: TRUE_POSITIVE (matched to a ground truth not ignored whose id is not 0: pycocotools tests
         * dtm != 0), IGNORED (matched to an ignored one, or unmatched outside the area range) or FALSE_POSITIVE.
         */
        byte[] outcome;
        int npig;            // ground truth not ignored
    }

    /** Stable sort of indices by descending key: np.argsort(-key, kind='mergesort'). */
    static int[] argsortDescending(double[] key) {
        int n = key.length;
        int[] a = new int[n], b = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        // runs of 16 by insertion (an index moves left only past strictly smaller keys: stable), then
        // bottom-up merges; on equal keys the left run goes first, which keeps it stable
        final int run = 16;
        for (int lo = 0; lo < n; lo += run) {
            int hi = Math.min(lo + run, n);
            for (int i = lo + 1; i < hi; i++) {
                int x = a[i], j = i - 1;
                double kx = key[x];
                while (j >= lo && kx > key[a[j]]) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
        }
        for (int width = run; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n);
                int i = lo, j = mid, o = lo;
                while (i < mid && j < hi) b[o++] = key[a[j]] > key[a[i]] ? a[j++] : a[i++];
                while (i < mid) b[o++] = a[i++];
                while (j < hi) b[o++] = a[j++];
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    private void evaluateCategory(int k, CocoEvalResult res) {
        int I = imgIds.length, A = p.areaRng.length;
        ImgEval[][] evals = new ImgEval[A][I];
        for (int i = 0; i < I; i++) {
            int[] g = gtCells[k][i], d = dtCells[k][i];
            if (g.length > 0 || d.length > 0) evaluateImage(g, d, i, evals);
        }
        accumulate(k, evals, res);
    }

    /**
     * One (category, image): computeIoU, then evaluateImg for every area range into evals[a][i]. (Its own
     * method so that the JIT compiles it once, small, rather than inside the loop over images.)
     */
    private void evaluateImage(int[] g, int[] d, int i, ImgEval[][] evals) {
        // computeIoU: detections by score (stable), capped, IoU against every ground truth
        double[] ds = new double[d.length];
        for (int j = 0; j < d.length; j++) ds[j] = dt.get(d[j]).score();
        int[] order = argsortDescending(ds);
        int D = Math.min(order.length, p.maxDets[p.maxDets.length - 1]), G = g.length;
        Candidates c = new Candidates(D);
        double[] ious = new double[D * G];
        for (int j = 0; j < D; j++) {
            CocoDetection x = dt.get(d[order[j]]);
            c.scores[j] = ds[order[j]];
            c.areas[j] = x.w() * x.h();
            double best = 0;
            for (int q = 0; q < G; q++) {
                double v = iou(x, gt.annotations().get(g[q]));
                ious[j * G + q] = v;
                if (!(v <= best) && best == best) best = v; // a NaN IoU sticks: such a detection is never skipped
            }
            c.bestIou[j] = best;
        }
        for (int a = 0; a < evals.length; a++) {
            evals[a][i] = evaluateImg(g, c, ious, p.areaRng[a], p.iouThrs.length);
        }
    }

    /** One image's detections of one category after the score sort and cap, shared by the area ranges. */
    private static final class Candidates {
        final double[] scores, areas;
        /** The detection's highest IoU over the image's ground truth: below a threshold it cannot match there. */
        final double[] bestIou;

        Candidates(int d) {
            scores = new double[d];
            areas = new double[d];
            bestIou = new double[d];
        }
    }

    /** maskUtils.iou for boxes (bbIou in C), same operations in the same order. */
    static double iou(CocoDetection d, CocoDataset.Annotation g) {
        double ga = g.w() * g.h(), da = d.w() * d.h();
        double w = Math.min(d.w() + d.x(), g.w() + g.x()) - Math.max(d.x(), g.x());
        if (w <= 0) return 0;
        double h = Math.min(d.h() + d.y(), g.h() + g.y()) - Math.max(d.y(), g.y());
        if (h <= 0) return 0;
        double i = w * h;
        double u = g.iscrowd() ? da : da + ga - i;
        return i / u;
    }

    private ImgEval evaluateImg(int[] gIdx, Candidates dets, double[] iousByGtFileOrder, double[] aRng, int T) {
        int G = gIdx.length, D = dets.scores.length;
        List<CocoDataset.Annotation> anns = gt.annotations();
        // _ignore: iscrowd overwrites the user's ignore flag (pycocotools' _prepare), then the area range
        int[] gtIgFile = new int[G];
        for (int q = 0; q < G; q++) {
            CocoDataset.Annotation a = anns.get(gIdx[q]);
            boolean ignore = a.iscrowd();
            gtIgFile[q] = ignore || a.area() < aRng[0] || a.area() > aRng[1] ? 1 : 0;
        }
        // gt sorted with ignored last (stable)
        int[] gtind = new int[G];
        int n = 0;
        for (int q = 0; q < G; q++) if (gtIgFile[q] == 0) gtind[n++] = q;
        for (int q = 0; q < G; q++) if (gtIgFile[q] == 1) gtind[n++] = q;
        int[] gtIg = new int[G];
        boolean[] crowd = new boolean[G];
        long[] gtId = new long[G];
        for (int q = 0; q < G; q++) {
            gtIg[q] = gtIgFile[gtind[q]];
            crowd[q] = anns.get(gIdx[gtind[q]]).iscrowd();
            gtId[q] = anns.get(gIdx[gtind[q]]).id();
        }
        ImgEval e = new ImgEval();
        e.dtScores = dets.scores; // read only, the same for every area range
        e.outcome = new byte[T * D]; // FALSE_POSITIVE (0) until matched
        for (int q = 0; q < G; q++) if (gtIg[q] == 0) e.npig++;
        if (G > 0 && D > 0) {
            boolean[] gtm = new boolean[T * G];
            for (int t = 0; t < T; t++) {
                double threshold = Math.min(p.iouThrs[t], 1 - 1e-10);
                for (int j = 0; j < D; j++) {
                    // the loop below only picks an IoU >= threshold: with none, it leaves m at -1
                    if (dets.bestIou[j] < threshold) continue;
                    double best = threshold;
                    int m = -1;
                    for (int q = 0; q < G; q++) {
                        if (gtm[t * G + q] && !crowd[q]) continue;
                        if (m > -1 && gtIg[m] == 0 && gtIg[q] == 1) break;
                        double v = iousByGtFileOrder[j * G + gtind[q]];
                        if (v < best) continue;
                        best = v;
                        m = q;
                    }
                    if (m == -1) continue;
                    e.outcome[t * D + j] = gtIg[m] == 1 ? IGNORED : gtId[m] != 0 ? TRUE_POSITIVE : FALSE_POSITIVE;
                    gtm[t * G + m] = true; // the detection's id (1-based) is always > 0
                }
            }
        }
        // unmatched detections outside the area range are ignored
        for (int j = 0; j < D; j++) {
            double area = dets.areas[j];
            boolean outside = area < aRng[0] || area > aRng[1];
            if (!outside) continue;
            for (int t = 0; t < T; t++) if (e.outcome[t * D + j] != TRUE_POSITIVE) e.outcome[t * D + j] = IGNORED;
        }
        return e;
    }

    // ---- accumulate ------------------------------------------------------------------------

    /** A detection's outcome at one IoU threshold (the codes' bits are read by {@link #truePositives}). */
    private static final byte FALSE_POSITIVE = 0, TRUE_POSITIVE = 1, IGNORED = 2;

    private void accumulate(int k, ImgEval[][] evals, CocoEvalResult res) {
        int A = p.areaRng.length, M = p.maxDets.length, T = p.iouThrs.length, R = p.recThrs.length;
        // The detections of an image, their scores and whether an image takes part (evalImg not None)
        // do not depend on the area range, and a smaller maxDets keeps a prefix of each image's list;
        // so one stable sort of the concatenation (images in id order) serves every (area, maxDets).
        ImgEval[] any = evals[0];
        int total = 0;
        for (ImgEval e : any) if (e != null) total += e.dtScores.length;
        double[] allScores = new double[total];
        int[] allPos = new int[total];
        int o = 0;
        for (int i = 0; i < any.length; i++) {
            if (any[i] == null) continue;
            for (int j = 0; j < any[i].dtScores.length; j++, o++) {
                allScores[o] = any[i].dtScores[j];
                allPos[o] = j;
            }
        }
        int[] sorted = argsortDescending(allScores);
        int[] rank = new int[total];
        for (int x = 0; x < total; x++) rank[sorted[x]] = x;
        // for each maxDets, the positions (in score order) of the detections it keeps
        int[][] kept = new int[M][];
        for (int m = 0; m < M; m++) kept[m] = keptPositions(sorted, allPos, p.maxDets[m]);
        // pycocotools' tp/fp cumsums, rc and pr arrays are only read at true positives: rc only grows
        // there and every pr after one (until the next) is at most its pr, so the envelope and the
        // searchsorted over recThrs see the same values at the true positives alone (same operations,
        // same bits), without two divisions per detection
        int[] tpAt = new int[total], fpBefore = new int[total];
        double[] tpPr = new double[total];
        // per area range, each detection's outcome at every IoU threshold, gathered once in score order
        // so that the maxDets x thresholds passes below read one array in order
        byte[] outcome = new byte[T * total];
        for (int a = 0; a < A; a++) {
            ImgEval[] E = evals[a];
            int npig = 0;
            boolean present = false;
            for (ImgEval e : E) {
                if (e == null) continue;
                present = true;
                npig += e.npig;
            }
            if (!present || npig == 0) continue;
            gatherOutcomes(E, any, rank, T, total, outcome);
            for (int m = 0; m < M; m++) {
                int[] inds = kept[m];
                int nd = inds.length;
                for (int t = 0; t < T; t++) {
                    int nTp = truePositives(outcome, t * total, inds, tpAt, fpBefore);
                    res.recall[res.rIndex(t, k, a, m)] = nd > 0 ? (double) nTp / npig : 0;
                    precisionEnvelope(fpBefore, nTp, tpPr);
                    // i: the true positive whose rc the search stands on; -1 before the first, where rc is 0
                    int i = nTp > 0 && tpAt[0] == 0 ? 0 : -1;
                    for (int r = 0; r < R; r++) {
                        double thr = p.recThrs[r];
                        while (i < nTp && (i < 0 ? 0.0 : (double) (i + 1) / npig) < thr) i++; // searchsorted(rc, thr, side='left')
                        int x = i < 0 ? 0 : i < nTp ? tpAt[i] : nd;
                        int at = res.pIndex(t, r, k, a, m);
                        if (x < nd) {
                            // before the first true positive pr is 0 and the envelope is the highest pr of all
                            res.precision[at] = i < 0 ? (nTp > 0 ? tpPr[0] : 0) : tpPr[i];
                            res.scores[at] = allScores[sorted[inds[x]]];
                        } else {
                            // pycocotools stops at the first threshold past the end: the rest stay 0
                            res.precision[at] = 0;
                            res.scores[at] = 0;
                        }
                    }
                }
            }
        }
    }

    /** Positions x (in score order) whose detection is among the first maxDet of its image. */
    private static int[] keptPositions(int[] sorted, int[] posInImage, int maxDet) {
        int[] out = new int[sorted.length];
        int n = 0;
        for (int x = 0; x < sorted.length; x++) if (posInImage[sorted[x]] < maxDet) out[n++] = x;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** outcome[t * total + rank]: each detection's outcome at threshold t, at its place in score order. */
    private static void gatherOutcomes(ImgEval[] evals, ImgEval[] any, int[] rank, int T, int total, byte[] outcome) {
        for (int i = 0, c = 0; i < evals.length; i++) { // image by image: reads in order, writes scattered
            ImgEval e = evals[i];
            if (any[i] == null) continue;
            int D = e.dtScores.length;
            for (int t = 0; t < T; t++) {
                for (int j = 0, row = t * total; j < D; j++) {
                    outcome[row + rank[c + j]] = e.outcome[t * D + j];
                }
            }
            c += D;
        }
    }

    /**
     * The true positives among outcome[row + inds[x]] in x order: their positions x in tpAt and the
     * false positives before each in fpBefore; returns how many.
     */
    private static int truePositives(byte[] outcome, int row, int[] inds, int[] tpAt, int[] fpBefore) {
        int fp = 0, n = 0;
        for (int x = 0; x < inds.length; x++) { // branch-free: every slot written, kept when a true positive
            int o = outcome[row + inds[x]];
            tpAt[n] = x;
            fpBefore[n] = fp;
            n += o & 1; // TRUE_POSITIVE
            fp += 1 - ((o + 1) >> 1); // FALSE_POSITIVE: 1 for 0, 0 for 1 and 2
        }
        return n;
    }

    /** pr = tp / (fp + tp + eps) at each of the n true positives, then made non-increasing from the right. */
    private static void precisionEnvelope(int[] fpBefore, int n, double[] pr) {
        double eps = Math.ulp(1.0); // np.spacing(1)
        for (int i = 0; i < n; i++) {
            double tp = i + 1;
            pr[i] = tp / ((double) fpBefore[i] + tp + eps);
        }
        for (int i = n - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
    }
}
