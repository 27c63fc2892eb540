package io.mssd.ssd.anchors;

import java.util.ArrayList;
import java.util.List;

/**
 * The TF Object Detection API's SSD anchors (create_ssd_anchors + MultipleGridAnchorGenerator):
 * scales linearly spaced from minScale to maxScale over the layers, every aspect ratio at the
 * layer's scale, an extra box of scale sqrt(s_k * s_k+1) at the interpolated aspect ratio, and
 * optionally the reduced lowest layer ((0.1, 1), (s_0, 2), (s_0, 1/2)). Cell centers at
 * (i + 0.5) / size. Models exported before mid-2018 put the interpolated box right after the
 * ratio-1 box; later ones put it last: {@link InterpolatedPosition}.
 */
public final class GridAnchorGenerator implements AnchorGenerator {

    public enum InterpolatedPosition { AFTER_UNIT_RATIO, LAST }

    private final int numLayers;
    private final double minScale, maxScale;
    private final double[] aspectRatios;
    private final boolean reduceLowestLayer;
    private final double interpolatedScaleAspectRatio;
    private final InterpolatedPosition position;

    private GridAnchorGenerator(Builder b) {
        this.numLayers = b.numLayers;
        this.minScale = b.minScale;
        this.maxScale = b.maxScale;
        this.aspectRatios = b.aspectRatios.clone();
        this.reduceLowestLayer = b.reduceLowestLayer;
        this.interpolatedScaleAspectRatio = b.interpolatedScaleAspectRatio;
        this.position = b.position;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** (scale, aspect ratio) of each box of a cell in layer {@code layer}. */
    List<double[]> boxSpecs(int layer) {
        double scale = scale(layer), next = scale(layer + 1);
        List<double[]> specs = new ArrayList<>();
        if (layer == 0 && reduceLowestLayer) {
            specs.add(new double[] {0.1, 1.0});
            specs.add(new double[] {scale, 2.0});
            specs.add(new double[] {scale, 0.5});
            return specs;
        }
        for (double ar : aspectRatios) {
            specs.add(new double[] {scale, ar});
            if (ar == 1.0 && interpolatedScaleAspectRatio > 0 && position == InterpolatedPosition.AFTER_UNIT_RATIO) {
                specs.add(new double[] {Math.sqrt(scale * next), interpolatedScaleAspectRatio});
            }
        }
        if (interpolatedScaleAspectRatio > 0 && position == InterpolatedPosition.LAST) {
            specs.add(new double[] {Math.sqrt(scale * next), interpolatedScaleAspectRatio});
        }
        return specs;
    }

    private double scale(int layer) {
        if (layer >= numLayers) return 1.0;
        if (numLayers == 1) return minScale;
        return minScale + (maxScale - minScale) * layer / (numLayers - 1);
    }

    @Override
    public int[] anchorsPerCell(int layers) {
        int[] out = new int[layers];
        for (int i = 0; i < layers; i++) out[i] = boxSpecs(i).size();
        return out;
    }

    @Override
    public Anchors generate(List<FeatureMap> maps) {
        if (maps.size() != numLayers) {
            throw new IllegalArgumentException("anchor generator has " + numLayers + " layers but got " + maps.size() + " feature maps");
        }
        List<Float> out = new ArrayList<>();
        for (int l = 0; l < maps.size(); l++) {
            FeatureMap m = maps.get(l);
            List<double[]> specs = boxSpecs(l);
            double strideY = 1.0 / m.height(), strideX = 1.0 / m.width();
            for (int y = 0; y < m.height(); y++) {
                for (int x = 0; x < m.width(); x++) {
                    for (double[] s : specs) {
                        double sqrtAr = Math.sqrt(s[1]);
                        out.add((float) ((y + 0.5) * strideY));
                        out.add((float) ((x + 0.5) * strideX));
                        out.add((float) (s[0] / sqrtAr));
                        out.add((float) (s[0] * sqrtAr));
                    }
                }
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) a[i] = out.get(i);
        return new Anchors(a);
    }

    public static final class Builder {
        private int numLayers = 6;
        private double minScale = 0.2, maxScale = 0.95;
        private double[] aspectRatios = {1.0, 2.0, 0.5, 3.0, 1.0 / 3};
        private boolean reduceLowestLayer = true;
        private double interpolatedScaleAspectRatio = 1.0;
        private InterpolatedPosition position = InterpolatedPosition.LAST;

        public Builder numLayers(int n) {
            if (n < 1) throw new IllegalArgumentException("numLayers must be >= 1");
            this.numLayers = n;
            return this;
        }

        public Builder scales(double min, double max) {
            this.minScale = min;
            this.maxScale = max;
            return this;
        }

        public Builder aspectRatios(double... ratios) {
            this.aspectRatios = ratios.clone();
            return this;
        }

        public Builder reduceLowestLayer(boolean reduce) {
            this.reduceLowestLayer = reduce;
            return this;
        }

        public Builder interpolatedScaleAspectRatio(double ratio, InterpolatedPosition position) {
            this.interpolatedScaleAspectRatio = ratio;
            this.position = position;
            return this;
        }

        public GridAnchorGenerator build() {
            return new GridAnchorGenerator(this);
        }
    }
}
