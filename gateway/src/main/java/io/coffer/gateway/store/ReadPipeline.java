package io.coffer.gateway.store;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.Part;
import io.coffer.crypto.manifest.ReadPlan;
import io.coffer.crypto.segment.DiscardedBuffers;
import io.coffer.crypto.segment.SegmentCipher;
import io.coffer.crypto.segment.SegmentDecryptor;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The read path: version → verified manifest (cached by blob hash) → the segments a range needs →
 * sector reads → GCM decrypt → plaintext. A failed verification anywhere is an error, never bytes:
 * it is logged as a repair signal and reaches the client as InternalError.
 */
public final class ReadPipeline {
    private static final Logger log = LoggerFactory.getLogger(ReadPipeline.class);
    /** Sector slices read ahead of the decryptor. */
    private static final int SLICES_AHEAD = 1;

    private final Shard shard;
    private final MasterKeyring keyring;
    private final SignedManifests manifests;

    public ReadPipeline(Shard shard, MasterKeyring keyring, SignedManifests manifests) {
        this.shard = shard;
        this.keyring = keyring;
        this.manifests = manifests;
    }

    /**
     * The current version of a key (or the given version), verified. NoSuchKey if absent or a delete
     * marker; NoSuchVersion for an unknown version id.
     */
    public Mono<StoredObject> open(String bucket, String key, String versionId) {
        String resource = "/" + bucket + "/" + key;
        return shard.getVersion(bucket, key, versionId)
                .onErrorMap(e -> e instanceof ShardException se && se.code() == ShardException.Code.NO_SUCH_VERSION,
                        e -> new S3Exception(S3Error.NO_SUCH_VERSION, resource))
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Mono.error(new S3Exception(versionId == null ? S3Error.NO_SUCH_KEY : S3Error.NO_SUCH_VERSION, resource));
                    }
                    ObjectVersion v = found.get();
                    if (v.deleteMarker()) {
                        return Mono.error(new S3Exception(versionId == null ? S3Error.NO_SUCH_KEY : S3Error.METHOD_NOT_ALLOWED, resource));
                    }
                    // verified() throws IntegrityException; flatMap turns the throw into onError
                    return Mono.just(new StoredObject(v, verified(v)));
                });
    }

    /** The current version if there is one (no error when absent). */
    public Mono<StoredObject> openIfPresent(String bucket, String key) {
        return shard.getVersion(bucket, key, null)
                .flatMap(found -> found.isEmpty() || found.get().deleteMarker()
                        ? Mono.<StoredObject>empty()
                        : Mono.fromCallable(() -> new StoredObject(found.get(), verified(found.get()))));
    }

    private Manifest verified(ObjectVersion v) {
        try {
            return manifests.open(v);
        } catch (IntegrityException e) {
            repairSignal(v.bucket(), v.key(), v.versionId(), e);
            throw e;
        } catch (RuntimeException e) {
            IntegrityException ie = new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST,
                    "manifest does not decode", e);
            repairSignal(v.bucket(), v.key(), v.versionId(), ie);
            throw ie;
        }
    }

    /**
     * The object's data key, checking the SSE-C rules S3 applies: an SSE-C object needs its key (400
     * InvalidRequest without, 403 AccessDenied for another key); a plain object refuses SSE-C headers.
     */
    public DataKey dataKey(StoredObject obj, SseCustomerKey sseC) {
        Manifest m = obj.manifest();
        String resource = "/" + m.bucket() + "/" + m.key();
        if (m.sseC()) {
            if (sseC == null) {
                throw new S3Exception(S3Error.INVALID_REQUEST, resource,
                        "The object was stored using a form of Server Side Encryption. "
                                + "The correct parameters must be provided to retrieve the object.");
            }
            if (!sseC.matchesMd5(m.sseCKeyMd5())) {
                throw new S3Exception(S3Error.ACCESS_DENIED, resource);
            }
            try {
                return sseC.unwrap(m.wrappedDataKey());
            } catch (IntegrityException e) {
                throw new S3Exception(S3Error.ACCESS_DENIED, resource);
            }
        }
        if (sseC != null) {
            throw new S3Exception(S3Error.INVALID_REQUEST, resource,
                    "The encryption parameters are not applicable to this object.");
        }
        return keyring.unwrap(m.wrappedDataKey());
    }

    /** Checks the SSE-C rules of {@link #dataKey} without keeping the key (HEAD). */
    public void checkKey(StoredObject obj, SseCustomerKey sseC) {
        if (!obj.manifest().sseC() && sseC == null) {
            // the common HEAD: a plain object and no SSE-C headers, so there is no rule to check, and
            // unwrapping the data key (an AES key unwrap under the master key) would only be thrown away
            return;
        }
        dataKey(obj, sseC).destroy();
    }

    /**
     * Streams the plaintext of {@code range}. Buffers belong to the subscriber; the caller destroys
     * the key.
     */
    public Flux<ByteBuf> read(StoredObject obj, ByteRange range, DataKey key) {
        return read(obj, range, new PartCiphers(key));
    }

    /**
     * The segment cipher of each part, derived once per request: a GET reads its first segment and
     * then the rest as two reads, and each derivation is an HKDF (two to four HMAC-SHA256 in Bouncy
     * Castle, about 5 % of the CPU of a 1 MiB GET in a JFR profile).
     */
    private static final class PartCiphers {
        private final DataKey key;
        private final Map<Integer, SegmentCipher> byPart = new ConcurrentHashMap<>();

        PartCiphers(DataKey key) {
            this.key = key;
        }

        SegmentCipher of(ReadPlan.PartRead p) {
            int n = p.part().partNumber();
            return byPart.computeIfAbsent(n, x -> new SegmentCipher(key, p.contentId(), n));
        }
    }

    private Flux<ByteBuf> read(StoredObject obj, ByteRange range, PartCiphers ciphers) {
        if (range.end() > obj.size()) {
            return Flux.error(new IllegalArgumentException("range beyond the object"));
        }
        Manifest m = obj.manifest();
        SegmentDecryptor decryptor = new SegmentDecryptor(m.layout());
        // an empty object still has one (empty, tagged) segment: reading it proves nothing was cut off
        ReadPlan plan = range.length() == 0
                ? (obj.size() == 0 ? ReadPlan.whole(m) : new ReadPlan(List.of()))
                : ReadPlan.of(m, range.offset(), range.last());
        List<ReadPlan.PartRead> parts = plan.parts();
        // one part (every small object): no concatMap over a one-element list, which costs a
        // subscription, a queue and a hop through its drain loop per GET
        Flux<ByteBuf> plaintext = parts.size() == 1
                ? Flux.defer(() -> decrypt(decryptor, parts.get(0), ciphers))
                : Flux.fromIterable(parts).concatMap(p -> Flux.defer(() -> decrypt(decryptor, p, ciphers)), 0);
        return DiscardedBuffers.released(plaintext
                .onErrorMap(e -> e instanceof IntegrityException || e instanceof ShardException se
                                && (se.code() == ShardException.Code.SECTOR_CORRUPT || se.code() == ShardException.Code.NO_SUCH_SECTOR),
                        e -> {
                            repairSignal(m.bucket(), m.key(), m.versionId(), e);
                            return e instanceof IntegrityException ? e
                                    : new IntegrityException(IntegrityException.Kind.TAMPERED_SEGMENT, "sector unreadable", e);
                        }));
    }

    /**
     * Reads the first segment's worth of {@code range} before answering, so that a tampered or
     * unreadable object (the usual case: small objects are one segment) fails before any header is
     * sent; the rest streams afterwards. The data key is destroyed when the stream ends.
     *
     * <p>When that first segment is the whole range (every object of up to one segment, 64 KiB by
     * default) the body is a {@link Mono} of the one buffer: the server then writes headers and body
     * as one message and one flush, instead of streaming a one-element body.
     */
    public Mono<Publisher<ByteBuf>> readVerifyingFirst(StoredObject obj, ByteRange range, DataKey key) {
        if (range.length() == 0) {
            return read(obj, range, key)
                    .doOnNext(ByteBuf::release)
                    .doFinally(s -> key.destroy())
                    .then(Mono.just(Flux.empty()));
        }
        long headLength = headLength(obj.manifest(), range);
        ByteRange head = new ByteRange(range.offset(), headLength);
        ByteRange rest = new ByteRange(range.offset() + headLength, range.length() - headLength);
        PartCiphers ciphers = new PartCiphers(key);
        Mono<ByteBuf> first = DiscardedBuffers.released(read(obj, head, ciphers)
                .collect(() -> ByteBufAllocator.DEFAULT.compositeBuffer(Integer.MAX_VALUE),
                        (CompositeByteBuf c, ByteBuf b) -> c.addComponent(true, b)))
                .map(c -> (ByteBuf) c);
        if (rest.length() == 0) {
            return first.doFinally(s -> key.destroy()).map(Mono::just);
        }
        return first.doOnError(e -> key.destroy()).map(b -> {
            Flux<ByteBuf> tail = read(obj, rest, ciphers);
            // a window on what is decrypted but not yet written: the transport would ask for 128
            // segments (8 MiB) at once per response (see SendWindow)
            return SendWindow.of(Flux.concat(Mono.just(b), tail).doFinally(s -> key.destroy()),
                    SendWindow.DEFAULT_LIMIT);
        });
    }

    /** Bytes from {@code range.offset()} to the end of its segment (or of the range). */
    private static long headLength(Manifest m, ByteRange range) {
        long partStart = 0;
        for (Part p : m.parts()) {
            if (range.offset() < partStart + p.plaintextSize()) {
                long inPart = range.offset() - partStart;
                long toSegmentEnd = m.segmentSize() - inPart % m.segmentSize();
                return Math.min(range.length(), Math.min(toSegmentEnd, partStart + p.plaintextSize() - range.offset()));
            }
            partStart += p.plaintextSize();
        }
        return range.length();
    }

    private Flux<ByteBuf> decrypt(SegmentDecryptor decryptor, ReadPlan.PartRead p, PartCiphers ciphers) {
        return decryptor.decrypt(ciphertext(p), ciphers.of(p), p.part().plaintextSize(), p.range());
    }

    private Flux<ByteBuf> ciphertext(ReadPlan.PartRead part) {
        List<ReadPlan.SectorSlice> slices = part.slices();
        if (slices.size() == 1) {
            ReadPlan.SectorSlice s = slices.get(0);
            return shard.readSector(SectorId.fromBytes(s.sector().sectorId(), 0), s.offset(), s.length());
        }
        return Flux.fromIterable(part.slices())
                .concatMap(s -> shard.readSector(SectorId.fromBytes(s.sector().sectorId(), 0), s.offset(), s.length()),
                        SLICES_AHEAD);
    }

    private static void repairSignal(String bucket, String key, String versionId, Throwable e) {
        log.error("REPAIR: integrity failure reading {}/{} version {}: {}", bucket, key, versionId, e.toString());
    }
}
