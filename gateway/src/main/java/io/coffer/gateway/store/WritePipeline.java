package io.coffer.gateway.store;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.Part;
import io.coffer.crypto.segment.SegmentEncryptor;
import io.coffer.crypto.segment.SegmentLayout;
import io.coffer.gateway.checksum.BodyDigestResult;
import io.coffer.gateway.checksum.BodyDigests;
import io.coffer.gateway.checksum.DigestException;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Errors;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.shard.api.NewSector;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.Shard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The write path: body → digests (MD5 for the ETag, the requested checksum, SHA-256 of a signed
 * payload) → AES-GCM segments → sectors → signed manifest → commit. Nothing is visible until the
 * manifest commits, and the PUT is acknowledged only after that commit is durable. Sectors written
 * by a request that fails or is cancelled are deleted (best effort; the shard's TTL on temporary
 * sectors is the backstop).
 */
public final class WritePipeline {
    private static final Logger log = LoggerFactory.getLogger(WritePipeline.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The largest object that takes the small-object path: one segment at the default segment size.
     * Its ciphertext is held in memory until the commit, and the shard's commit thread writes it in
     * passing, so this stays small whatever segment size is configured.
     */
    static final int SMALL_OBJECT_MAX = 64 * 1024;

    private final Shard shard;
    private final MasterKeyring keyring;
    private final SignedManifests manifests;
    private final StoreSettings settings;
    private final SegmentEncryptor encryptor;

    public WritePipeline(Shard shard, MasterKeyring keyring, SignedManifests manifests, StoreSettings settings) {
        this.shard = shard;
        this.keyring = keyring;
        this.manifests = manifests;
        this.settings = settings;
        this.encryptor = new SegmentEncryptor(settings.layout());
    }

    /** A body encrypted into sectors that nothing references yet. */
    public record SealedPart(long size, BodyDigestResult digests, List<SectorRef> sectors) {
        public SealedPart {
            sectors = List.copyOf(sectors);
        }
    }

    public StoreSettings settings() {
        return settings;
    }

    public SegmentLayout layout() {
        return settings.layout();
    }

    /** A fresh random content id (16 bytes). */
    public static byte[] newContentId() {
        byte[] id = new byte[Manifest.CONTENT_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    /** Wraps a data key under the customer's key (SSE-C) or the current master key. */
    public WrappedKey wrap(DataKey key, SseCustomerKey sseC) {
        return sseC != null ? sseC.wrap(key) : keyring.wrap(key);
    }

    /** As {@link #wrap(DataKey, SseCustomerKey)}, or for an SSE-KMS key id when {@code kmsKeyId} is set. */
    public WrappedKey wrap(DataKey key, SseCustomerKey sseC, String kmsKeyId) {
        return sseC != null || kmsKeyId == null ? wrap(key, sseC) : keyring.wrap(key, kmsKeyId);
    }

    /**
     * Stores a whole object: seal, sign, commit. An object of at most one segment (and at most
     * {@link #SMALL_OBJECT_MAX}) goes the small-object way ({@link #putSmall}); a larger one streams
     * into sectors first and commits its manifest after.
     */
    public Mono<StoredObject> put(ObjectWrite w, Publisher<ByteBuf> body) {
        return Mono.defer(() -> {
            DataKey key = DataKey.generate();
            byte[] contentId = newContentId();
            WrappedKey wrapped = wrap(key, w.sseC(), w.kmsKeyId());
            List<Long> lengths = sectorLengths(w.length());
            Mono<StoredObject> stored;
            if (w.length() <= Math.min(settings.segmentSize(), SMALL_OBJECT_MAX) && lengths.size() == 1) {
                stored = putSmall(w, body, key, contentId, wrapped, lengths.get(0));
            } else {
                stored = seal(body, w.length(), w.checks(), key, contentId, 1)
                        .flatMap(sealed -> commit(manifest(w, sealed, contentId, wrapped), w.condition(), w.versioned())
                                .onErrorResume(e -> discard(sealed.sectors().stream().map(SectorRef::id).toList())
                                        .then(Mono.error(e))));
            }
            return stored.doFinally(s -> key.destroy());
        });
    }

    /**
     * The small-object write: the body (at most one segment) is encrypted into one buffer in memory,
     * checked, and its sector committed together with the signed manifest in one shard request
     * ({@code Shard.putVersionWithSectors}): the engine then writes, fsyncs and commits it all in one
     * group-commit batch. Memory per request is bounded by {@link #SMALL_OBJECT_MAX} plus a tag.
     */
    private Mono<StoredObject> putSmall(ObjectWrite w, Publisher<ByteBuf> body, DataKey key, byte[] contentId,
                                        WrappedKey wrapped, long sectorLength) {
        BodyDigests digests = new BodyDigests(w.checks().algorithm(), w.checks().payloadSha256() != null);
        SectorId id = SectorId.random();
        AtomicBoolean handed = new AtomicBoolean();
        return encryptor.encrypt(measured(body, w.length(), digests), key, contentId, 1)
                .collectList()
                .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease)
                .map(buffers -> oneBuffer(buffers, sectorLength))
                .flatMap(ciphertext -> verified(digests, w.checks())
                        .flatMap(r -> {
                            SealedPart sealed = new SealedPart(w.length(), r, List.of(new SectorRef(id, sectorLength)));
                            return commitWith(manifest(w, sealed, contentId, wrapped), w.versioned(), v -> {
                                // one owner for the buffer: this hand-off or the release below, never both
                                // (a cancel may race a continuation that runs on a store thread)
                                if (!handed.compareAndSet(false, true)) {
                                    return Mono.error(new IllegalStateException("PUT ended before its commit"));
                                }
                                return shard.putVersionWithSectors(v, w.condition(), !w.versioned(),
                                        List.of(new NewSector(id, ciphertext)));
                            });
                        })
                        .doFinally(signal -> {
                            if (handed.compareAndSet(false, true)) {
                                ciphertext.release(); // never reached the shard
                            }
                        }))
                // a failed putVersionWithSectors leaves no sector behind: nothing to discard
                .onErrorMap(DigestException.class, e -> S3Errors.from(e, null));
    }

    /** A sealed one-segment body as the one buffer of exactly {@code length} bytes its sector holds. */
    private static ByteBuf oneBuffer(List<ByteBuf> buffers, long length) {
        ByteBuf all = buffers.size() == 1 ? buffers.get(0)
                : Unpooled.wrappedBuffer(buffers.toArray(ByteBuf[]::new));
        if (all.readableBytes() != length) {
            int got = all.readableBytes();
            all.release();
            throw new IllegalStateException("ciphertext of " + got + " bytes, " + length + " planned");
        }
        return all;
    }

    /** The lengths of the sectors a part of {@code length} plaintext bytes is stored in. */
    private List<Long> sectorLengths(long length) {
        return SectorPlan.cut(settings.layout().ciphertextLength(length), settings.alignedSectorSize());
    }

    /** The manifest of a one-part object whose body was sealed into {@code sealed}. */
    private Manifest.Builder manifest(ObjectWrite w, SealedPart sealed, byte[] contentId, WrappedKey wrapped) {
        String etag = sealed.digests().md5Hex();
        return Manifest.builder()
                .bucket(w.bucket()).key(w.key())
                .size(sealed.size()).etag(etag).lastModifiedMillis(System.currentTimeMillis())
                .contentType(w.metadata().contentType())
                .userMetadata(w.metadata().userMetadata())
                .headers(w.metadata().headers())
                .tags(w.metadata().tags())
                .checksums(checksums(sealed.digests()))
                .contentId(contentId).segmentSize(settings.segmentSize())
                .wrappedKey(wrapped)
                .sseC(w.sseC() == null ? null : w.sseC().keyMd5Base64())
                .parts(List.of(new Part(1, sealed.size(), etag, SignedManifests.manifestSectors(sealed.sectors()))));
    }

    /** The x-amz-checksum-* value a body's digests give, keyed by algorithm name, for the manifest. */
    public static Map<String, String> checksums(BodyDigestResult digests) {
        return digests.checksum() == null ? Map.of() : Map.of(digests.checksum().name(), digests.checksumBase64());
    }

    /**
     * Encrypts {@code length} plaintext bytes into new (temporary) sectors under {@code key}, and
     * checks the body's digests once it has ended. Fails with IncompleteBody if the body is shorter
     * or longer than {@code length}; on any failure or cancel the sectors written are deleted.
     */
    public Mono<SealedPart> seal(Publisher<ByteBuf> body, long length, BodyChecks checks, DataKey key,
                                 byte[] contentId, int partNumber) {
        return Mono.defer(() -> {
            List<SectorId> written = Collections.synchronizedList(new ArrayList<>());
            BodyDigests digests = new BodyDigests(checks.algorithm(), checks.payloadSha256() != null);
            Flux<ByteBuf> plaintext = measured(body, length, digests);
            return SectorWriter.write(shard, encryptor.encrypt(plaintext, key, contentId, partNumber),
                            sectorLengths(length), written::add)
                    .flatMap(sectors -> verified(digests, checks).map(r -> new SealedPart(length, r, sectors)))
                    .onErrorMap(DigestException.class, e -> S3Errors.from(e, null))
                    .onErrorResume(e -> discard(List.copyOf(written)).then(Mono.error(e)))
                    .doOnCancel(() -> discard(List.copyOf(written)).subscribe());
        });
    }

    /** The body through {@code digests}, failing with IncompleteBody unless it is exactly {@code length} bytes. */
    private static Flux<ByteBuf> measured(Publisher<ByteBuf> body, long length, BodyDigests digests) {
        long[] seen = {0};
        return Flux.from(body)
                .<ByteBuf>handle((buf, sink) -> {
                    seen[0] += buf.readableBytes();
                    if (seen[0] > length) {
                        buf.release();
                        sink.error(new S3Exception(S3Error.INCOMPLETE_BODY, null,
                                "The body is longer than the " + length + " bytes declared."));
                        return;
                    }
                    digests.update(buf);
                    sink.next(buf);
                })
                .concatWith(Mono.defer(() -> seen[0] == length ? Mono.<ByteBuf>empty()
                        : Mono.error(new S3Exception(S3Error.INCOMPLETE_BODY))));
    }

    /** The body's digests once it has ended, checked against what the request declared. */
    private static Mono<BodyDigestResult> verified(BodyDigests digests, BodyChecks checks) {
        return Mono.defer(() -> {
            BodyDigestResult r = digests.finish();
            r.checkContentMd5(checks.contentMd5());
            if (checks.payloadSha256() != null) {
                r.checkSha256(checks.payloadSha256());
            }
            return checks.expectedChecksum().doOnNext(r::checkChecksum).then(Mono.just(r));
        });
    }

    /**
     * Gives {@code b} a fresh generation and version id, signs it and commits it with putVersion.
     * Used by PUT, copy and manifest rewrites (tagging).
     */
    public Mono<StoredObject> commit(Manifest.Builder b, PutCondition condition, boolean versioned) {
        return commitWith(b, versioned, v -> shard.putVersion(v, condition, !versioned));
    }

    /**
     * Replaces the manifest of an existing version (tags, ACL) around the same sectors: same version
     * id and Last-Modified, a fresh generation, committed only if {@code current} is still the
     * current version.
     */
    public Mono<StoredObject> rewrite(Manifest.Builder b, ObjectVersion current) {
        return shard.nextGeneration(current.bucket(), current.generation()).flatMap(gen -> {
            Manifest m = b.generation(gen).versionId(current.versionId()).build();
            byte[] blob = manifests.sign(m);
            ObjectVersion v = new ObjectVersion(m.bucket(), m.key(), m.versionId(), gen, false, m.size(), m.etag(),
                    m.lastModifiedMillis(), current.storageClass(), SignedManifests.shardSectors(m), blob);
            return shard.putVersion(v, new PutCondition.IfGeneration(current.generation()),
                            current.versionId().equals(ObjectVersion.NULL_VERSION))
                    .then(Mono.fromSupplier(() -> new StoredObject(v, m)));
        });
    }

    /** As {@link #commit} but committing through {@code store} (e.g. completeUpload). */
    public Mono<StoredObject> commitWith(Manifest.Builder b, boolean versioned,
                                         Function<ObjectVersion, Mono<?>> store) {
        Manifest draft = b.generation(1).build();
        return shard.nextGeneration(draft.bucket(), 0).flatMap(gen -> {
            String versionId = versioned ? versionId(gen) : ObjectVersion.NULL_VERSION;
            Manifest m = b.generation(gen).versionId(versionId).build();
            byte[] blob = manifests.sign(m);
            ObjectVersion v = new ObjectVersion(m.bucket(), m.key(), versionId, gen, false, m.size(), m.etag(),
                    m.lastModifiedMillis(), m.headers().getOrDefault("x-amz-storage-class", "STANDARD"),
                    SignedManifests.shardSectors(m), blob);
            return store.apply(v).then(Mono.fromSupplier(() -> new StoredObject(v, m)));
        });
    }

    /** Deletes sectors nothing references (a failed request's); failures only log: the TTL reclaims them. */
    public Mono<Void> discard(List<SectorId> sectors) {
        if (sectors.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromIterable(sectors)
                .concatMap(id -> shard.deleteSector(id)
                        .onErrorResume(e -> {
                            log.debug("could not delete temporary sector {}: {}", id, e.toString());
                            return Mono.empty();
                        }))
                .then();
    }

    /** A version id that sorts like its generation and is unique even across gateways. */
    public static String versionId(long generation) {
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        return HexFormat.of().toHexDigits(generation) + HexFormat.of().formatHex(r);
    }
}
