package io.mssd.ssd.track;

import io.mssd.ssd.box.Box;

/** One track in one frame, as the tracker returns it: its identity, the label and score of its last matched detection, its box. */
public record TrackedObject(int id, String label, float score, Box box) {}
