package io.mssd.ssd.track;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The filter against values worked by hand for a box of height 100 (position std 5, velocity std 0.625). */
class KalmanBoxFilterTest {
    final KalmanBoxFilter kf = new KalmanBoxFilter();

    @Test
    void initiatePredictAndUpdateByHand() {
        KalmanBoxFilter.State s = kf.initiate(new double[] {50, 60, 0.5, 100});
        assertArrayEquals(new double[] {50, 60, 0.5, 100, 0, 0, 0, 0}, s.mean());
        // initial stds: 2 * 5 = 10 for x, y, h; 1e-2 for a; 10 * 0.625 = 6.25 for vx, vy, vh; 1e-5 for va
        assertEquals(100, s.cov()[0], 1e-12);
        assertEquals(1e-4, s.cov()[2 * 8 + 2], 1e-16);
        assertEquals(39.0625, s.cov()[4 * 8 + 4], 1e-12);
        KalmanBoxFilter.State p = kf.predict(s);
        // x: P = 100 + 39.0625 (velocity variance flows in) + 25 (process noise, std 5)
        assertEquals(164.0625, p.cov()[0], 1e-9);
        // x-vx covariance: 39.0625; vx variance: 39.0625 + 0.390625
        assertEquals(39.0625, p.cov()[4], 1e-9);
        assertEquals(39.453125, p.cov()[4 * 8 + 4], 1e-9);
        assertArrayEquals(s.mean(), p.mean(), "zero velocity: the mean stays");
        // update with x measured 10 pixels right: gain for x = P / (P + R), R = 25
        KalmanBoxFilter.State u = kf.update(p, new double[] {60, 60, 0.5, 100});
        double gain = 164.0625 / (164.0625 + 25);
        assertEquals(50 + 10 * gain, u.mean()[0], 1e-9);
        assertEquals(10 * 39.0625 / (164.0625 + 25), u.mean()[4], 1e-9, "velocity learns from the x residual");
        assertEquals(164.0625 * (1 - gain), u.cov()[0], 1e-9);
        assertEquals(60, u.mean()[1], 1e-12);
    }

    @Test
    void constantVelocityIsFollowed() {
        KalmanBoxFilter.State s = kf.initiate(new double[] {0, 0, 1, 50});
        for (int t = 1; t <= 30; t++) s = kf.update(kf.predict(s), new double[] {4 * t, 0, 1, 50});
        KalmanBoxFilter.State p = kf.predict(s);
        assertEquals(124, p.mean()[0], 0.5);
        assertEquals(4, p.mean()[4], 0.1);
    }
}
