package io.coffer.gateway.s3.multipart;

import io.coffer.gateway.checksum.ChecksumAlgorithm;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.store.SignedState;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.UploadPart;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import reactor.core.publisher.Mono;

/** ListParts and ListMultipartUploads. */
final class MultipartListHandler implements S3Handler {
    private static final int PAGE = 1000;
    /** Where ObjectHeaders.metadata files the writer in the upload's stored headers. */
    private static final String OWNER_ID = "x-coffer-owner-id";
    private static final String OWNER_NAME = "x-coffer-owner-name";

    private final Shard shard;
    private final SignedState signer;
    private final BucketAccess access;

    MultipartListHandler(Shard shard, SignedState signer, BucketAccess access) {
        this.shard = shard;
        this.signer = signer;
        this.access = access;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return req.operation() == S3Operation.LIST_PARTS ? listParts(req) : listUploads(req);
    }

    private static int intParam(S3Request req, String name, int dflt, int max) {
        String v = req.query(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return Math.min(n, max);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Provided " + name + " not an integer or within integer range");
    }

    private Mono<S3Response> listParts(S3Request req) {
        return Mono.defer(() -> {
            String uploadId = req.query("uploadId");
            int maxParts = intParam(req, "max-parts", 1000, 1000);
            int marker = intParam(req, "part-number-marker", 0, 10_000);
            return access.require(req)
                    .then(shard.getUpload(req.bucket(), req.key(), uploadId == null ? "" : uploadId))
                    .onErrorMap(ShardException.class, e -> e.code() == ShardException.Code.NO_SUCH_UPLOAD
                            || e.code() == ShardException.Code.INVALID_ARGUMENT
                            ? new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource()) : e)
                    .flatMap(u -> {
                        MultipartUpload upload = u.orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_UPLOAD, req.resource()));
                        UploadState state = UploadState.open(signer, upload.state(), req.bucket(), req.key(), uploadId);
                        return shard.listParts(req.bucket(), req.key(), uploadId, marker, maxParts + 1)
                                .map(parts -> partsXml(req, state, parts, marker, maxParts));
                    });
        });
    }

    private S3Response partsXml(S3Request req, UploadState state, List<UploadPart> parts, int marker, int maxParts) {
        boolean truncated = parts.size() > maxParts;
        List<UploadPart> shown = truncated ? parts.subList(0, maxParts) : parts;
        Map<String, String> h = state.metadata().headers();
        String ownerId = h.getOrDefault(OWNER_ID, req.user() == null ? "" : req.user().id());
        String ownerName = h.getOrDefault(OWNER_NAME, req.user() == null ? "" : req.user().displayName());
        S3Xml xml = S3Xml.document("ListPartsResult")
                .element("Bucket", req.bucket()).element("Key", req.key()).element("UploadId", state.uploadId())
                .start("Initiator").element("ID", ownerId).element("DisplayName", ownerName).end()
                .start("Owner").element("ID", ownerId).element("DisplayName", ownerName).end()
                .element("StorageClass", h.getOrDefault("x-amz-storage-class", "STANDARD"))
                .element("PartNumberMarker", marker)
                .element("NextPartNumberMarker", shown.isEmpty() ? marker : shown.get(shown.size() - 1).partNumber())
                .element("MaxParts", maxParts)
                .element("IsTruncated", truncated);
        if (!state.checksumAlgorithm().isEmpty()) {
            xml.element("ChecksumAlgorithm", state.checksumAlgorithm());
            xml.element("ChecksumType", state.checksumType());
        }
        for (UploadPart p : shown) {
            xml.start("Part").element("PartNumber", p.partNumber())
                    .timestamp("LastModified", p.lastModifiedMillis())
                    .element("ETag", "\"" + p.etag() + "\"")
                    .element("Size", p.size());
            if (!state.checksumAlgorithm().isEmpty()) {
                PartState ps = PartState.open(signer, p.state(), state.uploadId(), p.partNumber());
                if (!ps.checksum().isEmpty()) {
                    ChecksumAlgorithm.fromName(state.checksumAlgorithm())
                            .ifPresent(a -> xml.element("Checksum" + a.name(), ps.checksum()));
                }
            }
            xml.end();
        }
        return S3Response.xml(xml.toXml());
    }

    private Mono<S3Response> listUploads(S3Request req) {
        return Mono.defer(() -> {
            String prefix = req.query("prefix") == null ? "" : req.query("prefix");
            String delimiter = req.query("delimiter") == null ? "" : req.query("delimiter");
            String keyMarker = req.query("key-marker") == null ? "" : req.query("key-marker");
            String uploadIdMarker = req.query("upload-id-marker") == null ? "" : req.query("upload-id-marker");
            int max = intParam(req, "max-uploads", 1000, 1000);
            String encoding = req.query("encoding-type");
            if (encoding != null && !encoding.equals("url")) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Invalid Encoding Method specified in Request");
            }
            boolean url = "url".equals(encoding);
            return access.require(req)
                    .then(collect(req.bucket(), prefix, delimiter, keyMarker, uploadIdMarker, max, new Page()))
                    .map(page -> {
                        S3Xml xml = S3Xml.document("ListMultipartUploadsResult")
                                .element("Bucket", req.bucket())
                                .element("KeyMarker", enc(keyMarker, url))
                                .element("UploadIdMarker", uploadIdMarker)
                                .element("NextKeyMarker", enc(page.nextKey, url))
                                .element("NextUploadIdMarker", page.nextUploadId)
                                .element("Prefix", enc(prefix, url));
                        if (!delimiter.isEmpty()) {
                            xml.element("Delimiter", enc(delimiter, url));
                        }
                        xml.element("MaxUploads", max).element("IsTruncated", page.truncated);
                        if (url) {
                            xml.element("EncodingType", "url");
                        }
                        for (MultipartUpload u : page.uploads) {
                            // the initiator is who created the upload (kept in its signed state), not the caller
                            Map<String, String> h = UploadState.open(signer, u.state(), u.bucket(), u.key(), u.uploadId())
                                    .metadata().headers();
                            String ownerId = h.getOrDefault(OWNER_ID, "");
                            String ownerName = h.getOrDefault(OWNER_NAME, "");
                            xml.start("Upload").element("Key", enc(u.key(), url)).element("UploadId", u.uploadId())
                                    .start("Initiator").element("ID", ownerId).element("DisplayName", ownerName).end()
                                    .start("Owner").element("ID", ownerId).element("DisplayName", ownerName).end()
                                    .element("StorageClass", "STANDARD")
                                    .timestamp("Initiated", u.initiatedMillis()).end();
                        }
                        for (String p : page.prefixes) {
                            xml.start("CommonPrefixes").element("Prefix", enc(p, url)).end();
                        }
                        return S3Response.xml(xml.toXml());
                    });
        });
    }

    private static String enc(String s, boolean url) {
        return url ? URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20") : s;
    }

    /** Accumulates uploads and common prefixes across shard pages. */
    private static final class Page {
        final List<MultipartUpload> uploads = new ArrayList<>();
        final TreeSet<String> prefixes = new TreeSet<>();
        boolean truncated;
        String nextKey = "";
        String nextUploadId = "";

        int count() {
            return uploads.size() + prefixes.size();
        }
    }

    private Mono<Page> collect(String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker,
                               int max, Page page) {
        if (max == 0) {
            return Mono.just(page);
        }
        return shard.listUploads(bucket, prefix, keyMarker, uploadIdMarker, PAGE).flatMap(batch -> {
            String lastKey = keyMarker;
            String lastId = uploadIdMarker;
            for (MultipartUpload u : batch) {
                String cp = commonPrefix(u.key(), prefix, delimiter);
                if (cp != null && page.prefixes.contains(cp)) {
                    lastKey = u.key();
                    lastId = u.uploadId();
                    continue;
                }
                if (page.count() == max) {
                    page.truncated = true;
                    return Mono.just(page);
                }
                if (cp != null) {
                    page.prefixes.add(cp);
                } else {
                    page.uploads.add(u);
                }
                lastKey = u.key();
                lastId = u.uploadId();
                page.nextKey = cp != null ? cp : u.key();
                page.nextUploadId = cp != null ? "" : u.uploadId();
            }
            if (batch.size() < PAGE) {
                return Mono.just(page);
            }
            return collect(bucket, prefix, delimiter, lastKey, lastId, max, page);
        });
    }

    private static String commonPrefix(String key, String prefix, String delimiter) {
        if (delimiter.isEmpty() || !key.startsWith(prefix)) {
            return null;
        }
        int i = key.indexOf(delimiter, prefix.length());
        return i < 0 ? null : key.substring(0, i + delimiter.length());
    }
}
