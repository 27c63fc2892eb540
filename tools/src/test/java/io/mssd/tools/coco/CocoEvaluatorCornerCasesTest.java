package io.mssd.tools.coco;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * pycocotools semantics, one corner case per test, each built so that getting it wrong changes a
 * number (the comment says what the wrong implementation would give).
 */
class CocoEvaluatorCornerCasesTest {
    static final double EPS = 1e-12;

    static final class Case {
        final List<CocoDataset.Image> images = new ArrayList<>();
        final List<CocoDataset.Annotation> anns = new ArrayList<>();
        final List<CocoDataset.Category> cats = new ArrayList<>(List.of(new CocoDataset.Category(1, "a"), new CocoDataset.Category(2, "b")));
        final List<CocoDetection> dets = new ArrayList<>();
        long nextAnn = 1;

        Case image(long id) {
            images.add(new CocoDataset.Image(id, 640, 480, id + ".jpg"));
            return this;
        }

        Case gt(long img, long cat, double x, double y, double w, double h) {
            return gt(img, cat, x, y, w, h, w * h, false, false);
        }

        Case gt(long img, long cat, double x, double y, double w, double h, double area, boolean crowd, boolean ignore) {
            anns.add(new CocoDataset.Annotation(nextAnn++, img, cat, x, y, w, h, area, crowd, ignore));
            return this;
        }

        Case dt(long img, long cat, double x, double y, double w, double h, double score) {
            dets.add(new CocoDetection(img, cat, x, y, w, h, score));
            return this;
        }

        double[] stats() {
            return stats(new CocoEvalParams());
        }

        double[] stats(CocoEvalParams p) {
            return new CocoEvaluator(new CocoDataset(images, anns, cats), dets, p, 1, "dt", false).run().stats();
        }
    }

    @Test
    void crowdRegionsUseDetectionAreaAndAbsorbManyDetections() {
        double[] s = new Case().image(1).gt(1, 1, 0, 0, 10, 10).gt(1, 1, 50, 50, 40, 40, 1600, true, false)
                .dt(1, 1, 55, 55, 10, 10, 0.95).dt(1, 1, 60, 60, 10, 10, 0.93).dt(1, 1, 0, 0, 10, 10, 0.9).stats();
        // with the union as denominator the two detections inside the crowd would be false positives: AP 1/3
        assertEquals(1.0, s[0], EPS);
    }

    @Test
    void iscrowdOverwritesTheIgnoreFlag() {
        double[] s = new Case().image(1).gt(1, 1, 0, 0, 10, 10).gt(1, 1, 100, 100, 20, 20, 400, false, true)
                .dt(1, 1, 0, 0, 10, 10, 0.9).stats();
        // honouring ignore=1 would give AP 1 and AR 1
        assertEquals(51.0 / 101, s[0], EPS);
        assertEquals(0.5, s[8], EPS);
    }

    @Test
    void areaRangesUseTheAnnotationAreaAndIncludeBothBounds() {
        double[] s = new Case().image(1).gt(1, 1, 0, 0, 40, 40, 1024.0, false, false).dt(1, 1, 0, 0, 40, 40, 0.9).stats();
        assertEquals(1.0, s[3], EPS); // small: area 1024 <= 32^2
        assertEquals(1.0, s[4], EPS); // medium: 1024 >= 32^2 as well (w*h = 1600 would make small -1)
        assertEquals(-1.0, s[5], EPS); // large: no ground truth in range -> undefined, -1
    }

    @Test
    void atMost100DetectionsPerImageAndCategory() {
        Case c = new Case().image(1).gt(1, 1, 0, 0, 10, 10);
        for (int i = 0; i < 100; i++) c.dt(1, 1, 200 + i, 200, 10, 10, 0.9 - i * 0.001);
        c.dt(1, 1, 0, 0, 10, 10, 0.1); // the only true positive, 101st by score
        double[] s = c.stats();
        assertEquals(0.0, s[8], EPS); // without the cap: AR100 = 1
        assertEquals(0.0, s[0], EPS);
    }

    @Test
    void equalScoresKeepFileOrder() {
        double[] fpFirst = new Case().image(1).gt(1, 1, 0, 0, 10, 10).dt(1, 1, 300, 300, 10, 10, 0.5)
                .dt(1, 1, 0, 0, 10, 10, 0.5).stats();
        double[] tpFirst = new Case().image(1).gt(1, 1, 0, 0, 10, 10).dt(1, 1, 0, 0, 10, 10, 0.5)
                .dt(1, 1, 300, 300, 10, 10, 0.5).stats();
        assertEquals(0.5, fpFirst[0], EPS);
        assertEquals(1.0, tpFirst[0], EPS);
    }

    @Test
    void undefinedCategoriesAreLeftOutOfTheMean() {
        // category 2 has neither ground truth nor detections: -1, not 0 (which would halve AP)
        double[] s = new Case().image(1).gt(1, 1, 0, 0, 10, 10).dt(1, 1, 0, 0, 10, 10, 0.9).stats();
        assertEquals(1.0, s[0], EPS);
    }

    @Test
    void iouThresholdsAreInclusiveAndLinspaced() {
        // IoU 100/160 = 0.625: a match at .50, .55, .60 only
        double[] s = new Case().image(1).gt(1, 1, 0, 0, 10, 10).dt(1, 1, 0, 0, 10, 16, 0.9).stats();
        assertEquals(0.3, s[0], EPS);
        assertEquals(1.0, s[1], EPS);
        assertEquals(0.0, s[2], EPS);
    }

    @Test
    void useCatsOffMatchesAcrossCategories() {
        Case c = new Case().image(1).gt(1, 1, 0, 0, 10, 10).dt(1, 2, 0, 0, 10, 10, 0.9);
        assertEquals(0.0, c.stats()[0], EPS);
        CocoEvalParams p = new CocoEvalParams();
        p.useCats = false;
        assertEquals(1.0, c.stats(p)[0], EPS);
    }

    @Test
    void imageAndCategoryRestriction() {
        Case c = new Case().image(1).image(2).gt(1, 1, 0, 0, 10, 10).gt(2, 1, 0, 0, 10, 10).gt(1, 2, 0, 0, 20, 20)
                .dt(1, 1, 0, 0, 10, 10, 0.9);
        assertEquals(0.25, c.stats()[8], EPS); // cat 1: 1 of 2 found; cat 2: 0 of 1
        CocoEvalParams p = new CocoEvalParams();
        p.imgIds = new long[] {1};
        p.catIds = new long[] {1};
        assertEquals(1.0, c.stats(p)[8], EPS);
    }

    @Test
    void maxDetsOneCountsOnlyTheTopDetection() {
        double[] s = new Case().image(1).gt(1, 1, 0, 0, 10, 10).gt(1, 1, 100, 100, 10, 10)
                .dt(1, 1, 0, 0, 10, 10, 0.9).dt(1, 1, 100, 100, 10, 10, 0.8).stats();
        assertEquals(0.5, s[6], EPS);
        assertEquals(1.0, s[7], EPS);
    }

    @Test
    void detectionsOutsideTheAreaRangeAreIgnoredOnlyWhenUnmatched() {
        // a large false positive does not hurt APs (it is ignored there) but does hurt AP(all)
        double[] s = new Case().image(1).gt(1, 1, 0, 0, 10, 10).dt(1, 1, 200, 200, 150, 150, 0.95)
                .dt(1, 1, 0, 0, 10, 10, 0.9).stats();
        assertEquals(1.0, s[3], EPS);
        assertEquals(0.5, s[0], EPS);
    }
}
