package io.mssd.ssd.head;

/**
 * One multibox predictor: the layers producing box encodings [A*4 x H x W] and class logits
 * [A*K x H x W] for the feature map of layer {@code featureLayer}, A anchors per cell.
 */
public record BoxPredictor(String featureLayer, String boxLayer, String classLayer, int anchorsPerCell) {}
