package io.coffer.gateway.s3.acl;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3XmlReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Element;

/**
 * The ACL a request asks for, as clients send it: {@code x-amz-grant-*} headers and
 * {@code AccessControlPolicy} bodies. Grantees come back unresolved (ids unchecked, e-mails as
 * {@link Grantee.Email}); {@link Grantees} resolves them.
 */
public final class AclRequests {
    /** The grant headers in the order S3 and s3-tests list their grants. */
    private static final List<String> HEADERS = List.of("x-amz-grant-read", "x-amz-grant-write",
            "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control");
    private static final List<Permission> PERMISSIONS = List.of(Permission.READ, Permission.WRITE,
            Permission.READ_ACP, Permission.WRITE_ACP, Permission.FULL_CONTROL);
    private static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

    private AclRequests() {
    }

    /** An AccessControlPolicy body: the owner id it names (null when absent) and its grants. */
    public record Policy(String ownerId, List<Grant> grants) {
        public Policy {
            grants = List.copyOf(grants);
        }
    }

    public static boolean hasGrantHeaders(S3Request req) {
        for (String h : HEADERS) {
            if (req.header(h) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The grants of the x-amz-grant-* headers, or null when there are none. A canned x-amz-acl with
     * them is InvalidRequest (S3 takes one or the other); a grantee it cannot read is InvalidArgument.
     */
    public static List<Grant> grantHeaders(S3Request req) {
        if (!hasGrantHeaders(req)) {
            return null;
        }
        if (req.header("x-amz-acl") != null) {
            throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                    "Specifying both Canned ACLs and Header Grants is not allowed");
        }
        List<Grant> grants = new ArrayList<>();
        for (int i = 0; i < HEADERS.size(); i++) {
            for (String value : req.headers().getAll(HEADERS.get(i))) {
                for (String item : value.split(",")) {
                    if (!item.isBlank()) {
                        grants.add(new Grant(headerGrantee(item.trim(), req.resource()), PERMISSIONS.get(i)));
                    }
                }
            }
        }
        return grants;
    }

    /** {@code id="..."}, {@code uri="..."} or {@code emailAddress="..."}. */
    private static Grantee headerGrantee(String item, String resource) {
        int eq = item.indexOf('=');
        if (eq <= 0) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid grant: " + item);
        }
        String type = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = item.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty()) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid grant: " + item);
        }
        return switch (type) {
            case "id" -> new Grantee.CanonicalUser(value);
            case "uri" -> group(value, resource);
            case "emailaddress" -> new Grantee.Email(value);
            default -> throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid grantee type: " + type);
        };
    }

    private static Grantee group(String uri, String resource) {
        if (!Grantee.Group.known(uri)) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid group uri");
        }
        return new Grantee.Group(uri);
    }

    /** Parses an AccessControlPolicy document; a grant without grantee or permission is MalformedACLError. */
    public static Policy policy(byte[] body, String resource) {
        Element root = S3XmlReader.parse(body, resource).getDocumentElement();
        String rootName = root == null ? null : root.getLocalName() != null ? root.getLocalName() : root.getTagName();
        if (!"AccessControlPolicy".equals(rootName)) {
            throw new S3Exception(S3Error.MALFORMED_ACL, resource);
        }
        String ownerId = null;
        List<Element> owners = S3XmlReader.children(root, "Owner");
        if (!owners.isEmpty()) {
            ownerId = S3XmlReader.childText(owners.get(0), "ID");
        }
        List<Grant> grants = new ArrayList<>();
        for (Element list : S3XmlReader.children(root, "AccessControlList")) {
            for (Element grant : S3XmlReader.children(list, "Grant")) {
                List<Element> grantees = S3XmlReader.children(grant, "Grantee");
                if (grantees.size() != 1) {
                    throw new S3Exception(S3Error.MALFORMED_ACL, resource);
                }
                Permission p = Permission.parse(S3XmlReader.childText(grant, "Permission"), resource);
                grants.add(new Grant(xmlGrantee(grantees.get(0), resource), p));
            }
        }
        return new Policy(ownerId, grants);
    }

    private static Grantee xmlGrantee(Element e, String resource) {
        String type = e.getAttributeNS(XSI_NS, "type");
        if (type == null || type.isEmpty()) {
            type = e.getAttribute("xsi:type");
        }
        String id = S3XmlReader.childText(e, "ID");
        String uri = S3XmlReader.childText(e, "URI");
        String email = S3XmlReader.childText(e, "EmailAddress");
        if ("Group".equals(type) || type.isEmpty() && uri != null) {
            if (uri == null || uri.isEmpty()) {
                throw new S3Exception(S3Error.MALFORMED_ACL, resource);
            }
            return group(uri, resource);
        }
        if ("AmazonCustomerByEmail".equals(type) || type.isEmpty() && email != null) {
            if (email == null || email.isEmpty()) {
                throw new S3Exception(S3Error.MALFORMED_ACL, resource);
            }
            return new Grantee.Email(email);
        }
        if ("CanonicalUser".equals(type) || type.isEmpty() && id != null) {
            if (id == null || id.isEmpty()) {
                throw new S3Exception(S3Error.MALFORMED_ACL, resource);
            }
            return new Grantee.CanonicalUser(id);
        }
        throw new S3Exception(S3Error.MALFORMED_ACL, resource);
    }
}
