package io.mssd.core.nn;

import io.mssd.core.kernels.Activation;
import io.mssd.core.tensor.Tensor;

/** A stand-alone ReLU / ReLU6 (convolutions normally fuse theirs). */
public final class ActivationLayer extends ElementwiseLayer {
    private final Activation activation;

    public ActivationLayer(String name, Activation activation) {
        super(name);
        this.activation = activation;
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public String type() {
        return activation.name().toLowerCase();
    }

    @Override
    public Step bind(Tensor in, Tensor out, float[] scratch) {
        return pool -> {
            float[] x = in.data(), y = out.data();
            for (int i = 0, n = in.size(); i < n; i++) y[i] = activation.apply(x[i]);
        };
    }
}
