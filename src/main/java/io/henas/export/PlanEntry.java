package io.henas.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.henas.he.CompileOptions;
import io.henas.ir.Json;
import io.henas.he.HeParameters;
import io.henas.he.HePlan;
import io.henas.he.OpCode;
import io.henas.he.Packing;
import io.henas.he.PlanBinding;
import io.henas.he.PlanCodec;
import io.henas.he.PlanFormatException;
import io.henas.he.Plaintext;
import io.henas.he.PrecisionReport;
import io.henas.train.FoldedNet;

/**
 * The HE plan of a model file. Version 2 files store the compiled plan ({@value ExportedModel#PLAN},
 * {@link PlanCodec}) and the selected parameters (manifest {@code he.parameters}): loading reads both, validates
 * them, binds the weights to every plaintext and affine once (so a stored operand that does not fit the network fails
 * here, not during inference), and never runs the compiler. Version 1 files have no stored plan: it is recompiled and
 * must match the recorded fingerprint (what henas did before; {@code henas export OLD.henas --out NEW.henas} upgrades).
 */
final class PlanEntry {
    private PlanEntry() {
    }

    /** The stored plan of a version-2 file. */
    static HePlan stored(byte[] data, FoldedNet folded, Map<String, Object> he, String src)
            throws ExportFormatException {
        String at = src + "!" + ExportedModel.PLAN;
        CompileOptions opts;
        HeParameters p;
        try {
            opts = CompileOptions.fromJson(obj(he.get("compile_options"), src, "he.compile_options"));
            p = parameters(obj(he.get("parameters"), src, "he.parameters"));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ExportFormatException(src + ": invalid HE section: " + e.getMessage(), e);
        }
        if (!p.toJson().equals(normalize(obj(he.get("parameters"), src, "he.parameters")))) {
            throw new ExportFormatException(src + ": he.parameters must be consistent (derived keys such as digits"
                    + " and special_primes recomputed as " + p.toJson() + "), but were " + he.get("parameters"));
        }
        if (he.get("plan_format") instanceof Long v && v != PlanCodec.VERSION) {
            throw new ExportFormatException(src + ": he.plan_format must be " + PlanCodec.VERSION
                    + " (supported plan format), but was " + v);
        }
        HePlan plan;
        try {
            plan = PlanCodec.decode(data, folded.net(), opts, p);
        } catch (PlanFormatException e) {
            throw new ExportFormatException(at + ": " + e.getMessage(), e);
        }
        Object packing = he.get("packing");
        if (packing != null && !(packing instanceof Long v && v == plan.packing().version())) {
            throw new ExportFormatException(src + ": he.packing must equal the stored plan's packing "
                    + plan.packing().version() + ", but was " + packing);
        }
        String fp = String.valueOf(he.get("plan_fingerprint"));
        if (!plan.fingerprint().equals(fp) && !plan.evidenceFingerprint().equals(fp)) {
            throw new ExportFormatException(at + ": the stored plan must have the manifest's fingerprint " + fp
                    + ", but has " + plan.fingerprint());
        }
        bindAll(plan, folded, at);
        return plan;
    }

    /** A version-1 file: recompiles the plan (today's compiler) and checks the recorded fingerprint. */
    static HePlan recompiled(FoldedNet folded, Map<String, Object> he, String src, boolean allowInsecure)
            throws ExportFormatException {
        HePlan plan;
        try {
            CompileOptions opts = CompileOptions.fromJson(obj(he.get("compile_options"), src, "he.compile_options"));
            // version-1 files predate multiplexed packing: their plans are block-packed
            plan = allowInsecure ? HePlan.compileInsecure(folded.net(), opts, opts.logN(), Packing.BLOCKS)
                    : HePlan.compile(folded.net(), opts, Packing.BLOCKS);
            new PlanBinding(plan, folded.weights());
        } catch (RuntimeException e) {
            throw new ExportFormatException(src + ": invalid HE section: " + e.getMessage(), e);
        }
        String fp = String.valueOf(he.get("plan_fingerprint"));
        if (!plan.fingerprint().equals(fp) && !plan.evidenceFingerprint().equals(fp)) {
            throw new ExportFormatException(src + ": the recompiled plan must have fingerprint " + fp
                    + ", but has " + plan.fingerprint() + " (a version-1 file from an incompatible henas version;"
                    + " re-export it with the henas that wrote it)");
        }
        if (!plan.parameters().toJson().equals(normalize(obj(he.get("parameters"), src, "he.parameters")))) {
            throw new ExportFormatException(src + ": he.parameters must equal the recompiled plan's "
                    + plan.parameters().toJson() + ", but were " + he.get("parameters"));
        }
        return plan;
    }

