package io.mssd.core.io.onnx;

/** A pytorch-ssd-shaped graph in miniature: 8x8 input, 2 anchors a cell, 3 classes, decoding inside the graph (opset 11). */
final class TinySsd {
    private TinySsd() {}

    static byte[] bytes() {
        java.util.Random r = new java.util.Random(1);
        float[] wc = new float[6 * 3 * 9], wb = new float[8 * 3 * 9], pri = new float[128 * 4];
        for (int i = 0; i < wc.length; i++) wc[i] = (float) r.nextGaussian() * 0.1f;
        for (int i = 0; i < wb.length; i++) wb[i] = (float) r.nextGaussian() * 0.1f;
        for (int i = 0; i < 128; i++) {
            pri[i * 4] = (i / 2 % 8 + 0.5f) / 8;
            pri[i * 4 + 1] = (i / 16 + 0.5f) / 8;
            pri[i * 4 + 2] = i % 2 == 0 ? 0.2f : 0.3f;
            pri[i * 4 + 3] = 0.3f;
        }
        OnnxWriter g = new OnnxWriter(11).input("input_0", 1, 3, 8, 8).output("scores").output("boxes")
                .floats("Wc", wc, 6, 3, 3, 3).floats("Wb", wb, 8, 3, 3, 3).floats("pri", pri, 1, 128, 4)
                .longs("s3", 1, -1, 3).longs("s4", 1, -1, 4).floats("cv", new float[] {0.1f}).floats("sv", new float[] {0.2f})
                .longs("z", 0).longs("two", 2).longs("four", 4).longs("ax", 2).floats("halfc", new float[] {2f});
        g.node("Conv", "input_0,Wc", "c", "pads", new long[] {1, 1, 1, 1}).node("Relu", "c", "cr")
                .node("Transpose", "cr", "ct", "perm", new long[] {0, 2, 3, 1}).node("Reshape", "ct,s3", "cs")
                .node("Softmax", "cs", "scores", "axis", 2L);
        g.node("Conv", "input_0,Wb", "b", "pads", new long[] {1, 1, 1, 1}).node("Transpose", "b", "bt", "perm", new long[] {0, 2, 3, 1})
                .node("Reshape", "bt,s4", "loc")
                .node("Slice", "loc,z,two,ax", "lxy").node("Slice", "loc,two,four,ax", "lwh")
                .node("Slice", "pri,z,two,ax", "pxy").node("Slice", "pri,two,four,ax", "pwh")
                .node("Mul", "lxy,cv", "a1").node("Mul", "a1,pwh", "a2").node("Add", "a2,pxy", "cxy")
                .node("Mul", "lwh,sv", "b1").node("Exp", "b1", "b2").node("Mul", "b2,pwh", "wh")
                .node("Div", "wh,halfc", "hwh").node("Sub", "cxy,hwh", "p1").node("Add", "cxy,hwh", "p2")
                .node("Concat", "p1,p2", "boxes", "axis", 2L);
        return g.bytes();
    }
}
