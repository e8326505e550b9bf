package io.coffer.gateway.s3.list;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.Shard;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * ListObjects (v1), ListObjectsV2 and ListObjectVersions over {@link ShardListMerge}. Keys come
 * in binary UTF-8 order; max-keys is 0..1000 (larger values are capped at 1000, as S3 does).
 */
@Singleton
public final class BucketListHandler implements S3Handler {
    public static final int MAX_KEYS = 1000;

    private final List<Shard> shards;
    private final BucketAccess access;

    public BucketListHandler(Shard shard, BucketAccess access) {
        // embedded mode: one shard; cluster mode passes the bucket's replica set here
        this.shards = List.of(shard);
        this.access = access;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return switch (req.operation()) {
            case LIST_OBJECTS -> access.require(req).flatMap(b -> listV1(req, b));
            case LIST_OBJECTS_V2 -> access.require(req).flatMap(b -> listV2(req, b));
            case LIST_OBJECT_VERSIONS -> access.require(req).flatMap(b -> listVersions(req, b));
            default -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
        };
    }

    /** Parameters common to all three listings. */
    private record Params(String prefix, String delimiter, int maxKeys, boolean url) {
        String enc(String s) {
            return url ? UrlEncoding.encode(s) : s;
        }
    }

    private static Params params(S3Request req) {
        String encoding = req.query("encoding-type");
        if (encoding != null && !encoding.isEmpty() && !encoding.equals("url")) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Invalid Encoding Method specified in Request");
        }
        String prefix = req.query("prefix") == null ? "" : req.query("prefix");
        String delimiter = req.query("delimiter") == null ? "" : req.query("delimiter");
        return new Params(prefix, delimiter, maxKeys(req), "url".equals(encoding));
    }

    static int maxKeys(S3Request req) {
        String v = req.query("max-keys");
        if (v == null || v.isEmpty()) {
            return MAX_KEYS;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return (int) Math.min(n, MAX_KEYS);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Provided max-keys not an integer or within integer range");
    }

    /** One merged page: the entries to show and whether more follow. */
    private record Page(List<ListEntry> entries, boolean truncated) {
        String lastKey() {
            return entries.isEmpty() ? null : entries.get(entries.size() - 1).key();
        }
    }

    private Mono<Page> page(BucketInfo bucket, Params p, String startAfter, String startAfterVersion, boolean versions) {
        if (p.maxKeys() == 0) {
            return Mono.just(new Page(List.of(), false));
        }
        ListRequest request = new ListRequest(bucket.name(), p.prefix(), startAfter, startAfterVersion, p.delimiter(),
                p.maxKeys() + 1, versions);
        return ShardListMerge.merge(shards, request, p.maxKeys() + 1)
                .take(p.maxKeys() + 1L)
                .collectList()
                .map(all -> all.size() > p.maxKeys()
                        ? new Page(all.subList(0, p.maxKeys()), true)
                        : new Page(all, false));
    }

    // ---- ListObjectsV2 ---------------------------------------------------------------------------

    private Mono<S3Response> listV2(S3Request req, BucketInfo bucket) {
        Params p = params(req);
        String token = req.query("continuation-token");
        String startAfter = req.query("start-after");
        boolean fetchOwner = "true".equals(req.query("fetch-owner"));
        // an empty token is no token (S3 echoes it and lists from the start)
        String from = token != null && !token.isEmpty() ? decodeToken(token, req.resource()) : startAfter;
        return page(bucket, p, from, null, false).map(page -> {
            S3Xml x = S3Xml.document("ListBucketResult");
            x.element("Name", bucket.name());
            x.element("Prefix", p.enc(p.prefix()));
            if (startAfter != null) {
                x.element("StartAfter", p.enc(startAfter));
            }
            if (token != null) {
                x.element("ContinuationToken", token);
            }
            if (page.truncated()) {
                x.element("NextContinuationToken", encodeToken(page.lastKey()));
            }
            x.element("KeyCount", page.entries().size());
            x.element("MaxKeys", p.maxKeys());
            if (!p.delimiter().isEmpty()) {
                x.element("Delimiter", p.enc(p.delimiter()));
            }
            if (p.url()) {
                x.element("EncodingType", "url");
            }
            x.element("IsTruncated", page.truncated());
            writeEntries(x, page, p, fetchOwner ? bucket : null);
            return S3Response.xml(x.toXml());
        });
    }

    // ---- ListObjects (v1) ------------------------------------------------------------------------

    private Mono<S3Response> listV1(S3Request req, BucketInfo bucket) {
        Params p = params(req);
        String marker = req.query("marker") == null ? "" : req.query("marker");
        return page(bucket, p, marker, null, false).map(page -> {
            S3Xml x = S3Xml.document("ListBucketResult");
            x.element("Name", bucket.name());
            // v1 answers Prefix as sent even with encoding-type=url (AWS does; botocore decodes only
            // Delimiter, Marker, NextMarker, keys and common prefixes of a v1 listing)
            x.element("Prefix", p.prefix());
            x.element("Marker", p.enc(marker));
            // S3 returns NextMarker only with a delimiter; without one clients resume from the last key
            if (page.truncated() && !p.delimiter().isEmpty()) {
                x.element("NextMarker", p.enc(page.lastKey()));
            }
            x.element("MaxKeys", p.maxKeys());
            if (!p.delimiter().isEmpty()) {
                x.element("Delimiter", p.enc(p.delimiter()));
            }
            if (p.url()) {
                x.element("EncodingType", "url");
            }
            x.element("IsTruncated", page.truncated());
            writeEntries(x, page, p, bucket);
            return S3Response.xml(x.toXml());
        });
    }

    /** Contents in key order, then CommonPrefixes in key order, as S3 lays them out. */
    private static void writeEntries(S3Xml x, Page page, Params p, BucketInfo ownerOf) {
        for (ListEntry e : page.entries()) {
            if (e.commonPrefix()) {
                continue;
            }
            ObjectVersion v = e.version();
            x.start("Contents");
            x.element("Key", p.enc(v.key()));
            x.timestamp("LastModified", v.lastModifiedMillis());
            x.element("ETag", quote(v.etag()));
            x.element("Size", v.size());
            if (ownerOf != null) {
                owner(x, ownerOf);
            }
            x.element("StorageClass", v.storageClass());
            x.end();
        }
        for (ListEntry e : page.entries()) {
            if (e.commonPrefix()) {
                x.start("CommonPrefixes").element("Prefix", p.enc(e.key())).end();
            }
        }
    }

    // ---- ListObjectVersions ----------------------------------------------------------------------

    private Mono<S3Response> listVersions(S3Request req, BucketInfo bucket) {
        Params p = params(req);
        String keyMarker = req.query("key-marker") == null ? "" : req.query("key-marker");
        String versionMarker = req.query("version-id-marker");
        if (versionMarker != null && !versionMarker.isEmpty() && keyMarker.isEmpty()) {
            return Mono.error(new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "A version-id marker cannot be specified without a key marker."));
        }
        String fromVersion = versionMarker == null || versionMarker.isEmpty() ? null : versionMarker;
        return page(bucket, p, keyMarker, fromVersion, true).map(page -> {
            S3Xml x = S3Xml.document("ListVersionsResult");
            x.element("Name", bucket.name());
            x.element("Prefix", p.enc(p.prefix()));
            x.element("KeyMarker", p.enc(keyMarker));
            x.element("VersionIdMarker", versionMarker == null ? "" : versionMarker);
            if (page.truncated()) {
                ListEntry last = page.entries().get(page.entries().size() - 1);
                x.element("NextKeyMarker", p.enc(last.key()));
                if (!last.commonPrefix()) {
                    x.element("NextVersionIdMarker", last.version().versionId());
                }
            }
            x.element("MaxKeys", p.maxKeys());
            if (!p.delimiter().isEmpty()) {
                x.element("Delimiter", p.enc(p.delimiter()));
            }
            if (p.url()) {
                x.element("EncodingType", "url");
            }
            x.element("IsTruncated", page.truncated());
            for (ListEntry e : page.entries()) {
                if (e.commonPrefix()) {
                    continue;
                }
                ObjectVersion v = e.version();
                x.start(v.deleteMarker() ? "DeleteMarker" : "Version");
                x.element("Key", p.enc(v.key()));
                x.element("VersionId", v.versionId());
                x.element("IsLatest", e.latest());
                x.timestamp("LastModified", v.lastModifiedMillis());
                if (!v.deleteMarker()) {
                    x.element("ETag", quote(v.etag()));
                    x.element("Size", v.size());
                    x.element("StorageClass", v.storageClass());
                }
                owner(x, bucket);
                x.end();
            }
            for (ListEntry e : page.entries()) {
                if (e.commonPrefix()) {
                    x.start("CommonPrefixes").element("Prefix", p.enc(e.key())).end();
                }
            }
            return S3Response.xml(x.toXml());
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static void owner(S3Xml x, BucketInfo bucket) {
        x.start("Owner").element("ID", BucketAccess.ownerId(bucket))
                .element("DisplayName", BucketAccess.ownerName(bucket)).end();
    }

    static String quote(String etag) {
        if (etag == null || etag.isEmpty()) {
            return "";
        }
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    /** Continuation tokens are opaque to clients: base64url of the last key returned. */
    static String encodeToken(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeToken(String token, String resource) {
        try {
            String key = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "The continuation token provided is incorrect");
        }
    }
}
