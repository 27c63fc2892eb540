package io.mssd.tools.coco;

/** A COCO JSON file that cannot be used: names the file, the JSON path and the problem. */
public class CocoFormatException extends RuntimeException {
    public CocoFormatException(String file, String path, String problem) {
        super(file + ": " + path + ": " + problem);
    }
}
