import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Two builds of mssd in one JVM, their forward passes alternating: each layer's median time in both, and the median
 * of the per-pass ratios of the whole network. On a VM whose speed swings between runs (here: the same GEMM call
 * takes 2.5 or 4.4 ms from one call to the next), this is what shows a change of a few percent; whole-process
 * benches of old and new jars in turn do not.
 *
 * Run (each build's jars are its tools/target/lib folder; build the old one in a clone):
 * <pre>
 * java --add-modules jdk.incubator.vector bench/NetworkAB.java OLD/tools/target/lib tools/target/lib MODEL [THREADS [RUNS]]
 * </pre>
 * MODEL as `mssd --model` takes it (a zoo name, tflite:FILE, onnx:FILE, caffe:PROTOTXT,CAFFEMODEL); THREADS 1 and
 * RUNS 200 by default. Layers under 0.1 ms are left out of the table. A build against a copy of itself shows the
 * harness's own spread: on the 2-vCPU VM of stop 25, +-2-3% on the whole network and on single GEMM layers (either
 * side can come out ahead), so only larger differences, or the same one with A and B swapped, mean something.
 */
public class NetworkAB {
    /** A build's network, bound to a workspace (its own class loader, so both builds' classes coexist). */
    record Build(Object workspace, Method forwardTimed, Method layerNanos, Method resetTimes, String[] layers) {
        long[] pass() throws Exception {
            resetTimes.invoke(workspace);
            forwardTimed.invoke(workspace);
            return (long[]) layerNanos.invoke(workspace);
        }
    }

    static Build load(Path lib, String model, int threads) throws Exception {
        List<URL> jars = new ArrayList<>();
        try (var files = Files.list(lib)) {
            for (Path p : files.sorted().toList()) if (p.toString().endsWith(".jar")) jars.add(p.toUri().toURL());
        }
        if (jars.stream().noneMatch(u -> u.getPath().contains("mssd-core"))) {
            throw new IllegalArgumentException(lib + ": no mssd-core jar (expected a build's tools/target/lib)");
        }
        ClassLoader loader = new URLClassLoader(jars.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Class<?> zoo = Class.forName("io.mssd.ssd.model.ModelZoo", true, loader);
        Object ssd = zoo.getMethod("load", String.class, Path.class).invoke(null, model, null);
        Class<?> detectorClass = Class.forName("io.mssd.ssd.Detector", true, loader);
        Object detector = detectorClass.getConstructor(ssd.getClass(), int.class).newInstance(ssd, threads);
        Object ws = detectorClass.getMethod("borrow").invoke(detector);
        Object input = ws.getClass().getMethod("input").invoke(ws);
        float[] data = (float[]) input.getClass().getMethod("data").invoke(input);
        Random r = new Random(1); // the same values in both builds
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat() * 2 - 1;
        Object net = ws.getClass().getMethod("network").invoke(ws);
        List<?> nodes = (List<?>) net.getClass().getMethod("nodes").invoke(net);
        String[] layers = new String[nodes.size()];
        for (int i = 0; i < layers.length; i++) {
            Object layer = nodes.get(i).getClass().getMethod("layer").invoke(nodes.get(i));
            layers[i] = (String) layer.getClass().getMethod("name").invoke(layer);
        }
        return new Build(ws, ws.getClass().getMethod("forwardTimed"), ws.getClass().getMethod("layerNanos"),
                ws.getClass().getMethod("resetTimes"), layers);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java --add-modules jdk.incubator.vector bench/NetworkAB.java OLD_LIB NEW_LIB MODEL [THREADS [RUNS]]");
            System.exit(2);
        }
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1, runs = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        Build a = load(Path.of(args[0]), args[2], threads), b = load(Path.of(args[1]), args[2], threads);
        if (!Arrays.equals(a.layers(), b.layers())) throw new IllegalStateException("the two builds' networks differ in their layers");
        for (int i = 0; i < 30; i++) { // warm-up: both builds' kernels compiled
            a.pass();
            b.pass();
        }
        int n = a.layers().length;
        double[][] ta = new double[n][runs], tb = new double[n][runs];
        double[] wholeA = new double[runs], wholeB = new double[runs], ratio = new double[runs];
        for (int i = 0; i < runs; i++) {
            long[] la, lb;
            if (i % 2 == 0) { // each build first in half the pairs
                la = a.pass();
                lb = b.pass();
            } else {
                lb = b.pass();
                la = a.pass();
            }
            for (int l = 0; l < n; l++) {
                ta[l][i] = la[l] / 1e6;
                tb[l][i] = lb[l] / 1e6;
                wholeA[i] += ta[l][i];
                wholeB[i] += tb[l][i];
            }
            ratio[i] = wholeB[i] / wholeA[i];
        }
        int nameW = 12;
        for (String s : a.layers()) nameW = Math.max(nameW, s.length());
        System.out.printf("%-" + nameW + "s  %9s  %9s  %7s%n", "layer", "A ms", "B ms", "B/A");
        for (int l = 0; l < n; l++) {
            double ma = median(ta[l]), mb = median(tb[l]);
            if (Math.max(ma, mb) < 0.1) continue;
            System.out.printf("%-" + nameW + "s  %9.3f  %9.3f  %7.2f%n", a.layers()[l], ma, mb, mb / ma);
        }
        System.out.printf("network: A %.2f ms, B %.2f ms (medians of %d passes each, alternating); median of the per-pass"
                + " ratios B/A %.3f%n", median(wholeA), median(wholeB), runs, median(ratio));
        System.exit(0); // the detectors' compute threads
    }
}
