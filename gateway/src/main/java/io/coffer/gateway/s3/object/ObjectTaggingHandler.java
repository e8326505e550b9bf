package io.coffer.gateway.s3.object;

import io.coffer.crypto.manifest.Manifest;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import java.util.List;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.StoredObject;
import io.coffer.gateway.store.WritePipeline;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.w3c.dom.Element;
import reactor.core.publisher.Mono;

/**
 * Get/Put/DeleteObjectTagging. Tags live in the signed manifest, so changing them re-signs the
 * manifest around the same sectors, committed only if the object did not change meanwhile.
 */
@Singleton
public final class ObjectTaggingHandler implements S3Handler {
    private final ReadPipeline reader;
    private final WritePipeline writer;
    private final ObjectGetHandler objects;

    public ObjectTaggingHandler(ReadPipeline reader, WritePipeline writer, ObjectGetHandler objects) {
        this.reader = reader;
        this.writer = writer;
        this.objects = objects;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return switch (req.operation()) {
            case GET_OBJECT_TAGGING -> objects.open(req, req.query("versionId")).map(obj -> {
                S3Xml xml = S3Xml.document("Tagging").start("TagSet");
                // S3 answers tags in key order (the manifest's map has none)
                for (Map.Entry<String, String> e : new java.util.TreeMap<>(obj.manifest().tags()).entrySet()) {
                    xml.start("Tag").element("Key", e.getKey()).element("Value", e.getValue()).end();
                }
                return ObjectHeaders.versionId(S3Response.xml(xml.toXml()), obj.versionId());
            });
            case PUT_OBJECT_TAGGING -> S3XmlReader.readBody(req, 64 * 1024)
                    .map(b -> parse(S3XmlReader.root(S3XmlReader.parse(b, req.resource()), "Tagging", req.resource()), req.resource()))
                    .flatMap(tags -> rewrite(req, tags))
                    .map(obj -> ObjectHeaders.versionId(S3Response.ok(), obj.versionId()));
            case DELETE_OBJECT_TAGGING -> rewrite(req, Map.of())
                    .map(obj -> ObjectHeaders.versionId(S3Response.noContent(), obj.versionId()));
            default -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
        };
    }

    private Mono<StoredObject> rewrite(S3Request req, Map<String, String> tags) {
        return objects.open(req, req.query("versionId")).flatMap(obj -> {
            Manifest.Builder b = obj.manifest().toBuilder().tags(tags);
            return writer.rewrite(b, obj.version());
        });
    }

    static Map<String, String> parse(Element root, String resource) {
        List<Element> sets = S3XmlReader.children(root, "TagSet");
        if (sets.isEmpty()) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        Element set = sets.get(0);
        Map<String, String> tags = new LinkedHashMap<>();
        for (Element tag : S3XmlReader.children(set, "Tag")) {
            String k = rawText(tag, "Key");
            String v = rawText(tag, "Value");
            if (k == null || v == null) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            if (tags.put(k, v) != null) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "Cannot provide multiple Tags with the same key");
            }
        }
        Tags.validate(tags, resource);
        return tags;
    }

    /** Untrimmed text of a child: tag keys and values may begin or end with spaces. */
    static String rawText(Element parent, String name) {
        List<Element> c = S3XmlReader.children(parent, name);
        return c.isEmpty() ? null : c.get(0).getTextContent();
    }

}
