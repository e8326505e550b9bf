package io.coffer.gateway.s3.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.user.User;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessControlListTest {
    private static final String OWNER = "a".repeat(64);
    private static final String OTHER = "b".repeat(64);
    private static final User OWNER_USER = new User(OWNER, "alice", "AK1", false);
    private static final User OTHER_USER = new User(OTHER, "bob", "AK2", false);

    @Test
    void cannedAclsExpandToS3Grants() {
        assertEquals(List.of(Grant.user(OWNER, Permission.FULL_CONTROL)), CannedAcl.PRIVATE.grants(OWNER, OWNER));
        assertEquals(3, CannedAcl.PUBLIC_READ_WRITE.grants(OWNER, OWNER).size());
        assertEquals(List.of(Grant.user(OWNER, Permission.FULL_CONTROL), Grant.user(OTHER, Permission.READ)),
                CannedAcl.BUCKET_OWNER_READ.grants(OWNER, OTHER));
        // on the bucket owner's own object bucket-owner-full-control is just private
        assertEquals(1, CannedAcl.BUCKET_OWNER_FULL_CONTROL.grants(OWNER, OWNER).size());
    }

    @Test
    void allUsersIncludesAnonymousAndAuthenticatedUsersDoesNot() {
        AccessControlList pub = new AccessControlList(OWNER, "alice", CannedAcl.PUBLIC_READ.grants(OWNER, OWNER));
        assertTrue(pub.allows(User.ANONYMOUS, Permission.READ));
        assertFalse(pub.allows(User.ANONYMOUS, Permission.WRITE));
        AccessControlList auth = new AccessControlList(OWNER, "alice", CannedAcl.AUTHENTICATED_READ.grants(OWNER, OWNER));
        assertTrue(auth.allows(OTHER_USER, Permission.READ));
        assertFalse(auth.allows(User.ANONYMOUS, Permission.READ));
        assertTrue(User.ANONYMOUS.anonymous());
        assertFalse(OTHER_USER.anonymous());
    }

    @Test
    void fullControlCoversEverythingAndOwnerAlwaysKeepsAclAccess() {
        AccessControlList acl = new AccessControlList(OWNER, "alice", List.of(Grant.user(OTHER, Permission.FULL_CONTROL)));
        for (Permission p : Permission.values()) {
            assertTrue(acl.allows(OTHER_USER, p), p.name());
        }
        assertFalse(acl.allows(OWNER_USER, Permission.READ));
        assertTrue(acl.allows(OWNER_USER, Permission.READ_ACP));
        assertTrue(acl.allows(OWNER_USER, Permission.WRITE_ACP));
        assertTrue(acl.grantsOthers());
        assertFalse(AccessControlList.ownerOnly(OWNER, "alice").grantsOthers());
    }

    @Test
    void encodeThenDecodeReturnsSameGrants() {
        List<Grant> grants = List.of(Grant.user(OWNER, Permission.FULL_CONTROL),
                Grant.group(Grantee.ALL_USERS, Permission.READ), Grant.user(OTHER, Permission.WRITE_ACP));
        assertEquals(grants, AccessControlList.decode(AccessControlList.encode(grants)));
        assertEquals(List.of(), AccessControlList.decode(""));
        // entries a later version might write are skipped, not misread
        assertEquals(List.of(Grant.user(OTHER, Permission.READ)),
                AccessControlList.decode("READ=u:" + OTHER + " SOMETHING=u:x READ=x:y READ=g:http://example.com/g"));
    }

    @Test
    void xmlListsGroupGrantsFirst() {
        AccessControlList acl = new AccessControlList(OWNER, "alice", CannedAcl.PUBLIC_READ.grants(OWNER, OWNER));
        String xml = acl.toXml(id -> "x");
        assertTrue(xml.indexOf("AllUsers") < xml.indexOf("<ID>" + OWNER + "</ID><DisplayName>alice</DisplayName></Grantee>"), xml);
    }

    @Test
    void policyDocumentIsParsedWithEveryGranteeKind() {
        String body = "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" + OWNER
                + "</ID></Owner><AccessControlList>"
                + "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>"
                + OTHER + "</ID></Grantee><Permission>READ</Permission></Grant>"
                + "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>"
                + Grantee.AUTHENTICATED_USERS + "</URI></Grantee><Permission>WRITE</Permission></Grant>"
                + "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"AmazonCustomerByEmail\">"
                + "<EmailAddress>x@example.com</EmailAddress></Grantee><Permission>READ_ACP</Permission></Grant>"
                + "</AccessControlList></AccessControlPolicy>";
        AclRequests.Policy p = AclRequests.policy(body.getBytes(StandardCharsets.UTF_8), "/b");
        assertEquals(OWNER, p.ownerId());
        assertEquals(List.of(Grant.user(OTHER, Permission.READ), Grant.group(Grantee.AUTHENTICATED_USERS, Permission.WRITE),
                new Grant(new Grantee.Email("x@example.com"), Permission.READ_ACP)), p.grants());
    }

    @Test
    void badPolicyDocumentsAreMalformedAcl() {
        S3Exception noPermission = assertThrows(S3Exception.class, () -> AclRequests.policy(
                ("<AccessControlPolicy><AccessControlList><Grant><Grantee><ID>" + OTHER
                        + "</ID></Grantee></Grant></AccessControlList></AccessControlPolicy>").getBytes(StandardCharsets.UTF_8), "/b"));
        assertEquals("MalformedACLError", noPermission.error().code());
        S3Exception wrongRoot = assertThrows(S3Exception.class,
                () -> AclRequests.policy("<Other/>".getBytes(StandardCharsets.UTF_8), "/b"));
        assertEquals("MalformedACLError", wrongRoot.error().code());
        S3Exception badGroup = assertThrows(S3Exception.class, () -> AclRequests.policy(
                ("<AccessControlPolicy><AccessControlList><Grant><Grantee><URI>http://example.com/nope</URI></Grantee>"
                        + "<Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>")
                        .getBytes(StandardCharsets.UTF_8), "/b"));
        assertEquals("InvalidArgument", badGroup.error().code());
    }
}
