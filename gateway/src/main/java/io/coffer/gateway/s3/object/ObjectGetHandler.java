package io.coffer.gateway.s3.object;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.manifest.Part;
import io.coffer.gateway.checksum.PartChecksums;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.s3.S3ErrorWriter;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.store.ByteRange;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.StoredObject;
import jakarta.inject.Singleton;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * GetObject and HeadObject: conditions (304/412), Range and partNumber (206/416), SSE-C, and
 * response-* overrides. The first segment of the answer is decrypted and verified before the
 * status line goes out, so a tampered object answers 500 instead of a truncated 200.
 */
@Singleton
public final class ObjectGetHandler implements S3Handler {
    private final ReadPipeline reader;
    private final BucketAccess access;

    public ObjectGetHandler(ReadPipeline reader, BucketAccess access) {
        this.reader = reader;
        this.access = access;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return Mono.defer(() -> {
            boolean head = req.operation() == S3Operation.HEAD_OBJECT;
            ServerSideEncryption.refuseOnRead(req);
            SseCustomerKey sseC = ObjectHeaders.sseC(req, "x-amz-");
            String versionId = req.query("versionId");
            String partNumber = req.query("partNumber");
            if (partNumber != null && req.header("range") != null) {
                throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                        "Cannot specify both Range header and partNumber query parameter");
            }
            return open(req, versionId).flatMap(obj -> answer(req, obj, sseC, partNumber, head));
        });
    }

    /** The object, once the bucket exists and the object's ACL lets the caller (NoSuchBucket, AccessDenied). */
    Mono<StoredObject> open(S3Request req, String versionId) {
        return access.require(req).flatMap(b -> access.readable(req, b, reader.open(req.bucket(), req.key(), versionId)));
    }

    private Mono<S3Response> answer(S3Request req, StoredObject obj, SseCustomerKey sseC, String partNumber,
                                    boolean head) {
        Preconditions conditions = new Preconditions(req.header("if-match"), req.header("if-none-match"),
                req.header("if-modified-since"), req.header("if-unmodified-since"));
        switch (conditions.evaluate(obj.etag(), obj.lastModifiedMillis())) {
            case PRECONDITION_FAILED -> throw new S3Exception(S3Error.PRECONDITION_FAILED, req.resource());
            case NOT_MODIFIED -> {
                S3Response r = S3Response.status(304).etag(obj.etag()).lastModified(obj.lastModifiedMillis());
                ObjectHeaders.versionId(r, obj.versionId());
                return Mono.just(r);
            }
            case PROCEED -> { }
        }
        long size = obj.size();
        ByteRange range = ByteRange.whole(size);
        int status = 200;
        S3Response r = S3Response.ok();
        if (partNumber != null) {
            int n = parsePartNumber(partNumber, req);
            if (n > obj.partCount()) {
                // S3 and s3-tests (test_*multipart_get_part) answer 400 InvalidPart, not 416
                throw new S3Exception(S3Error.INVALID_PART, req.resource(),
                        "The requested partnumber is not satisfiable");
            }
            if (obj.multipart()) {
                range = partRange(obj, n);
                status = 206;
                r.header("x-amz-mp-parts-count", obj.partCount());
            }
        } else {
            RangeRequest rr = RangeRequest.parse(req.header("range"), size);
            if (rr instanceof RangeRequest.Unsatisfiable) {
                S3Response err = S3ErrorWriter.toResponse(new S3Exception(S3Error.INVALID_RANGE, req.resource()),
                        req.resource(), req.requestId());
                return Mono.just(err.header("Content-Range", "bytes */" + size));
            }
            if (rr instanceof RangeRequest.Partial p) {
                range = p.range();
                status = 206;
            }
        }
        if (status == 206) {
            r.withStatus(206).header("Content-Range", "bytes " + range.offset() + "-" + range.last() + "/" + size);
            if (range.length() == 0) {
                // an empty part of an empty object: nothing to range over
                r.withStatus(200).headers().remove("Content-Range");
            }
        }
        ObjectHeaders.objectHeaders(r, req, obj);
        if (partNumber != null && "ENABLED".equalsIgnoreCase(req.header("x-amz-checksum-mode"))) {
            partChecksum(r, obj, parsePartNumber(partNumber, req));
        }
        if (head) {
            reader.checkKey(obj, sseC);
            return Mono.just(r.contentLength(range.length()));
        }
        DataKey key = reader.dataKey(obj, sseC);
        long length = range.length();
        return reader.readVerifyingFirst(obj, range, key).map(body -> r.body(body, length));
    }

    static int parsePartNumber(String s, S3Request req) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= Part.MAX_PART_NUMBER) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Part number must be an integer between 1 and 10000, inclusive");
    }

    /**
     * With checksum mode, a part read answers that part's checksum (it describes exactly the bytes sent)
     * and the object's checksum type; part 1 of a single-part object is the whole object.
     */
    private static void partChecksum(S3Response r, StoredObject obj, int n) {
        Map<String, String> sums = obj.manifest().checksums();
        if (!obj.multipart()) {
            ObjectHeaders.checksums(r, obj.manifest());
            return;
        }
        PartChecksums.algorithm(sums).ifPresent(a -> PartChecksums.of(sums, n).ifPresent(v -> {
            r.header(a.headerName(), v);
            r.header("x-amz-checksum-type", PartChecksums.type(sums.get(a.name())));
        }));
    }

    /** The bytes of the n-th part (1-based, in the order the parts were completed). */
    static ByteRange partRange(StoredObject obj, int n) {
        long offset = 0;
        for (int i = 0; i < n - 1; i++) {
            offset += obj.manifest().parts().get(i).plaintextSize();
        }
        return new ByteRange(offset, obj.manifest().parts().get(n - 1).plaintextSize());
    }
}
