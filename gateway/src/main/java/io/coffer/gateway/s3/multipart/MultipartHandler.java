package io.coffer.gateway.s3.multipart;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.Part;
import io.coffer.gateway.checksum.ChecksumAlgorithm;
import io.coffer.gateway.checksum.MultipartChecksum;
import io.coffer.gateway.checksum.PartChecksums;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Errors;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.s3.object.CopySource;
import io.coffer.gateway.s3.object.ObjectHeaders;
import io.coffer.gateway.s3.object.KmsKeyring;
import io.coffer.gateway.s3.object.ObjectPutHandler;
import io.coffer.gateway.s3.object.ServerSideEncryption;
import io.coffer.gateway.s3.object.RangeRequest;
import io.coffer.gateway.store.BodyChecks;
import io.coffer.gateway.store.ByteRange;
import io.coffer.gateway.store.ObjectMetadata;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.SignedManifests;
import io.coffer.gateway.store.SignedState;
import io.coffer.gateway.store.WritePipeline;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.UploadPart;
import io.micronaut.context.annotation.Value;
import io.netty.buffer.ByteBuf;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.w3c.dom.Element;
import reactor.core.publisher.Mono;

/**
 * CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload and AbortMultipartUpload.
 * The upload's data key is made once and kept wrapped in the signed upload state; every part is
 * encrypted under it with its own part number (in the GCM nonce) and a fresh content id, so no
 * (key, nonce) pair repeats even when a part is uploaded twice. Completing only writes a manifest
 * naming the parts' sectors.
 */
@Singleton
public final class MultipartHandler implements S3Handler {
    public static final long MIN_PART_SIZE = 5L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WritePipeline writer;
    private final ReadPipeline reader;
    private final Shard shard;
    private final MasterKeyring keyring;
    private final SignedState signer;
    private final MultipartListHandler lists;
    private final long minPartSize;
    private final BucketAccess access;
    private final KmsKeyring kms;

    public MultipartHandler(WritePipeline writer, ReadPipeline reader, Shard shard, MasterKeyring keyring,
                            SignedState signer, BucketAccess access, KmsKeyring kms,
                            @Value("${coffer.multipart.min-part-size:5242880}") long minPartSize) {
        this.access = access;
        this.kms = kms;
        this.writer = writer;
        this.reader = reader;
        this.shard = shard;
        this.keyring = keyring;
        this.signer = signer;
        this.minPartSize = minPartSize;
        this.lists = new MultipartListHandler(shard, signer, access);
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return switch (req.operation()) {
            case CREATE_MULTIPART_UPLOAD -> create(req);
            case UPLOAD_PART -> uploadPart(req);
            case UPLOAD_PART_COPY -> uploadPartCopy(req);
            case COMPLETE_MULTIPART_UPLOAD -> complete(req);
            case ABORT_MULTIPART_UPLOAD -> abort(req);
            case LIST_PARTS, LIST_MULTIPART_UPLOADS -> lists.handle(req);
            default -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
        };
    }

