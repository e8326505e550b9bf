package io.coffer.gateway.s3.object;

import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.Part;
import io.coffer.gateway.checksum.ChecksumAlgorithm;
import io.coffer.gateway.checksum.PartChecksums;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.store.ReadPipeline;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/** GetObjectAttributes: the attributes named in x-amz-object-attributes, from the verified manifest. */
@Singleton
public final class ObjectAttributesHandler implements S3Handler {
    private static final Set<String> KNOWN = Set.of("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize");

    private final ReadPipeline reader;
    private final ObjectGetHandler objects;

    public ObjectAttributesHandler(ReadPipeline reader, ObjectGetHandler objects) {
        this.reader = reader;
        this.objects = objects;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return Mono.defer(() -> {
            Set<String> wanted = new HashSet<>();
            for (String h : req.headers().getAll("x-amz-object-attributes")) {
                for (String a : h.split(",")) {
                    String name = a.trim();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!KNOWN.contains(name)) {
                        throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Invalid attribute name specified.");
                    }
                    wanted.add(name);
                }
            }
            if (wanted.isEmpty()) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                        "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
            }
            int maxParts = intQuery(req, "x-amz-max-parts", req.header("x-amz-max-parts"), 1000);
            int marker = intQuery(req, "x-amz-part-number-marker", req.header("x-amz-part-number-marker"), 0);
            var sseC = ObjectHeaders.sseC(req, "x-amz-");
            return objects.open(req, req.query("versionId")).map(obj -> {
                reader.checkKey(obj, sseC);
                Manifest m = obj.manifest();
                S3Xml xml = S3Xml.document("GetObjectAttributesResponse");
                if (wanted.contains("ETag")) {
                    xml.element("ETag", m.etag());
                }
                Optional<ChecksumAlgorithm> algorithm = PartChecksums.algorithm(m.checksums());
                if (wanted.contains("Checksum") && algorithm.isPresent()) {
                    String value = m.checksums().get(algorithm.get().name());
                    xml.start("Checksum")
                            .element("Checksum" + algorithm.get().name(), value)
                            .element("ChecksumType", PartChecksums.type(value))
                            .end();
                }
                if (wanted.contains("ObjectParts") && obj.multipart()) {
                    xml.start("ObjectParts").element("PartsCount", m.parts().size());
                    xml.element("PartNumberMarker", marker);
                    int shown = 0;
                    int last = marker;
                    boolean truncated = false;
                    for (Part p : m.parts()) {
                        if (p.partNumber() <= marker) {
                            continue;
                        }
                        if (shown == maxParts) {
                            truncated = true;
                            break;
                        }
                        xml.start("Part").element("PartNumber", p.partNumber()).element("Size", p.plaintextSize());
                        Optional<String> sum = PartChecksums.of(m.checksums(), p.partNumber());
                        if (algorithm.isPresent() && sum.isPresent()) {
                            xml.element("Checksum" + algorithm.get().name(), sum.get());
                        }
                        xml.end();
                        last = p.partNumber();
                        shown++;
                    }
                    xml.element("NextPartNumberMarker", last).element("MaxParts", maxParts)
                            .element("IsTruncated", truncated).end();
                }
                if (wanted.contains("StorageClass")) {
                    xml.element("StorageClass", m.headers().getOrDefault("x-amz-storage-class", "STANDARD"));
                }
                if (wanted.contains("ObjectSize")) {
                    xml.element("ObjectSize", m.size());
                }
                S3Response r = S3Response.xml(xml.toXml()).lastModified(m.lastModifiedMillis());
                return ObjectHeaders.versionId(r, m.versionId());
            });
        });
    }

    private static int intQuery(S3Request req, String name, String value, int dflt) {
        if (value == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Invalid " + name);
    }
}
