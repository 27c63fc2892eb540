package io.mssd.ssd.train.augment;

import io.mssd.ssd.RgbImage;
import io.mssd.ssd.train.TrainingSample;

import java.util.SplittableRandom;

/**
 * SSD's photometric distortion, each part with probability 1/2: brightness (+-32), contrast
 * (x 0.5-1.5), saturation (x 0.5-1.5, towards or away from the pixel's grey), hue (rotation by
 * up to +-18 degrees about the grey axis). Boxes are unchanged.
 */
public final class PhotometricDistortion implements Augmentation {

    @Override
    public TrainingSample apply(TrainingSample s, SplittableRandom rnd) {
        boolean bright = rnd.nextBoolean(), contrast = rnd.nextBoolean(), sat = rnd.nextBoolean(), hue = rnd.nextBoolean();
        float delta = bright ? (float) rnd.nextDouble(-32, 32) : 0;
        float c = contrast ? (float) rnd.nextDouble(0.5, 1.5) : 1;
        float sf = sat ? (float) rnd.nextDouble(0.5, 1.5) : 1;
        double angle = hue ? Math.toRadians(rnd.nextDouble(-18, 18)) : 0;
        if (!bright && !contrast && !sat && !hue) return s;
        // hue rotation about the (1,1,1) axis (Rodrigues), a 3x3 matrix applied per pixel
        double cos = Math.cos(angle), sin = Math.sin(angle), k = (1 - cos) / 3, q = Math.sqrt(1.0 / 3) * sin;
        float m00 = (float) (cos + k), m01 = (float) (k - q), m02 = (float) (k + q);
        float m10 = (float) (k + q), m11 = (float) (cos + k), m12 = (float) (k - q);
        float m20 = (float) (k - q), m21 = (float) (k + q), m22 = (float) (cos + k);
        byte[] src = s.image().pixels(), dst = new byte[src.length];
        for (int i = 0; i < src.length; i += 3) {
            float r = (src[i] & 0xff) + delta, g = (src[i + 1] & 0xff) + delta, b = (src[i + 2] & 0xff) + delta;
            r = (r - 127.5f) * c + 127.5f;
            g = (g - 127.5f) * c + 127.5f;
            b = (b - 127.5f) * c + 127.5f;
            float grey = 0.299f * r + 0.587f * g + 0.114f * b;
            r = grey + (r - grey) * sf;
            g = grey + (g - grey) * sf;
            b = grey + (b - grey) * sf;
            float r2 = m00 * r + m01 * g + m02 * b, g2 = m10 * r + m11 * g + m12 * b, b2 = m20 * r + m21 * g + m22 * b;
            dst[i] = clamp(r2);
            dst[i + 1] = clamp(g2);
            dst[i + 2] = clamp(b2);
        }
        RgbImage im = s.image();
        return new TrainingSample(s.source(), new RgbImage(im.width(), im.height(), dst), s.boxes(), s.labels());
    }

    private static byte clamp(float v) {
        int x = Math.round(v);
        return (byte) (x < 0 ? 0 : Math.min(255, x));
    }
}