    private Mono<S3Response> create(S3Request req) {
        return Mono.defer(() -> {
            ObjectHeaders.checkKeyLength(req);
            ObjectMetadata metadata = ObjectHeaders.metadata(req);
            SseCustomerKey sseC = ObjectHeaders.sseC(req);
            ChecksumAlgorithm algorithm = ObjectHeaders.checksumAlgorithm(req);
            String type = req.header("x-amz-checksum-type");
            if (type != null && !type.equals("COMPOSITE") && !type.equals("FULL_OBJECT")) {
                throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(), "Value for x-amz-checksum-type header is invalid.");
            }
            if (algorithm == null && type != null) {
                throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                        "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
            }
            if (algorithm != null && type == null) {
                type = algorithm == ChecksumAlgorithm.CRC64NVME ? "FULL_OBJECT" : "COMPOSITE";
            }
            if ("FULL_OBJECT".equals(type) && !algorithm.supportsFullObject()) {
                throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                        "The FULL_OBJECT checksum type cannot be used with the " + algorithm.name().toLowerCase() + " checksum algorithm.");
            }
            String checksumType = type == null ? "" : type;
            String uploadId = newUploadId();
            WrappedKey[] wrapped = new WrappedKey[1];
            return access.require(req)
                    .flatMap(bucket -> {
                        String kmsKeyId = ServerSideEncryption.kmsKeyId(req, kms, bucket);
                        DataKey key = DataKey.generate();
                        try {
                            wrapped[0] = writer.wrap(key, sseC, kmsKeyId);
                        } finally {
                            key.destroy();
                        }
                        // the object's owner is settled here, where its ACL is given, as PutObject does
                        ObjectMetadata owned = new ObjectMetadata(metadata.contentType(), metadata.userMetadata(),
                                BucketAccess.withOwner(metadata.headers(), bucket), metadata.tags());
                        UploadState state = new UploadState(req.bucket(), req.key(), uploadId,
                                writer.settings().segmentSize(), wrapped[0], sseC == null ? "" : sseC.keyMd5Base64(),
                                algorithm == null ? "" : algorithm.name(), checksumType, owned);
                        return shard.createUpload(new MultipartUpload(req.bucket(), req.key(), uploadId,
                                System.currentTimeMillis(), state.sign(signer)));
                    })
                    .then(Mono.fromSupplier(() -> {
                        S3Response r = S3Response.xml(S3Xml.document("InitiateMultipartUploadResult")
                                .element("Bucket", req.bucket()).element("Key", req.key())
                                .element("UploadId", uploadId).toXml());
                        ObjectHeaders.encryption(r, wrapped[0].keyId(), sseC == null ? "" : sseC.keyMd5Base64());
                        if (algorithm != null) {
                            r.header("x-amz-checksum-algorithm", algorithm.name());
                            r.header("x-amz-checksum-type", checksumType);
                        }
                        return r;
                    }));
        });
    }

    private static String newUploadId() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The open upload and its verified state; NoSuchUpload if it is not open. */
    Mono<UploadState> upload(S3Request req, String uploadId) {
        if (uploadId == null || uploadId.isEmpty()) {
            return Mono.error(new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource()));
        }
        return access.require(req)
                .then(shard.getUpload(req.bucket(), req.key(), uploadId))
                .onErrorMap(ShardException.class, e -> e.code() == ShardException.Code.NO_SUCH_UPLOAD
                        ? new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource()) : e)
                .map(u -> UploadState.open(signer,
                        u.orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource())).state(),
                        req.bucket(), req.key(), uploadId));
    }

    /**
     * A customer key sent on Complete of an SSE-C upload must be the upload's (400 otherwise). Without
     * one Complete proceeds: S3 does not require it and clients (SDK transfer managers, rclone) omit it.
     */
    private static void checkCustomerKey(S3Request req, UploadState state) {
        SseCustomerKey sseC = ObjectHeaders.sseC(req);
        if (!state.sseCKeyMd5().isEmpty() && sseC != null && !sseC.matchesMd5(state.sseCKeyMd5())) {
            throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                    "The provided encryption parameters did not match the ones used originally.");
        }
    }

    /** The upload's data key; SSE-C uploads need the same customer key on every part. */
    private DataKey dataKey(S3Request req, UploadState state, SseCustomerKey sseC) {
        if (!state.sseCKeyMd5().isEmpty()) {
            if (sseC == null || !sseC.matchesMd5(state.sseCKeyMd5())) {
                throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                        "The provided encryption parameters did not match the ones used originally.");
            }
            return sseC.unwrap(state.wrappedKey());
        }
        if (sseC != null) {
            throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                    "The provided encryption parameters did not match the ones used originally.");
        }
        return keyring.unwrap(state.wrappedKey());
    }

    private static int partNumber(S3Request req) {
        String s = req.query("partNumber");
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= Part.MAX_PART_NUMBER) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                "Part number must be an integer between 1 and 10000, inclusive");
    }

    private Mono<S3Response> uploadPart(S3Request req) {
        return Mono.defer(() -> {
            int partNumber = partNumber(req);
            long length = req.contentLength();
            if (length < 0) {
                throw new S3Exception(S3Error.MISSING_CONTENT_LENGTH, req.resource());
            }
            if (length > ObjectHeaders.MAX_OBJECT_SIZE) {
                throw new S3Exception(S3Error.ENTITY_TOO_LARGE, req.resource());
            }
            SseCustomerKey sseC = ObjectHeaders.sseC(req);
            BodyChecks checks = ObjectHeaders.bodyChecks(req);
            String uploadId = req.query("uploadId");
            return upload(req, uploadId).flatMap(state -> {
                BodyChecks partChecks = checks.algorithm() == null && !state.checksumAlgorithm().isEmpty()
                        ? new BodyChecks(checks.contentMd5(), ChecksumAlgorithm.fromName(state.checksumAlgorithm()).orElseThrow(),
                        checks.expectedChecksum(), checks.payloadSha256())
                        : checks;
                return writePart(req, state, uploadId, partNumber, req.body(), length, partChecks, sseC)
                        .map(part -> {
                            S3Response r = S3Response.ok().etag(part.md5Hex());
                            ObjectHeaders.encryption(r, state.wrappedKey().keyId(), state.sseCKeyMd5());
                            if (partChecks.algorithm() != null && !part.checksum().isEmpty()) {
                                r.header(partChecks.algorithm().headerName(), part.checksum());
                            }
                            return r;
                        });
            });
        });
    }

    /** Encrypts a part's bytes into sectors and records the part (replacing one with the same number). */
    private Mono<PartState> writePart(S3Request req, UploadState state, String uploadId, int partNumber,
                                      Publisher<ByteBuf> body, long length, BodyChecks checks, SseCustomerKey sseC) {
        if (!state.checksumAlgorithm().isEmpty() && checks.algorithm() != null
                && !checks.algorithm().name().equals(state.checksumAlgorithm())) {
            return Mono.error(new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                    "Checksum Type mismatch occurred, expected checksum Type: " + state.checksumAlgorithm().toLowerCase()
                            + ", actual checksum Type: " + checks.algorithm().name().toLowerCase()));
        }
        DataKey key = dataKey(req, state, sseC);
        byte[] contentId = WritePipeline.newContentId();
        return writer.seal(body, length, checks, key, contentId, partNumber)
                .doFinally(s -> key.destroy())
                .flatMap(sealed -> {
                    String checksum = sealed.digests().checksumBase64();
                    PartState part = new PartState(uploadId, partNumber, length, sealed.digests().md5Hex(),
                            checksum == null ? "" : checksum, contentId, sealed.sectors());
                    UploadPart record = new UploadPart(uploadId, partNumber, length, part.md5Hex(),
                            System.currentTimeMillis(), sealed.sectors(), part.sign(signer));
                    return shard.putPart(req.bucket(), req.key(), record)
                            .onErrorResume(e -> writer.discard(sealed.sectors().stream().map(s -> s.id()).toList())
                                    .then(Mono.error(e instanceof ShardException se && se.code() == ShardException.Code.NO_SUCH_UPLOAD
                                            ? new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource()) : e)))
                            .thenReturn(part);
                });
    }

    private Mono<S3Response> uploadPartCopy(S3Request req) {
        return Mono.defer(() -> {
            int partNumber = partNumber(req);
            CopySource src = CopySource.parse(req.header("x-amz-copy-source"), req.resource());
            SseCustomerKey srcKey = ObjectHeaders.sseC(req, "x-amz-copy-source-");
            SseCustomerKey dstKey = ObjectHeaders.sseC(req);
            String uploadId = req.query("uploadId");
            return upload(req, uploadId).flatMap(state -> ObjectPutHandler.openSource(access, reader, req, src)
                    .flatMap(source -> {
                        var conditions = new io.coffer.gateway.s3.object.Preconditions(
                                req.header("x-amz-copy-source-if-match"), req.header("x-amz-copy-source-if-none-match"),
                                req.header("x-amz-copy-source-if-modified-since"),
                                req.header("x-amz-copy-source-if-unmodified-since"));
                        if (conditions.evaluateForCopy(source.etag(), source.lastModifiedMillis())
                                != io.coffer.gateway.s3.object.Preconditions.Outcome.PROCEED) {
                            throw new S3Exception(S3Error.PRECONDITION_FAILED, req.resource());
                        }
                        ByteRange range = copyRange(req, source.size());
                        if (range.length() > ObjectHeaders.MAX_OBJECT_SIZE) {
                            throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                                    "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120");
                        }
                        DataKey sourceKey = reader.dataKey(source, srcKey);
                        BodyChecks checks = state.checksumAlgorithm().isEmpty() ? BodyChecks.NONE
                                : new BodyChecks(null, ChecksumAlgorithm.fromName(state.checksumAlgorithm()).orElseThrow(),
                                Mono.empty(), null);
                        return writePart(req, state, uploadId, partNumber,
                                reader.read(source, range, sourceKey).doFinally(s -> sourceKey.destroy()),
                                range.length(), checks, dstKey)
                                .map(part -> {
                                    S3Xml xml = S3Xml.document("CopyPartResult")
                                            .element("ETag", "\"" + part.md5Hex() + "\"")
                                            .timestamp("LastModified", System.currentTimeMillis());
                                    if (checks.algorithm() != null && !part.checksum().isEmpty()) {
                                        // the client names it again in CompleteMultipartUpload
                                        xml.element("Checksum" + checks.algorithm().name(), part.checksum());
                                    }
                                    S3Response r = S3Response.xml(xml.toXml());
                                    if (src.versionId() != null) {
                                        r.header("x-amz-copy-source-version-id", src.versionId());
                                    }
                                    return ObjectHeaders.encryption(r, state.wrappedKey().keyId(), state.sseCKeyMd5());
                                });
                    }));
        });
    }

    /** x-amz-copy-source-range: exactly {@code bytes=first-last} inside the source, else the whole source. */
    private static ByteRange copyRange(S3Request req, long size) {
        String h = req.header("x-amz-copy-source-range");
        if (h == null) {
            return ByteRange.whole(size);
        }
        if (!h.matches("bytes=\\d+-\\d+")) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy");
        }
        RangeRequest rr = RangeRequest.parse(h, size);
        String[] ab = h.substring(6).split("-");
        if (!(rr instanceof RangeRequest.Partial p) || Long.parseLong(ab[1]) >= size) {
            // well-formed but outside the source: S3 (and s3-tests) answer InvalidRange
            throw new S3Exception(S3Error.INVALID_RANGE, req.resource(),
                    "Range specified is not valid for source object of size: " + size);
        }
        return p.range();
    }

    /**
     * A part named in CompleteMultipartUpload.
     *
     * @param checksums the part's Checksum* elements by algorithm, as the client sent them
     */
    private record Requested(int partNumber, String etag, Map<ChecksumAlgorithm, String> checksums) {
    }

    private Mono<S3Response> complete(S3Request req) {
        return Mono.defer(() -> {
            String uploadId = req.query("uploadId");
            CompletePrecondition precondition = CompletePrecondition.of(req);
            // the body is read first so that a repeat of a completed upload can still be recognised by it
            return S3XmlReader.readBody(req, 4 << 20).map(b -> requested(S3XmlReader.root(
                            S3XmlReader.parse(b, req.resource()), "CompleteMultipartUpload", req.resource()), req.resource()))
                    .flatMap(wanted -> upload(req, uploadId)
                            .doOnNext(state -> checkCustomerKey(req, state))
                            .zipWith(access.require(req))
                            .flatMap(t -> shard.listParts(req.bucket(), req.key(), uploadId, 0, Part.MAX_PART_NUMBER)
                                    .zipWith(precondition.resolve(reader, req))
                                    .flatMap(s -> commit(req, uploadId, t.getT1(), wanted, s.getT1(), s.getT2(),
                                            ObjectPutHandler.versioned(t.getT2()))))
                            .onErrorResume(e -> e instanceof S3Exception se && se.error() == S3Error.NO_SUCH_UPLOAD
                                    && uploadId != null && !uploadId.isEmpty(), e -> alreadyCompleted(req, wanted, e)))
                    .map(obj -> {
                        String location = "/" + req.bucket() + "/" + req.key();
                        S3Xml xml = S3Xml.document("CompleteMultipartUploadResult")
                                .element("Location", location).element("Bucket", req.bucket())
                                .element("Key", req.key()).element("ETag", "\"" + obj.etag() + "\"");
                        Map<String, String> sums = obj.manifest().checksums();
                        PartChecksums.algorithm(sums).ifPresent(a -> xml
                                .element("Checksum" + a.name(), sums.get(a.name()))
                                .element("ChecksumType", PartChecksums.type(sums.get(a.name()))));
                        S3Response r = S3Response.xml(xml.toXml());
                        ObjectHeaders.versionId(r, obj.versionId());
                        ObjectHeaders.encryption(r, obj.manifest());
                        ObjectHeaders.checksums(r, obj.manifest());
                        return r;
                    });
        });
    }

    /**
     * S3 answers a repeated CompleteMultipartUpload of an upload it just completed with the same
     * result (clients retry it after a lost response). The upload is gone by then, so the repeat is
     * recognised by the current object: multipart, with the ETag the requested part ETags make.
     * Nothing is written; anything else keeps the original NoSuchUpload.
     */
    private Mono<io.coffer.gateway.store.StoredObject> alreadyCompleted(S3Request req, List<Requested> wanted,
                                                                      Throwable noSuchUpload) {
        return access.require(req)
                .then(reader.openIfPresent(req.bucket(), req.key()))
                .filter(obj -> obj.multipart() && obj.etag().equals(multipartEtag(wanted)))
                .switchIfEmpty(Mono.error(noSuchUpload));
    }

    private static String multipartEtag(List<Requested> wanted) {
        MessageDigest md5s = md5();
        for (Requested w : wanted) {
            try {
                md5s.update(HexFormat.of().parseHex(w.etag()));
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        return HexFormat.of().formatHex(md5s.digest()) + "-" + wanted.size();
    }

    private static List<Requested> requested(Element root, String resource) {
        List<Requested> parts = new ArrayList<>();
        for (Element p : S3XmlReader.children(root, "Part")) {
            String n = S3XmlReader.childText(p, "PartNumber");
            String etag = S3XmlReader.childText(p, "ETag");
            if (n == null || etag == null) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            Map<ChecksumAlgorithm, String> checksums = new EnumMap<>(ChecksumAlgorithm.class);
            for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
                String v = S3XmlReader.childText(p, "Checksum" + a.name());
                if (v != null) {
                    checksums.put(a, v.trim());
                }
            }
            Requested r;
            try {
                r = new Requested(Integer.parseInt(n.trim()), ObjectHeaders.unquote(etag), checksums);
            } catch (NumberFormatException e) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            // A part listed again right after itself (a client that re-sent it and kept both answers, as in
            // s3-tests' resend_first_finishes_last) names one part: the later entry wins, like RGW.
            if (!parts.isEmpty() && parts.get(parts.size() - 1).partNumber() == r.partNumber()) {
                parts.set(parts.size() - 1, r);
            } else {
                parts.add(r);
            }
        }
        if (parts.isEmpty()) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        return parts;
    }

    private Mono<io.coffer.gateway.store.StoredObject> commit(S3Request req, String uploadId, UploadState state,
                                                            List<Requested> wanted, List<UploadPart> stored,
                                                            PutCondition condition, boolean versioned) {
        Map<Integer, UploadPart> byNumber = new HashMap<>();
        for (UploadPart p : stored) {
            byNumber.put(p.partNumber(), p);
        }
        List<Part> parts = new ArrayList<>(wanted.size());
        List<byte[]> partChecksums = new ArrayList<>();
        Map<String, String> perPart = new HashMap<>();
        List<MultipartChecksum.Part> fullObjectParts = new ArrayList<>();
        MessageDigest md5s = md5();
        long size = 0;
        int previous = 0;
        for (Requested w : wanted) {
            if (w.partNumber() <= previous) {
                throw new S3Exception(S3Error.INVALID_PART_ORDER, req.resource());
            }
            previous = w.partNumber();
        }
        for (int i = 0; i < wanted.size(); i++) {
            Requested w = wanted.get(i);
            UploadPart record = byNumber.get(w.partNumber());
            if (record == null) {
                throw new S3Exception(S3Error.INVALID_PART, req.resource());
            }
            PartState part;
            try {
                part = PartState.open(signer, record.state(), uploadId, w.partNumber());
            } catch (IntegrityException | IllegalArgumentException e) {
                throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST,
                        "part " + w.partNumber() + " of upload " + uploadId + " does not verify", e);
            }
            if (!part.md5Hex().equals(w.etag())) {
                throw new S3Exception(S3Error.INVALID_PART, req.resource());
            }
            if (!state.checksumAlgorithm().isEmpty()) {
                String declared = w.checksums().get(ChecksumAlgorithm.fromName(state.checksumAlgorithm()).orElseThrow());
                if (declared != null && !declared.equals(part.checksum())) {
                    throw new S3Exception(S3Error.INVALID_PART, req.resource());
                }
            }
            if (i < wanted.size() - 1 && part.size() < minPartSize) {
                throw new S3Exception(S3Error.ENTITY_TOO_SMALL, req.resource());
            }
            parts.add(new Part(w.partNumber(), part.size(), part.md5Hex(),
                    SignedManifests.manifestSectors(part.sectors()), part.contentId()));
            md5s.update(HexFormat.of().parseHex(part.md5Hex()));
            if (!state.checksumAlgorithm().isEmpty()) {
                if (part.checksum().isEmpty()) {
                    throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                            "The upload was created using a " + state.checksumAlgorithm().toLowerCase()
                                    + " checksum. The complete request must include the checksum for each part.");
                }
                byte[] raw = Base64.getDecoder().decode(part.checksum());
                partChecksums.add(raw);
                perPart.put(PartChecksums.key(w.partNumber()), part.checksum());
                fullObjectParts.add(new MultipartChecksum.Part(raw, part.size()));
            }
            size += part.size();
        }
        String etag = HexFormat.of().formatHex(md5s.digest()) + "-" + parts.size();
        Map<String, String> checksums = Map.of();
        if (!state.checksumAlgorithm().isEmpty()) {
            ChecksumAlgorithm a = ChecksumAlgorithm.fromName(state.checksumAlgorithm()).orElseThrow();
            String value = state.checksumType().equals("FULL_OBJECT")
                    ? MultipartChecksum.fullObject(a, fullObjectParts)
                    : MultipartChecksum.composite(a, partChecksums);
            if (!PartChecksums.matches(req.header(a.headerName()), value)) {
                throw new S3Exception(S3Error.BAD_DIGEST, req.resource(),
                        "The " + (a.supportsFullObject() ? a.name() : a.name().toLowerCase(java.util.Locale.ROOT))
                                + " you specified did not match the calculated checksum.");
            }
            // the parts' checksums ride along in the signed manifest for GetObjectAttributes and partNumber reads
            perPart.put(a.name(), value);
            checksums = perPart;
        }
        ObjectMetadata m = state.metadata();
        Manifest.Builder b = Manifest.builder()
                .bucket(req.bucket()).key(req.key())
                .size(size).etag(etag).lastModifiedMillis(System.currentTimeMillis())
                .contentType(m.contentType()).userMetadata(m.userMetadata()).headers(m.headers()).tags(m.tags())
                .checksums(checksums)
                // the manifest's own content id is unused by the parts (each has its own); keep it unique
                .contentId(WritePipeline.newContentId())
                .segmentSize(state.segmentSize())
                .wrappedKey(state.wrappedKey())
                .sseC(state.sseCKeyMd5().isEmpty() ? null : state.sseCKeyMd5())
                .parts(parts);
        return writer.commitWith(b, versioned, v -> shard.completeUpload(uploadId, v, condition, !versioned))
                .onErrorMap(ShardException.class, e -> e.code() == ShardException.Code.NO_SUCH_UPLOAD
                        ? new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource()) : S3Errors.fromShard(e, req.resource()));
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Mono<S3Response> abort(S3Request req) {
        String uploadId = req.query("uploadId");
        return access.require(req)
                .then(shard.abortUpload(req.bucket(), req.key(), uploadId == null ? "" : uploadId))
                .onErrorMap(ShardException.class, e -> e.code() == ShardException.Code.NO_SUCH_UPLOAD
                        || e.code() == ShardException.Code.INVALID_ARGUMENT
                        ? new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource()) : e)
                .thenReturn(S3Response.noContent());
    }
}
