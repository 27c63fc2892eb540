package io.mssd.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as torch.optim.AdamW: w -= lr * wd * w
 * (weights only, not biases), then the Adam step with bias-corrected moments.
 */
public final class AdamW implements Optimizer {
    private final float beta1, beta2, eps, weightDecay;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private int t;

    public AdamW(float beta1, float beta2, float eps, float weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Adam betas must be in [0, 1)");
        if (!(eps > 0)) throw new IllegalArgumentException("Adam epsilon must be > 0");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(List<Parameter> params, float lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr / c1), root2 = (float) Math.sqrt(c2);
        for (Parameter p : params) {
            if (!p.trainable()) continue;
            float[] w = p.values(), g = p.grad();
            float[] mm = m.computeIfAbsent(p.name(), k -> new float[w.length]);
            float[] vv = v.computeIfAbsent(p.name(), k -> new float[w.length]);
            float decay = p.shape().length > 1 ? 1 - lr * weightDecay : 1f;
            for (int i = 0; i < w.length; i++) {
                w[i] *= decay;
                mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
                vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
                w[i] -= stepSize * mm[i] / ((float) Math.sqrt(vv[i]) / root2 + eps);
            }
        }
    }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put("adam/t", new float[] {t});
        m.forEach((k, a) -> s.put("adam_m/" + k, a.clone()));
        v.forEach((k, a) -> s.put("adam_v/" + k, a.clone()));
        return s;
    }

    @Override
    public void restore(Map<String, float[]> state) {
        m.clear();
        v.clear();
        t = state.containsKey("adam/t") ? (int) state.get("adam/t")[0] : 0;
        state.forEach((k, a) -> {
            if (k.startsWith("adam_m/")) m.put(k.substring(7), a.clone());
            if (k.startsWith("adam_v/")) v.put(k.substring(7), a.clone());
        });
    }

    @Override
    public String name() {
        return "adam";
    }
}
