package io.henas.ir;

/** Malformed JSON: the message gives the source name and character offset. */
public class JsonException extends IllegalArgumentException {
    public JsonException(String message) {
        super(message);
    }
}
