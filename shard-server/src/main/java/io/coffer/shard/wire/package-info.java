/**
 * The gateway-to-shard protocol, version 1: HTTP/1.1 at {@code /v1/...} (routes in
 * {@code io.coffer.shard.server.ShardRoute}), binary metadata bodies ({@link io.coffer.shard.wire.WireCodec},
 * a format byte first), raw sector bodies, errors as a status plus {@code X-Coffer-Error: <ShardException.Code>}.
 *
 * <h2>Authentication and what it defends against</h2>
 * Every request carries an HMAC-SHA256 under the shared cluster secret over method, raw path and
 * query, a millisecond date, a random nonce and the SHA-256 of the body
 * ({@link io.coffer.shard.wire.RequestSignature}). The server checks it before it reads a body or
 * touches the engine; a missing, wrong or stale (more than 5 minutes of skew) signature is a 403
 * and changes nothing.
 *
 * <p>Sector bodies are streamed, so their hash is not known when the headers go out. They are signed
 * as {@code UNSIGNED-TRAILER} and end with a 32-byte {@link io.coffer.shard.wire.BodyMac}: an HMAC of
 * the request's signature and the sector bytes. The server withholds the last buffer of the sector
 * from the engine until that MAC has verified, so a forged or altered body never completes a sector:
 * the engine sees a failed body and stores nothing. A plain CRC32C would not do: anyone who can alter
 * bytes in flight can also recompute a CRC.
 *
 * <p>What an attacker with network access can and cannot do:
 * <ul>
 *   <li>Cannot forge or alter requests (no secret), nor splice a body onto another request (the MAC
 *       binds the signature, which binds sector id, length, date and nonce).</li>
 *   <li>Can read traffic: there is no encryption in this protocol. Object data is already encrypted by
 *       the gateway (AES-GCM) and manifests are signed, so what leaks is metadata (bucket and key
 *       names, sizes, timing) and control-store values. Run shard traffic on a private network or
 *       behind TLS (a later issue).</li>
 *   <li>Can replay a captured request within the 5-minute window. Most operations are idempotent or
 *       harmless on replay (sector puts are keyed by id, conditional puts fail, deletes of a gone
 *       version are no-ops), but an unconditional version put, a bucket delete or a control put could
 *       be re-applied. The nonce is already signed, so a replay cache of seen nonces can be added
 *       without a protocol change; it is not implemented yet.</li>
 *   <li>Can alter or forge responses (they are not signed): a gateway could be told a write succeeded.
 *       Data read back is still verified end to end by the gateway (manifest signature, GCM tags), so
 *       tampering is detected on read, not prevented.</li>
 *   <li>Can cut connections: the client reports {@code UNAVAILABLE}, the gateway tries other replicas.</li>
 * </ul>
 */
package io.coffer.shard.wire;
