package io.mssd.ssd.head;

import io.mssd.core.nn.Sigmoid;
import io.mssd.core.nn.Softmax;

/** How per-anchor class logits become class scores. */
public enum ScoreFunction {
    /** Independent logistic per class (TF Object Detection API). */
    SIGMOID,
    /** Softmax over all K logits of the anchor, background included (Caffe SSD). */
    SOFTMAX;

    /** Scores of one anchor: logits[off .. off+k) -> scores in place. */
    public void apply(float[] logits, int off, int k) {
        if (this == SOFTMAX) {
            Softmax.apply(logits, off, k, 1);
        } else {
            for (int i = off; i < off + k; i++) logits[i] = Sigmoid.apply(logits[i]);
        }
    }
}
