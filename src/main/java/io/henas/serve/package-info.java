/**
 * Encrypted inference over HTTP: {@link io.henas.serve.HenasServer} (the server role of {@code io.henas.infer} behind
 * a Helidon SE web server: sessions of uploaded evaluation keys, encrypted queries, limits) and
 * {@link io.henas.serve.RemoteInference} (its {@code java.net.http} client). The server never holds a secret key.
 * May use {@code infer}, {@code export}, {@code ckks}, {@code rlwe} and {@code json}; {@code cli} builds on it.
 */
package io.henas.serve;
