package io.henas.serve;

import java.util.LinkedHashMap;
import java.util.Map;

import io.henas.ir.Json;

/** The serve package's only use of a JSON library (one place to port): one-line writing and object parsing. */
final class ServeJson {
    private ServeJson() {
    }

    /** One line of JSON. */
    static String write(Object value) {
        return Json.write(value);
    }

    /** A JSON object from {@code text}; {@code source} names it in messages. */
    static Map<String, Object> parseObject(String text, String source) {
        return Json.asObject(Json.parse(text, source), source);
    }

    /** The one-line error body: {@code {"error": message, "status": code}}. */
    static String error(int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message.replace('\n', ' '));
        m.put("status", status);
        return write(m);
    }
}
