package io.mssd.tools.coco;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The evaluator against a line-by-line port of pycocotools' evaluateImg and accumulate (full tp/fp
 * cumsums, rc and pr arrays, the envelope loop, searchsorted, one argsort per (category, area,
 * maxDets)), on random datasets full of ties, crowds, ignore flags, area-range edges and capped
 * images: precision, recall and scores must be equal bit for bit. The evaluator computes the same
 * numbers by shorter routes (one sort per category, pr only at true positives, IoU-based skips), and
 * this is what says the routes are the same.
 */
class CocoEvaluatorLiteralPortTest {

    @Test
    void everyArrayEqualsTheLiteralPortBitForBit() {
        for (int seed = 0; seed < 60; seed++) {
            Random rnd = new Random(seed);
            List<CocoDataset.Image> images = new ArrayList<>();
            List<CocoDataset.Annotation> anns = new ArrayList<>();
            List<CocoDataset.Category> cats = List.of(new CocoDataset.Category(3, "c"), new CocoDataset.Category(1, "a"),
                    new CocoDataset.Category(2, "b"));
            List<CocoDetection> dets = new ArrayList<>();
            int nImages = 1 + rnd.nextInt(6);
            long annId = 1;
            for (int i = 0; i < nImages; i++) {
                // ids far apart now and then (the evaluator's id lookup then searches instead of indexing)
                long img = (10 + rnd.nextInt(50) * 7L + i * 1000L) * (seed % 5 == 0 ? 1_000_000_007L : 1);
                images.add(new CocoDataset.Image(img, 200, 200, img + ".jpg"));
                int nGt = rnd.nextInt(6);
                List<double[]> boxes = new ArrayList<>();
                for (int g = 0; g < nGt; g++) {
                    double[] b = box(rnd);
                    boxes.add(b);
                    long cat = 1 + rnd.nextInt(3);
                    // area exactly on a range edge now and then, crowds, ignore flags
                    double area = rnd.nextInt(5) == 0 ? (rnd.nextBoolean() ? 32 * 32 : 96 * 96) : b[2] * b[3];
                    anns.add(new CocoDataset.Annotation(annId++, img, cat, b[0], b[1], b[2], b[3], area,
                            rnd.nextInt(6) == 0, rnd.nextInt(5) == 0));
                }
                int nDt = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(14);
                for (int d = 0; d < nDt; d++) {
                    double[] b = !boxes.isEmpty() && rnd.nextInt(3) > 0 ? jitter(boxes.get(rnd.nextInt(boxes.size())), rnd) : box(rnd);
                    double score = rnd.nextInt(3) == 0 ? 0.5 : rnd.nextInt(20) / 20.0; // many ties
                    dets.add(new CocoDetection(img, 1 + rnd.nextInt(3), b[0], b[1], b[2], b[3], score));
                }
            }
            CocoDataset gt = new CocoDataset(images, anns, cats);
            for (boolean useCats : new boolean[] {true, false}) {
                CocoEvalParams p = new CocoEvalParams();
                p.useCats = useCats;
                p.maxDets = new int[] {1, 3, 100};
                CocoEvalResult got = new CocoEvaluator(gt, dets, p, 1 + seed % 2, "dt", false).run();
                Literal want = new Literal(gt, dets, p);
                String what = "seed " + seed + (useCats ? "" : " useCats=0");
                assertBitsEqual(want.precision, got.precision, what + " precision");
                assertBitsEqual(want.recall, got.recall, what + " recall");
                assertBitsEqual(want.scores, got.scores, what + " scores");
            }
        }
    }

    @Test
    void argsortDescendingIsAStableSortAcrossItsInsertionRunsAndMerges() {
        Random rnd = new Random(3);
        for (int n = 0; n < 300; n += 1 + n / 20) {
            for (int rep = 0; rep < 20; rep++) {
                double[] key = new double[n];
                int levels = 1 + rnd.nextInt(rep % 2 == 0 ? 4 : 1000); // few levels: long runs of ties
                for (int i = 0; i < n; i++) key[i] = rnd.nextInt(levels) / 7.0 - (rnd.nextInt(9) == 0 ? 0.0 : 0.5);
                Integer[] want = new Integer[n];
                for (int i = 0; i < n; i++) want[i] = i;
                Arrays.sort(want, (u, v) -> Double.compare(key[v], key[u])); // TimSort: stable
                int[] got = CocoEvaluator.argsortDescending(key);
                for (int i = 0; i < n; i++) assertEquals(want[i], got[i], "n " + n + " at " + i);
            }
        }
    }

