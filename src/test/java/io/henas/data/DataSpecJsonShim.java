package io.henas.data;

import java.util.Map;

import io.henas.ir.Json;

/** Test helper: a JSON map written and parsed back (numbers come back as Long or Double, as from a file). */
final class DataSpecJsonShim {
    private DataSpecJsonShim() {
    }

    static Map<String, Object> roundTrip(Map<String, Object> m) {
        return Json.asObject(Json.parse(Json.write(m), "test"), "test");
    }
}
