package io.mssd.ssd.head;

import io.mssd.core.nn.Workspace;
import io.mssd.core.tensor.Tensor;

import java.util.List;

/**
 * Gathers the predictors' NCHW outputs into per-anchor rows, in anchor order: predictor by
 * predictor, cells row-major, anchors of a cell fastest (the TF and Caffe order). Channel a*4+j of
 * a box layer is coordinate j of anchor a; channel a*K+c of a class layer is logit c of anchor a.
 */
public final class MultiboxOutputs {
    private MultiboxOutputs() {}

    public static int anchorCount(Workspace ws, List<BoxPredictor> predictors) {
        int n = 0;
        for (BoxPredictor p : predictors) {
            Tensor t = ws.output(p.boxLayer());
            n += t.shape().plane() * p.anchorsPerCell();
        }
        return n;
    }

    /** Fills encodings [N x 4] and logits [N x K]. */
    public static void gather(Workspace ws, List<BoxPredictor> predictors, int logitsPerAnchor,
                              float[] encodings, float[] logits) {
        gather(ws::output, predictors, logitsPerAnchor, encodings, logits);
    }

    /** The same from any source of layer outputs (a training pass). */
    public static void gather(java.util.function.Function<String, Tensor> outputs, List<BoxPredictor> predictors,
                              int logitsPerAnchor, float[] encodings, float[] logits) {
        int anchor = 0;
        for (BoxPredictor p : predictors) {
            Tensor box = outputs.apply(p.boxLayer()), cls = outputs.apply(p.classLayer());
            int hw = box.shape().plane(), a = p.anchorsPerCell();
            float[] b = box.data(), c = cls.data();
            for (int cell = 0; cell < hw; cell++) {
                for (int k = 0; k < a; k++, anchor++) {
                    for (int j = 0; j < 4; j++) encodings[anchor * 4 + j] = b[(k * 4 + j) * hw + cell];
                    for (int j = 0; j < logitsPerAnchor; j++) {
                        logits[anchor * logitsPerAnchor + j] = c[(k * logitsPerAnchor + j) * hw + cell];
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #gather}: adds per-anchor gradients dEnc [N x 4] and dLogits [N x K] into
     * the predictor layers' output gradients (the backward pass of the head's reshape and concatenation).
     */
    public static void scatter(java.util.function.Function<String, float[]> outputGrads, java.util.function.ToIntFunction<String> planes,
                               List<BoxPredictor> predictors, int logitsPerAnchor, float[] dEnc, float[] dLogits) {
        int anchor = 0;
        for (BoxPredictor p : predictors) {
            float[] b = outputGrads.apply(p.boxLayer()), c = outputGrads.apply(p.classLayer());
            int hw = planes.applyAsInt(p.boxLayer()), a = p.anchorsPerCell();
            for (int cell = 0; cell < hw; cell++) {
                for (int k = 0; k < a; k++, anchor++) {
                    for (int j = 0; j < 4; j++) b[(k * 4 + j) * hw + cell] += dEnc[anchor * 4 + j];
                    for (int j = 0; j < logitsPerAnchor; j++) {
                        c[(k * logitsPerAnchor + j) * hw + cell] += dLogits[anchor * logitsPerAnchor + j];
                    }
                }
            }
        }
    }
}
