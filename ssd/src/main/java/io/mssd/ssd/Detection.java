package io.mssd.ssd;

import io.mssd.ssd.box.Box;

/** One detected object: label, 0-based class index in the model's label list, score, box in original-image pixels. */
public record Detection(String label, int classIndex, float score, Box box) {}
