package io.mssd.core.nn;

/**
 * Inference-time batch normalisation, y = (x - mean) / sqrt(var + eps) * gamma + beta.
 * It is never run as a layer: {@link #foldInto} merges it into the preceding convolution at load.
 */
public record BatchNorm(float[] gamma, float[] beta, float[] mean, float[] variance, float epsilon) {

    public BatchNorm {
        int c = mean.length;
        if (gamma.length != c || beta.length != c || variance.length != c) {
            throw new IllegalArgumentException("BatchNorm parameter lengths differ: gamma " + gamma.length + ", beta "
                    + beta.length + ", mean " + c + ", variance " + variance.length);
        }
    }

    public int channels() {
        return mean.length;
    }

    /**
     * The convolution followed by this BatchNorm, as one convolution: weights of output channel o
     * scaled by gamma/sqrt(var+eps), bias (b - mean) * that scale + beta. Computed in double.
     */
    public Convolution foldInto(Convolution conv) {
        ConvSpec spec = conv.spec();
        if (spec.cout() != channels()) {
            throw new IllegalArgumentException("BatchNorm with " + channels() + " channels cannot follow layer "
                    + conv.name() + " with " + spec.cout() + " output channels");
        }
        float[] w = conv.weights().clone();
        float[] b = new float[spec.cout()];
        int per = w.length / spec.cout();
        for (int o = 0; o < spec.cout(); o++) {
            double scale = gamma[o] / Math.sqrt((double) variance[o] + epsilon);
            for (int i = o * per; i < (o + 1) * per; i++) w[i] = (float) (w[i] * scale);
            double b0 = conv.bias() == null ? 0 : conv.bias()[o];
            b[o] = (float) ((b0 - mean[o]) * scale + beta[o]);
        }
        return Convolution.of(conv.name(), spec, w, b, conv.activation());
    }
}
