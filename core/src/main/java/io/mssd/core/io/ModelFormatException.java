package io.mssd.core.io;

/** A model file that cannot be used: names the file, the field or tensor, and what was expected. */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String file, String field, String problem) {
        super(file + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + problem);
    }

    public ModelFormatException(String file, String field, String problem, Throwable cause) {
        super(file + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + problem, cause);
    }
}
