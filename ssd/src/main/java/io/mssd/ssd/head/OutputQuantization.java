package io.mssd.ssd.head;

import io.mssd.core.nn.Sigmoid;

/**
 * The 8-bit grids of a quantised model's head tensors (concatenated box encodings, concatenated
 * class logits, scores), so that the float path rounds them as the integer model does.
 */
public record OutputQuantization(float encodingScale, int encodingZeroPoint, float logitScale, int logitZeroPoint,
                                 float scoreScale, int scoreZeroPoint) {

    public void encodings(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = snap(a[i], encodingScale, encodingZeroPoint);
    }

    public void logits(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = snap(a[i], logitScale, logitZeroPoint);
    }

    public float score(float s) {
        return snap(s, scoreScale, scoreZeroPoint);
    }

    /** The 8-bit level (0..255) of a class logit. */
    public int logitLevel(float x) {
        return Math.max(0, Math.min(255, Math.round(x / logitScale) + logitZeroPoint));
    }

    /**
     * The score of each logit level under the logistic, on the score grid: with 256 possible
     * logits, decoding is a table look-up, equal to snapping, applying the logistic and snapping again.
     */
    public float[] logisticScores() {
        float[] t = new float[256];
        for (int q = 0; q < 256; q++) t[q] = score(Sigmoid.apply((q - logitZeroPoint) * logitScale));
        return t;
    }

    /** The nearest value of the grid (scale, zero point, 0..255). */
    static float snap(float x, float scale, int zeroPoint) {
        float q = Math.round(x / scale) + zeroPoint;
        q = Math.max(0, Math.min(255, q));
        return (q - zeroPoint) * scale;
    }
}
