package io.mssd.ssd.head;

import io.mssd.core.nn.FakeQuantize;

/**
 * The 8-bit grids of a quantised model's head tensors (concatenated box encodings, concatenated
 * class logits, scores), so that the float path rounds them as the integer model does.
 */
public record OutputQuantization(float encodingScale, int encodingZeroPoint, float logitScale, int logitZeroPoint,
                                 float scoreScale, int scoreZeroPoint) {

    public void encodings(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = FakeQuantize.apply(a[i], encodingScale, encodingZeroPoint);
    }

    public void logits(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = FakeQuantize.apply(a[i], logitScale, logitZeroPoint);
    }

    public float score(float s) {
        return FakeQuantize.apply(s, scoreScale, scoreZeroPoint);
    }
}
