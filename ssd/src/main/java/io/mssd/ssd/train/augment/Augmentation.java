package io.mssd.ssd.train.augment;

import io.mssd.ssd.train.TrainingSample;

import java.util.SplittableRandom;

/** One random training-time transform of an image and its boxes; all randomness comes from {@code rnd}. */
@FunctionalInterface
public interface Augmentation {

    TrainingSample apply(TrainingSample sample, SplittableRandom rnd);

    /** This, then {@code next}. */
    default Augmentation then(Augmentation next) {
        return (s, r) -> next.apply(apply(s, r), r);
    }

    /**
     * SSD's recipe (Liu et al. 2016, as in the TF OD API and ssd.pytorch): photometric distortion,
     * zoom-out onto a mean-coloured canvas (up to {@code maxZoomOut} times), a min-IoU random crop,
     * a horizontal flip.
     */
    static Augmentation ssd(float maxZoomOut) {
        return new PhotometricDistortion().then(new ZoomOut(0.5, maxZoomOut)).then(new MinIouRandomCrop()).then(new HorizontalFlip(0.5));
    }
}
