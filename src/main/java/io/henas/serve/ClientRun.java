package io.henas.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.export.ExportedModel;
import io.henas.infer.CiphertextFiles;
import io.henas.infer.InferenceClient;

/**
 * {@code henas client}: the client role against a remote {@link HenasServer}. Generates a secret key (it never leaves
 * this process), uploads the evaluation keys, encrypts each image, queries, decrypts, and compares with the labels and
 * the plaintext simulation's logits. The session is deleted at the end.
 */
public final class ClientRun {
    private ClientRun() {
    }

    /**
     * Runs the images through the server.
     *
     * @param images    preprocessed images (C-H-W), as {@code infer --encrypted} encrypts them
     * @param labels    their labels
     * @param simulated the plaintext simulation's logits of each image
     * @param threads   queries in flight at once (>= 1)
     * @param progress  one line per image (null: silent)
     * @return the report (JSON-ready, ordered)
     * @throws IOException if the server refuses, answers malformed data, or serves another model
     */
    public static Map<String, Object> run(ExportedModel m, RemoteInference server, double[][] images, int[] labels,
                                          double[][] simulated, int threads, PrintStream progress) throws IOException {
        int n = images.length;
        if (n < 1 || labels.length != n || simulated.length != n) {
            throw new IllegalArgumentException("images, labels and simulated logits must be as many (>= 1), but were "
                    + n + ", " + labels.length + ", " + simulated.length);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, but was " + threads);
        }
        CkksParameters params = m.ckksParameters();
        Map<String, Object> info = server.model();
        if (!params.id().equals(info.get("parameter_id"))
                || !m.plan().fingerprint().equals(info.get("plan_fingerprint"))) {
            throw new IOException("the server must serve this model (parameters " + params.id() + ", plan "
                    + m.plan().fingerprint() + "), but serves " + info.get("name") + " (parameters "
                    + info.get("parameter_id") + ", plan " + info.get("plan_fingerprint") + ")");
        }
        long k0 = System.nanoTime();
        InferenceClient client = InferenceClient.generate(m);
        byte[] keys = CiphertextFiles.keysToBytes(params, client.evaluationKeys());
        double keygen = (System.nanoTime() - k0) / 1e9;
        long u0 = System.nanoTime();
        String session = server.openSession(keys);
        double upload = (System.nanoTime() - u0) / 1e9;
        double[] rt = new double[n];
        double[] eval = new double[n];
        double[] enc = new double[n];
        double[] dec = new double[n];
        int[] pred = new int[n];
        double[] relErr = new double[n];
        AtomicLong up = new AtomicLong();
        AtomicLong down = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                try {
                    long e0 = System.nanoTime();
                    List<Ciphertext> cts;
                    synchronized (client) {
                        cts = client.encrypt(images[i]);
                    }
                    byte[] query = CiphertextFiles.toBytes(params, List.of(cts));
                    enc[i] = (System.nanoTime() - e0) / 1e9;
                    RemoteInference.Reply r = server.infer(session, query);
                    up.addAndGet(query.length);
                    down.addAndGet(r.body().length);
                    rt[i] = r.roundTripSeconds();
                    eval[i] = r.serverSeconds();
                    long d0 = System.nanoTime();
                    List<List<Ciphertext>> out = CiphertextFiles.fromBytes(r.body(), params, "the server's answer");
                    if (out.size() != 1) {
                        throw new IOException("the server's answer must hold 1 image, but holds " + out.size());
                    }
                    checkResult(out.getFirst(), params, i);
                    double[] logits;
                    synchronized (client) {
                        logits = client.decrypt(out.getFirst());
                    }
                    dec[i] = (System.nanoTime() - d0) / 1e9;
                    pred[i] = InferenceClient.argmax(logits);
                    relErr[i] = relativeError(simulated[i], logits);
                    if (progress != null) {
                        progress.printf("image %d/%d: label %d, encrypted %d, simulated %d, round trip %.3f s,"
                                + " server %.3f s%n", i + 1, n, labels[i], pred[i],
                                InferenceClient.argmax(simulated[i]), rt[i], eval[i]);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        try {
            List<Thread> ts = new java.util.ArrayList<>();
            for (int t = 1; t < Math.min(threads, n); t++) {
                ts.add(Thread.ofPlatform().daemon().start(work));
            }
            work.run();
            for (Thread t : ts) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            try {
                server.deleteSession(session);
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            }
        }
        if (failure.get() instanceof IOException e) {
            throw e;
        } else if (failure.get() instanceof RuntimeException e) {
            throw e;
        } else if (failure.get() != null) {
            throw new IOException(failure.get());
        }
        int correct = 0;
        int plain = 0;
        int agree = 0;
        for (int i = 0; i < n; i++) {
            int sim = InferenceClient.argmax(simulated[i]);
            correct += pred[i] == labels[i] ? 1 : 0;
            plain += sim == labels[i] ? 1 : 0;
            agree += pred[i] == sim ? 1 : 0;
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", m.name());
        j.put("images", n);
        j.put("encrypted_accuracy", correct / (double) n);
        j.put("plain_accuracy", plain / (double) n);
        j.put("agreement", agree / (double) n);
        j.put("max_rel_logit_error", Arrays.stream(relErr).max().orElse(0));
        j.put("latency_s_median", median(rt));
        j.put("latency_s_first", rt[0]);
        j.put("server_eval_s_median", median(eval));
        j.put("encrypt_s_median", median(enc));
        j.put("decrypt_s_median", median(dec));
        j.put("upload_bytes", up.get());
        j.put("download_bytes", down.get());
        j.put("key_upload_bytes", (long) keys.length);
        j.put("key_upload_s", upload);
        j.put("keygen_s", keygen);
        j.put("query_threads", threads);
        j.put("parameter_id", params.id());
        j.put("plan_fingerprint", m.plan().fingerprint());
        j.put("security_bits", m.heParameters().securityBits());
        return j;
    }

    /**
     * A result must look like one: positive finite scale within 2^20 of the parameters' (a forged scale would decode
     * to zeros and print a class as if it were a prediction).
     */
    static void checkResult(List<Ciphertext> cts, CkksParameters params, int image) throws IOException {
        double want = params.defaultScale();
        for (int k = 0; k < cts.size(); k++) {
            double s = cts.get(k).scale();
            if (!(s > 0) || !Double.isFinite(s) || Math.abs(Math.log(s / want) / Math.log(2)) > 20) {
                throw new IOException("the server's answer for image " + image + ", result " + k + " must have a"
                        + " scale within 2^20 of " + want + ", but has " + s + " (not a result of this model)");
            }
        }
    }

    static double relativeError(double[] want, double[] got) {
        double scale = 0;
        double err = 0;
        for (int j = 0; j < want.length; j++) {
            scale = Math.max(scale, Math.abs(want[j]));
            err = Math.max(err, Math.abs(want[j] - got[j]));
        }
        return err / Math.max(scale, 1e-300);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
