package io.mssd.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum and L2 weight decay, as PyTorch's torch.optim.SGD: d = g + wd * w (weights only,
 * not biases), v = momentum * v + d, w -= lr * v. With momentum 0 and decay 0 the update is exactly
 * w - lr * g.
 */
public final class Sgd implements Optimizer {
    private final float momentum, weightDecay;
    private final Map<String, float[]> velocity = new LinkedHashMap<>();

    public Sgd(float momentum, float weightDecay) {
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(List<Parameter> params, float lr) {
        for (Parameter p : params) {
            if (!p.trainable()) continue;
            float[] w = p.values(), g = p.grad();
            float wd = p.shape().length > 1 ? weightDecay : 0f;
            if (momentum == 0) {
                for (int i = 0; i < w.length; i++) w[i] -= lr * (g[i] + wd * w[i]);
                continue;
            }
            float[] v = velocity.computeIfAbsent(p.name(), k -> new float[w.length]);
            for (int i = 0; i < w.length; i++) {
                v[i] = momentum * v[i] + g[i] + wd * w[i];
                w[i] -= lr * v[i];
            }
        }
    }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        velocity.forEach((k, v) -> s.put("momentum/" + k, v.clone()));
        return s;
    }

    @Override
    public void restore(Map<String, float[]> state) {
        velocity.clear();
        state.forEach((k, v) -> {
            if (k.startsWith("momentum/")) velocity.put(k.substring("momentum/".length()), v.clone());
        });
    }

    @Override
    public String name() {
        return "sgd";
    }
}