    /** Builds every plaintext, constant and affine of the plan from the weights once. */
    private static void bindAll(HePlan plan, FoldedNet folded, String at) throws ExportFormatException {
        PlanBinding b;
        try {
            b = new PlanBinding(plan, folded.weights());
        } catch (RuntimeException e) {
            throw new ExportFormatException(at + ": the weights must fit the plan's network: " + e.getMessage(), e);
        }
        String what = "";
        try {
            for (int i = 0; i < plan.affines().size(); i++) {
                what = "affines[" + i + "] (" + plan.affines().get(i).getClass().getSimpleName() + ")";
                b.affine(i);
            }
            for (int i = 0; i < plan.plaintexts().size(); i++) {
                what = "plaintexts[" + i + "] (" + plan.plaintext(i).getClass().getSimpleName() + ")";
                if (b.constant(i)) {
                    b.scalar(i); // batch constants: one value, no slot vector
                } else {
                    b.slots(i);
                }
            }
            for (int i = 0; i < plan.instructionCount(); i++) {
                if (plan.op(i) == OpCode.MUL_CONST || plan.op(i) == OpCode.MUL_CONST_ACC) {
                    what = "instructions[" + i + "] (MUL_CONST of plaintexts[" + plan.b(i) + "])";
                    b.scalar(plan.b(i));
                }
            }
        } catch (RuntimeException e) {
            throw new ExportFormatException(at + ": " + what + " must fit the network and its weights, but does not ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** {@link HeParameters#toJson}'s form read back. */
    @SuppressWarnings("unchecked")
    static HeParameters parameters(Map<String, Object> m) {
        Object prec = m.get("precision");
        if (!(prec instanceof Map<?, ?> pm)) {
            throw new IllegalArgumentException("he.parameters.precision must be an object, but was " + prec);
        }
        return new HeParameters(integer(m, "log_n"), ints(m, "primes"), ints(m, "special_prime_bits"),
                integer(m, "digit_size"), integer(m, "scale_bits"), integer(m, "log_qp"), number(m, "security_bits"),
                ints(m, "galois_steps"), PrecisionReport.fromJson((Map<String, Object>) pm));
    }

    private static int integer(Map<String, Object> m, String k) {
        // model files of format 1 and 2 spell log_n "logN"
        Object v = Json.field(m, k);
        if (!(v instanceof Long l) || l != l.intValue()) {
            throw new IllegalArgumentException("he.parameters." + k + " must be an integer, but was " + v);
        }
        return l.intValue();
    }

    private static double number(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof Number x) || !Double.isFinite(x.doubleValue())) {
            throw new IllegalArgumentException("he.parameters." + k + " must be a finite number, but was " + m.get(k));
        }
        return x.doubleValue();
    }

    private static List<Integer> ints(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof List<?> l) || l.size() > 65536) {
            throw new IllegalArgumentException("he.parameters." + k + " must be a list of integers, but was "
                    + m.get(k));
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Long x) || x != x.intValue()) {
                throw new IllegalArgumentException("he.parameters." + k + " must hold integers, but holds " + o);
            }
            out.add(x.intValue());
        }
        return out;
    }

    /** JSON numbers parse as Long or Double; HeParameters.toJson holds Integer lists: compare by value. */
    static Map<String, Object> normalize(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            // model files written before snake_case keys spell log_n "logN"
            String k = e.getKey().equals("logN") && !m.containsKey("log_n") ? "log_n" : e.getKey();
            out.put(k, norm(e.getValue()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object norm(Object v) {
        if (v instanceof Map<?, ?> mm) {
            return normalize((Map<String, Object>) mm);
        }
        if (v instanceof List<?> l) {
            List<Object> o = new ArrayList<>();
            l.forEach(x -> o.add(norm(x)));
            return o;
        }
        if (v instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o, String src, String field) throws ExportFormatException {
        if (o instanceof Map<?, ?> mm) {
            return (Map<String, Object>) mm;
        }
        throw new ExportFormatException(src + ": " + field + " must be a JSON object, but was " + o);
    }
}
