package io.mssd.ssd.head;

import io.mssd.core.nn.Sigmoid;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutputQuantizationTest {

    @Test
    void scoreTableEqualsSnappingTheLogisticOfTheSnappedLogit() {
        // the grids of the COCO TFLite model's head (logits, scores)
        OutputQuantization q = new OutputQuantization(0.0625f, 128, 0.1393f, 209, 1 / 256f, 0);
        float[] table = q.logisticScores();
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) rnd.nextDouble(-40, 20);
            float[] one = {x};
            q.logits(one);
            assertEquals(q.score(Sigmoid.apply(one[0])), table[q.logitLevel(x)], 0, "logit " + x);
        }
    }
}
