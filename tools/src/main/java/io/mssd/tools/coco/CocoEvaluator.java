package io.mssd.tools.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
        Map<Long, Integer> allImages = new HashMap<>();
        for (CocoDataset.Image im : gt.images()) allImages.put(im.id(), 0);
        Map<Long, Integer> allCats = new HashMap<>();
        for (CocoDataset.Category c : gt.categories()) allCats.put(c.id(), 0);
        for (int i = 0; i < dt.size(); i++) {
            CocoDetection d = dt.get(i);
            if (!allImages.containsKey(d.imageId())) {
                throw new CocoFormatException(dtSource, "[" + i + "].image_id", "image id " + d.imageId()
                        + " is not in the ground truth (results do not belong to this dataset)");
            }
            if (!ignoreUnknownCategories && !allCats.containsKey(d.categoryId())) {
                throw new CocoFormatException(dtSource, "[" + i + "].category_id", "category id " + d.categoryId()
                        + " is not in the ground truth categories");
            }
        }
        imgIds = unique(p.imgIds != null ? p.imgIds : gt.images().stream().mapToLong(CocoDataset.Image::id).toArray());
        long[] cats = p.catIds != null ? p.catIds : gt.categories().stream().mapToLong(CocoDataset.Category::id).toArray();
        catIds = p.useCats ? unique(cats) : (p.catIds != null ? p.catIds.clone() : sortedCopy(cats));
        Map<Long, Integer> imgIndex = new HashMap<>(), catIndex = new HashMap<>();
        for (int i = 0; i < imgIds.length; i++) imgIndex.put(imgIds[i], i);
        for (int k = 0; k < catIds.length; k++) catIndex.putIfAbsent(catIds[k], k);
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

    private static long[] unique(long[] a) {
        TreeSet<Long> s = new TreeSet<>();
        for (long v : a) s.add(v);
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] sortedCopy(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c;
    }

    /** k * I + i for an annotation of image i and category k, or -1 when either is not evaluated. */
    private static int cell(Map<Long, Integer> imgIndex, Map<Long, Integer> catIndex, long img, long cat, int I) {
        Integer i = imgIndex.get(img), k = catIndex.get(cat);
        return i == null || k == null ? -1 : k * I + i;
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
        boolean[] dtMatched; // [T][D]: matched to a ground truth whose id is not 0 (pycocotools tests dtm != 0)
        boolean[] dtIgnore;  // [T][D]
        int npig;            // ground truth not ignored
    }

    /** Stable sort of indices by descending key: np.argsort(-key, kind='mergesort'). */
    static int[] argsortDescending(double[] key) {
        int n = key.length;
        int[] a = new int[n], b = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        // bottom-up merge sort; on equal keys the left run goes first, which keeps it stable
        for (int width = 1; width < n; width *= 2) {
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
        int I = imgIds.length, A = p.areaRng.length, T = p.iouThrs.length;
        int maxDet = p.maxDets[p.maxDets.length - 1];
        ImgEval[][] evals = new ImgEval[A][I];
        for (int i = 0; i < I; i++) {
            int[] g = gtCells[k][i], d = dtCells[k][i];
            if (g.length == 0 && d.length == 0) continue;
            // computeIoU: detections by score (stable), capped, IoU against every ground truth
            double[] ds = new double[d.length];
            for (int j = 0; j < d.length; j++) ds[j] = dt.get(d[j]).score();
            int[] order = argsortDescending(ds);
            int D = Math.min(order.length, maxDet), G = g.length;
            int[] dets = new int[D];
            for (int j = 0; j < D; j++) dets[j] = d[order[j]];
            double[] ious = new double[D * G];
            for (int j = 0; j < D; j++) {
                CocoDetection x = dt.get(dets[j]);
                for (int q = 0; q < G; q++) ious[j * G + q] = iou(x, gt.annotations().get(g[q]));
            }
            for (int a = 0; a < A; a++) {
                evals[a][i] = evaluateImg(g, dets, ious, p.areaRng[a], T);
            }
        }
        accumulate(k, evals, res);
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

    private ImgEval evaluateImg(int[] gIdx, int[] dets, double[] iousByGtFileOrder, double[] aRng, int T) {
        int G = gIdx.length, D = dets.length;
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
        e.dtScores = new double[D];
        for (int j = 0; j < D; j++) e.dtScores[j] = dt.get(dets[j]).score();
        e.dtMatched = new boolean[T * D];
        e.dtIgnore = new boolean[T * D];
        for (int q = 0; q < G; q++) if (gtIg[q] == 0) e.npig++;
        if (G > 0 && D > 0) {
            boolean[] gtm = new boolean[T * G];
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < D; j++) {
                    double best = Math.min(p.iouThrs[t], 1 - 1e-10);
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
                    e.dtIgnore[t * D + j] = gtIg[m] == 1;
                    e.dtMatched[t * D + j] = gtId[m] != 0;
                    gtm[t * G + m] = true; // the detection's id (1-based) is always > 0
                }
            }
        }
        // unmatched detections outside the area range are ignored
        for (int j = 0; j < D; j++) {
            CocoDetection d = dt.get(dets[j]);
            double area = d.w() * d.h();
            boolean outside = area < aRng[0] || area > aRng[1];
            if (!outside) continue;
            for (int t = 0; t < T; t++) if (!e.dtMatched[t * D + j]) e.dtIgnore[t * D + j] = true;
        }
        return e;
    }

    // ---- accumulate ------------------------------------------------------------------------

    private static final double[] TRUE_POSITIVE = {0, 1, 0}, FALSE_POSITIVE = {1, 0, 0};

    private void accumulate(int k, ImgEval[][] evals, CocoEvalResult res) {
        int A = p.areaRng.length, M = p.maxDets.length, T = p.iouThrs.length, R = p.recThrs.length;
        double eps = Math.ulp(1.0); // np.spacing(1)
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
        int[] inds = new int[total];
        double[] rc = new double[total], pr = new double[total];
        // per area range, each detection's outcome at every IoU threshold, gathered once in score order
        // (0 false positive, 1 true positive, 2 ignored): the maxDets x thresholds passes below then
        // read one array in order instead of chasing each image's arrays (same sums, same order)
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
            for (int i = 0, c = 0; i < E.length; i++) { // image by image: reads in order, writes scattered
                ImgEval e = E[i];
                if (any[i] == null) continue;
                int D = e.dtScores.length;
                for (int t = 0; t < T; t++) {
                    for (int j = 0, row = t * total; j < D; j++) {
                        outcome[row + rank[c + j]] = (byte) (e.dtIgnore[t * D + j] ? 2 : e.dtMatched[t * D + j] ? 1 : 0);
                    }
                }
                c += D;
            }
            for (int m = 0; m < M; m++) {
                int maxDet = p.maxDets[m];
                int nd = 0;
                for (int x = 0; x < total; x++) if (allPos[sorted[x]] < maxDet) inds[nd++] = x;
                for (int t = 0; t < T; t++) {
                    double tp = 0, fp = 0;
                    int row = t * total;
                    for (int x = 0; x < nd; x++) {
                        int o2 = outcome[row + inds[x]];
                        tp += TRUE_POSITIVE[o2]; // + 0.0 leaves a count as it is: the same sums, without branches
                        fp += FALSE_POSITIVE[o2];
                        rc[x] = tp / npig;
                        pr[x] = tp / (fp + tp + eps);
                    }
                    res.recall[res.rIndex(t, k, a, m)] = nd > 0 ? rc[nd - 1] : 0;
                    for (int x = nd - 1; x > 0; x--) if (pr[x] > pr[x - 1]) pr[x - 1] = pr[x];
                    int x = 0;
                    for (int r = 0; r < R; r++) {
                        double thr = p.recThrs[r];
                        while (x < nd && rc[x] < thr) x++; // searchsorted(rc, thr, side='left')
                        int at = res.pIndex(t, r, k, a, m);
                        if (x < nd) {
                            res.precision[at] = pr[x];
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
}
