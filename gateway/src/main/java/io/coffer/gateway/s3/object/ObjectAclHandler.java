package io.coffer.gateway.s3.object;

import io.coffer.crypto.manifest.Manifest;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import java.util.List;
import io.coffer.gateway.store.ReadPipeline;
import io.coffer.gateway.store.StoredObject;
import io.coffer.gateway.store.WritePipeline;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.w3c.dom.Element;
import reactor.core.publisher.Mono;

/**
 * Get/PutObjectAcl as far as clients use them: the owner always has FULL_CONTROL, and a canned ACL
 * (x-amz-acl, or an AccessControlPolicy that amounts to one) is stored in the signed manifest and
 * answered back. Coffer does not grant access by ACL: requests are authorised per user.
 */
@Singleton
public final class ObjectAclHandler implements S3Handler {
    private static final String XSI = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    private static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    private final WritePipeline writer;
    private final ObjectGetHandler objects;

    public ObjectAclHandler(ReadPipeline reader, WritePipeline writer, ObjectGetHandler objects) {
        this.writer = writer;
        this.objects = objects;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        if (req.operation() == S3Operation.GET_OBJECT_ACL) {
            return objects.open(req, req.query("versionId"))
                    .map(obj -> ObjectHeaders.versionId(S3Response.xml(policy(req, obj)), obj.versionId()));
        }
        String canned = ObjectHeaders.cannedAcl(req);
        Mono<String> acl = canned != null ? Mono.just(canned)
                : S3XmlReader.readBody(req, 64 * 1024).map(b -> cannedFrom(S3XmlReader.parse(b, req.resource()).getDocumentElement(), req.resource()));
        return acl.flatMap(a -> objects.open(req, req.query("versionId")).flatMap(obj -> {
            Map<String, String> headers = new HashMap<>(obj.manifest().headers());
            headers.put(ObjectHeaders.ACL, a);
            return writer.rewrite(obj.manifest().toBuilder().headers(headers), obj.version());
        })).map(obj -> ObjectHeaders.versionId(S3Response.ok(), obj.versionId()));
    }

    private static String policy(S3Request req, StoredObject obj) {
        Manifest m = obj.manifest();
        String ownerId = m.headers().getOrDefault(ObjectHeaders.OWNER_ID, req.user() == null ? "" : req.user().id());
        String ownerName = m.headers().getOrDefault(ObjectHeaders.OWNER_NAME,
                req.user() == null ? "" : req.user().displayName());
        String acl = m.headers().getOrDefault(ObjectHeaders.ACL, "private");
        S3Xml xml = S3Xml.document("AccessControlPolicy")
                .start("Owner").element("ID", ownerId).element("DisplayName", ownerName).end()
                .start("AccessControlList");
        xml.start("Grant").start("Grantee", XSI + " xsi:type=\"CanonicalUser\"")
                .element("ID", ownerId).element("DisplayName", ownerName).end()
                .element("Permission", "FULL_CONTROL").end();
        switch (acl) {
            case "public-read" -> group(xml, ALL_USERS, "READ");
            case "public-read-write" -> {
                group(xml, ALL_USERS, "READ");
                group(xml, ALL_USERS, "WRITE");
            }
            case "authenticated-read" -> group(xml, AUTHENTICATED_USERS, "READ");
            default -> { }
        }
        return xml.toXml();
    }

    private static void group(S3Xml xml, String uri, String permission) {
        xml.start("Grant").start("Grantee", XSI + " xsi:type=\"Group\"").element("URI", uri).end()
                .element("Permission", permission).end();
    }

    /** The canned ACL an AccessControlPolicy document amounts to. */
    static String cannedFrom(Element root, String resource) {
        if (root == null || !"AccessControlPolicy".equals(root.getLocalName() != null ? root.getLocalName() : root.getTagName())
                || S3XmlReader.children(root, "AccessControlList").isEmpty()) {
            throw new S3Exception(S3Error.MALFORMED_ACL, resource);
        }
        Element list = S3XmlReader.children(root, "AccessControlList").get(0);
        boolean allRead = false;
        boolean allWrite = false;
        boolean authRead = false;
        for (Element grant : S3XmlReader.children(list, "Grant")) {
            List<Element> grantees = S3XmlReader.children(grant, "Grantee");
            Element grantee = grantees.isEmpty() ? null : grantees.get(0);
            String permission = S3XmlReader.childText(grant, "Permission");
            if (grantee == null || permission == null) {
                throw new S3Exception(S3Error.MALFORMED_ACL, resource);
            }
            String uri = S3XmlReader.childText(grantee, "URI");
            if (ALL_USERS.equals(uri)) {
                allRead |= permission.equals("READ");
                allWrite |= permission.equals("WRITE");
            } else if (AUTHENTICATED_USERS.equals(uri)) {
                authRead |= permission.equals("READ");
            }
        }
        if (allRead && allWrite) {
            return "public-read-write";
        }
        if (allRead) {
            return "public-read";
        }
        return authRead ? "authenticated-read" : "private";
    }
}
