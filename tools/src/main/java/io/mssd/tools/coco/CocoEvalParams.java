package io.mssd.tools.coco;

/**
 * COCOeval's parameters for iouType "bbox", with pycocotools' defaults. imgIds / catIds null mean
 * all of the ground truth's (sorted, as pycocotools does).
 */
public final class CocoEvalParams implements java.io.Serializable {
    public long[] imgIds;
    public long[] catIds;
    public boolean useCats = true;
    /** np.linspace(.5, .95, 10): i * step + start, the last one exactly .95. */
    public double[] iouThrs = linspace(0.5, 0.95, 10);
    /** np.linspace(0, 1, 101). */
    public double[] recThrs = linspace(0.0, 1.0, 101);
    public double[][] areaRng = {{0, 1e5 * 1e5}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e5 * 1e5}};
    public String[] areaRngLbl = {"all", "small", "medium", "large"};
    public int[] maxDets = {1, 10, 100};

    /** An independent copy (arrays copied). */
    public CocoEvalParams copy() {
        CocoEvalParams c = new CocoEvalParams();
        c.imgIds = imgIds == null ? null : imgIds.clone();
        c.catIds = catIds == null ? null : catIds.clone();
        c.useCats = useCats;
        c.iouThrs = iouThrs.clone();
        c.recThrs = recThrs.clone();
        c.areaRng = new double[areaRng.length][];
        for (int i = 0; i < areaRng.length; i++) c.areaRng[i] = areaRng[i].clone();
        c.areaRngLbl = areaRngLbl.clone();
        c.maxDets = maxDets.clone();
        return c;
    }

    /** NumPy's linspace arithmetic, so that thresholds equal pycocotools' to the last bit. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) y[i] = i * step + start;
        y[num - 1] = stop;
        return y;
    }
}
