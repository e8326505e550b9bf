package io.coffer.gateway.s3.object;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.s3.S3Errors;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.gateway.store.WritePipeline;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * DeleteObject and DeleteObjects. Deleting a missing key succeeds (204), as in S3. Without a
 * version id in a versioning-enabled bucket a delete marker is written instead.
 */
@Singleton
public final class ObjectDeleteHandler implements S3Handler {
    static final int MAX_KEYS = 1000;
    private static final int MAX_XML = 2 << 20;

    private final Shard shard;
    private final BucketAccess access;

    public ObjectDeleteHandler(Shard shard, BucketAccess access) {
        this.shard = shard;
        this.access = access;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return req.operation() == S3Operation.DELETE_OBJECTS ? deleteMany(req) : deleteOne(req);
    }

    /** What one delete did: the version removed or the delete marker written. */
    record Outcome(String versionId, boolean deleteMarker) {
    }

    private Mono<S3Response> deleteOne(S3Request req) {
        return access.require(req)
                .flatMap(b -> delete(b, req.key(), req.query("versionId")))
                .map(o -> {
                    S3Response r = S3Response.noContent();
                    if (o.deleteMarker()) {
                        r.header("x-amz-delete-marker", "true");
                    }
                    ObjectHeaders.versionId(r, o.versionId());
                    return r;
                });
    }

    Mono<Outcome> delete(BucketInfo bucket, String key, String versionId) {
        if (versionId != null) {
            return shard.deleteVersion(bucket.name(), key, versionId)
                    .map(v -> new Outcome(versionId, v.map(ObjectVersion::deleteMarker).orElse(false)));
        }
        if (bucket.versioning().isEmpty()) {
            return shard.deleteVersion(bucket.name(), key, ObjectVersion.NULL_VERSION)
                    .map(v -> new Outcome(null, false));
        }
        // versioning enabled or suspended: a delete marker becomes the current version
        boolean enabled = ObjectPutHandler.versioned(bucket);
        return shard.nextGeneration(bucket.name(), 0).flatMap(gen -> {
            String id = enabled ? WritePipeline.versionId(gen) : ObjectVersion.NULL_VERSION;
            ObjectVersion marker = new ObjectVersion(bucket.name(), key, id, gen, true, 0, "",
                    System.currentTimeMillis(), null, List.of(), null);
            return shard.putVersion(marker, PutCondition.NONE, !enabled).thenReturn(new Outcome(id, true));
        });
    }

    private Mono<S3Response> deleteMany(S3Request req) {
        return access.require(req)
                .zipWith(S3XmlReader.readBody(req, MAX_XML).map(b -> S3XmlReader.root(S3XmlReader.parse(b, req.resource()), "Delete", req.resource())))
                .flatMap(t -> {
                    Element root = t.getT2();
                    boolean quiet = "true".equalsIgnoreCase(trim(S3XmlReader.childText(root, "Quiet")));
                    List<Element> objects = S3XmlReader.children(root, "Object");
                    if (objects.isEmpty() || objects.size() > MAX_KEYS) {
                        throw new S3Exception(S3Error.MALFORMED_XML, req.resource());
                    }
                    List<String[]> targets = new ArrayList<>();
                    for (Element o : objects) {
                        String key = S3XmlReader.children(o, "Key").isEmpty() ? null : S3XmlReader.children(o, "Key").get(0).getTextContent();
                        if (key == null) {
                            throw new S3Exception(S3Error.MALFORMED_XML, req.resource());
                        }
                        targets.add(new String[] {key, S3XmlReader.childText(o, "VersionId")});
                    }
                    return Flux.fromIterable(targets)
                            .concatMap(target -> delete(t.getT1(), target[0], target[1])
                                    .map(o -> result(target, o, null))
                                    .onErrorResume(e -> Mono.just(result(target, null, e))))
                            .collectList()
                            .map(results -> {
                                S3Xml xml = S3Xml.document("DeleteResult");
                                for (Result r : results) {
                                    if (r.error() != null) {
                                        xml.start("Error").element("Key", r.key()).element("VersionId", r.versionId())
                                                .element("Code", r.error().error().code())
                                                .element("Message", r.error().clientMessage()).end();
                                    } else if (!quiet) {
                                        xml.start("Deleted").element("Key", r.key()).element("VersionId", r.versionId());
                                        if (r.outcome().deleteMarker()) {
                                            xml.element("DeleteMarker", "true")
                                                    .element("DeleteMarkerVersionId", r.outcome().versionId());
                                        }
                                        xml.end();
                                    }
                                }
                                return S3Response.xml(xml.toXml());
                            });
                });
    }

    private record Result(String key, String versionId, Outcome outcome, S3Exception error) {
    }

    private static Result result(String[] target, Outcome o, Throwable e) {
        S3Exception s3e = e == null ? null
                : e instanceof S3Exception x ? x
                : e instanceof ShardException x ? S3Errors.fromShard(x, target[0])
                : new S3Exception(S3Error.INTERNAL_ERROR, target[0]);
        return new Result(target[0], target[1], o, s3e);
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