    private static double[] box(Random rnd) {
        double w = 2 + rnd.nextInt(130), h = 2 + rnd.nextInt(130);
        return new double[] {rnd.nextInt(60), rnd.nextInt(60), w, h};
    }

    private static double[] jitter(double[] b, Random rnd) {
        double[] j = b.clone();
        for (int i = 0; i < 4; i++) j[i] = Math.max(i < 2 ? 0 : 1, j[i] + (rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(21) - 10));
        return j;
    }

    private static void assertBitsEqual(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToLongBits(want[i]) != Double.doubleToLongBits(got[i])) {
                assertEquals(want[i], got[i], 0.0, what + " at " + i);
                throw new AssertionError(what + " at " + i + ": " + want[i] + " and " + got[i] + " differ in their bits");
            }
        }
    }

    /** pycocotools' COCOeval (bbox) evaluate + accumulate, written out as the Python does it. */
    static final class Literal {
        final double[] precision, recall, scores;

        /** evaluateImg's result: dtMatches [T][D] (0 or a gt id), dtScores, gtIgnore, dtIgnore [T][D]. */
        record Eval(long[][] dtm, double[] dtScores, int[] gtIg, boolean[][] dtIg) {}

        Literal(CocoDataset gt, List<CocoDetection> dts, CocoEvalParams p) {
            long[] imgIds = gt.images().stream().mapToLong(CocoDataset.Image::id).sorted().distinct().toArray();
            long[] catIds = p.useCats ? gt.categories().stream().mapToLong(CocoDataset.Category::id).sorted().distinct().toArray()
                    : new long[] {-1};
            int T = p.iouThrs.length, R = p.recThrs.length, K = catIds.length, A = p.areaRng.length, M = p.maxDets.length, I = imgIds.length;
            precision = new double[T * R * K * A * M];
            scores = new double[T * R * K * A * M];
            recall = new double[T * K * A * M];
            Arrays.fill(precision, -1);
            Arrays.fill(scores, -1);
            Arrays.fill(recall, -1);
            int maxDetLast = p.maxDets[M - 1];
            Eval[][][] evalImgs = new Eval[K][A][I];
            for (int k = 0; k < K; k++) {
                for (int i = 0; i < I; i++) {
                    long img = imgIds[i], cat = catIds[k];
                    List<CocoDataset.Annotation> g = new ArrayList<>();
                    for (CocoDataset.Annotation a : gt.annotations()) if (a.imageId() == img && (!p.useCats || a.categoryId() == cat)) g.add(a);
                    List<CocoDetection> d = new ArrayList<>();
                    for (CocoDetection x : dts) if (x.imageId() == img && (!p.useCats || x.categoryId() == cat)) d.add(x);
                    if (!p.useCats) { // _prepare concatenates the category lists in category id order
                        g.sort((u, v) -> Long.compare(u.categoryId(), v.categoryId()));
                        d.sort((u, v) -> Long.compare(u.categoryId(), v.categoryId()));
                    }
                    for (int a = 0; a < A; a++) evalImgs[k][a][i] = evaluateImg(g, d, p.areaRng[a], maxDetLast, p, dts);
                }
            }
            double eps = Math.ulp(1.0);
            for (int k = 0; k < K; k++) for (int a = 0; a < A; a++) for (int m = 0; m < M; m++) {
                int maxDet = p.maxDets[m];
                List<Eval> E = new ArrayList<>();
                for (Eval e : evalImgs[k][a]) if (e != null) E.add(e);
                if (E.isEmpty()) continue;
                List<Double> sc = new ArrayList<>();
                List<boolean[]> tpCols = new ArrayList<>(), fpCols = new ArrayList<>();
                int npig = 0;
                for (Eval e : E) {
                    for (int j = 0; j < Math.min(maxDet, e.dtScores.length); j++) {
                        sc.add(e.dtScores[j]);
                        boolean[] tp = new boolean[T], fp = new boolean[T];
                        for (int t = 0; t < T; t++) {
                            tp[t] = e.dtm[t][j] != 0 && !e.dtIg[t][j];
                            fp[t] = e.dtm[t][j] == 0 && !e.dtIg[t][j];
                        }
                        tpCols.add(tp);
                        fpCols.add(fp);
                    }
                    for (int ig : e.gtIg) if (ig == 0) npig++;
                }
                double[] all = sc.stream().mapToDouble(Double::doubleValue).toArray();
                int[] inds = CocoEvaluator.argsortDescending(all);
                if (npig == 0) continue;
                int nd = all.length;
                for (int t = 0; t < T; t++) {
                    double[] rc = new double[nd], pr = new double[nd];
                    double tpSum = 0, fpSum = 0;
                    for (int x = 0; x < nd; x++) {
                        tpSum += tpCols.get(inds[x])[t] ? 1 : 0;
                        fpSum += fpCols.get(inds[x])[t] ? 1 : 0;
                        rc[x] = tpSum / npig;
                        pr[x] = tpSum / (fpSum + tpSum + eps);
                    }
                    recall[((t * K + k) * A + a) * M + m] = nd > 0 ? rc[nd - 1] : 0;
                    for (int x = nd - 1; x > 0; x--) if (pr[x] > pr[x - 1]) pr[x - 1] = pr[x];
                    for (int r = 0; r < R; r++) {
                        int pi = 0; // np.searchsorted(rc, recThrs, side='left')
                        while (pi < nd && rc[pi] < p.recThrs[r]) pi++;
                        int at = (((t * R + r) * K + k) * A + a) * M + m;
                        boolean inRange = true;
                        for (int r2 = 0; r2 <= r; r2++) { // the try/except stops at the first index past the end
                            int q = 0;
                            while (q < nd && rc[q] < p.recThrs[r2]) q++;
                            if (q >= nd) inRange = false;
                        }
                        precision[at] = inRange ? pr[pi] : 0;
                        scores[at] = inRange ? all[inds[pi]] : 0;
                    }
                }
            }
        }

        private static Eval evaluateImg(List<CocoDataset.Annotation> gt, List<CocoDetection> dt, double[] aRng, int maxDet,
                                        CocoEvalParams p, List<CocoDetection> fileOrder) {
            if (gt.isEmpty() && dt.isEmpty()) return null;
            int T = p.iouThrs.length;
            int[] ignore = new int[gt.size()];
            for (int q = 0; q < gt.size(); q++) {
                CocoDataset.Annotation g = gt.get(q);
                boolean ig = g.iscrowd(); // _prepare: gt['ignore'] = gt['iscrowd']
                ignore[q] = ig || g.area() < aRng[0] || g.area() > aRng[1] ? 1 : 0;
            }
            // gtind = np.argsort([g['_ignore'] for g in gt], kind='mergesort')
            Integer[] gtind = new Integer[gt.size()];
            for (int q = 0; q < gtind.length; q++) gtind[q] = q;
            Arrays.sort(gtind, (u, v) -> Integer.compare(ignore[u], ignore[v]));
            double[] dScores = new double[dt.size()];
            for (int j = 0; j < dt.size(); j++) dScores[j] = dt.get(j).score();
            int[] dtind = CocoEvaluator.argsortDescending(dScores);
            int D = Math.min(dt.size(), maxDet), G = gt.size();
            CocoDetection[] d = new CocoDetection[D];
            for (int j = 0; j < D; j++) d[j] = dt.get(dtind[j]);
            CocoDataset.Annotation[] g = new CocoDataset.Annotation[G];
            int[] gtIg = new int[G];
            for (int q = 0; q < G; q++) {
                g[q] = gt.get(gtind[q]);
                gtIg[q] = ignore[gtind[q]];
            }
            long[][] gtm = new long[T][G], dtm = new long[T][D];
            boolean[][] dtIg = new boolean[T][D];
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < D; j++) {
                    double iou = Math.min(p.iouThrs[t], 1 - 1e-10);
                    int m = -1;
                    for (int q = 0; q < G; q++) {
                        if (gtm[t][q] > 0 && !g[q].iscrowd()) continue;
                        if (m > -1 && gtIg[m] == 0 && gtIg[q] == 1) break;
                        double v = CocoEvaluator.iou(d[j], g[q]);
                        if (v < iou) continue;
                        iou = v;
                        m = q;
                    }
                    if (m == -1) continue;
                    dtIg[t][j] = gtIg[m] == 1;
                    dtm[t][j] = g[m].id();
                    gtm[t][m] = fileOrder.indexOf(d[j]) + 1; // loadRes ids: 1.. in file order
                }
            }
            for (int j = 0; j < D; j++) {
                double area = d[j].w() * d[j].h();
                boolean outside = area < aRng[0] || area > aRng[1];
                for (int t = 0; t < T; t++) dtIg[t][j] = dtIg[t][j] || (dtm[t][j] == 0 && outside);
            }
            double[] ds = new double[D];
            for (int j = 0; j < D; j++) ds[j] = d[j].score();
            return new Eval(dtm, ds, gtIg, dtIg);
        }
    }
}
