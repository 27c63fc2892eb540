package io.mssd.tools.train;

import io.mssd.ssd.Detection;
import io.mssd.ssd.Detector;
import io.mssd.ssd.DetectorOptions;
import io.mssd.ssd.RgbImage;
import io.mssd.tools.coco.CocoDataset;
import io.mssd.tools.coco.CocoDetection;
import io.mssd.tools.coco.CocoEvalParams;
import io.mssd.tools.coco.CocoEvalResult;
import io.mssd.tools.coco.CocoEvaluator;
import io.mssd.tools.data.LabelledImage;
import io.mssd.tools.data.TrainingData;
import io.mssd.tools.image.MatImages;

import java.util.ArrayList;
import java.util.List;

/**
 * COCO AP of a detector on a labelled validation set, with the project's COCOeval-equivalent
 * evaluator: the set becomes COCO ground truth (image i has id i + 1, label j is category j + 1,
 * area = box width x height), the detector keeps every detection above a score of 0.01 (mAP wants
 * the low scores too). Images are decoded once and kept.
 */
public final class DetectionValidator {
    private final List<LabelledImage> images;
    private final List<String> labels;
    private final CocoDataset gt;
    private final List<RgbImage> decoded = new ArrayList<>();

    public DetectionValidator(List<LabelledImage> images, List<String> labels) {
        this.images = List.copyOf(images);
        this.labels = List.copyOf(labels);
        List<CocoDataset.Image> ims = new ArrayList<>();
        List<CocoDataset.Annotation> anns = new ArrayList<>();
        List<CocoDataset.Category> cats = new ArrayList<>();
        for (int j = 0; j < labels.size(); j++) cats.add(new CocoDataset.Category(j + 1, labels.get(j)));
        long annId = 1;
        for (int i = 0; i < images.size(); i++) {
            LabelledImage im = images.get(i);
            ims.add(new CocoDataset.Image(i + 1, im.width(), im.height(), im.image().getFileName().toString()));
            int[] cls = TrainingData.labelIndices(im, labels);
            float[] b = im.boxes();
            for (int k = 0; k < cls.length; k++) {
                double w = b[k * 4 + 2] - b[k * 4], h = b[k * 4 + 3] - b[k * 4 + 1];
                anns.add(new CocoDataset.Annotation(annId++, i + 1, cls[k] + 1, b[k * 4], b[k * 4 + 1], w, h, w * h, false, false));
            }
        }
        this.gt = new CocoDataset(ims, anns, cats);
    }

    public int size() {
        return images.size();
    }

    /** The 12 COCO stats (AP, AP50, ...) of {@code detector} on the set. */
    public double[] evaluate(Detector detector) {
        if (decoded.isEmpty()) for (LabelledImage im : images) decoded.add(MatImages.read(im.image()));
        DetectorOptions opt = detector.defaultOptions().withMinScore(0.01f).withMaxResults(100);
        List<CocoDetection> dt = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            for (Detection d : detector.detect(decoded.get(i), opt)) {
                dt.add(new CocoDetection(i + 1, d.classIndex() + 1, d.box().x1(), d.box().y1(), d.box().width(), d.box().height(),
                        d.score()));
            }
        }
        CocoEvalResult r = new CocoEvaluator(gt, dt, new CocoEvalParams(), detector.threads(), "validation detections", false).run();
        return r.stats();
    }
}
