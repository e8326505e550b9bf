package io.coffer.gateway.s3.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetBucketAclResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Type;

class BucketOperationsTest extends GatewayTestBase {

    @ParameterizedTest
    @MethodSource("clientModes")
    void createHeadListDeleteBucket(Named mode) {
        S3Client s3 = client(mode);
        String name = newBucketName("life");
        s3.createBucket(b -> b.bucket(name));

        HeadBucketResponse head = s3.headBucket(b -> b.bucket(name));
        assertEquals(REGION, head.bucketRegion());

        ListBucketsResponse list = s3.listBuckets();
        assertTrue(list.buckets().stream().anyMatch(b -> b.name().equals(name)));
        assertEquals("root", list.owner().displayName());
        assertEquals(64, list.owner().id().length());
        assertNotNull(list.buckets().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow().creationDate());

        s3.deleteBucket(b -> b.bucket(name));
        assertThrows(NoSuchBucketException.class, () -> s3.headBucket(b -> b.bucket(name)));
        assertFalse(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(name)));
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void createExistingOwnBucketAgainIs200InUsEast1AndKeepsObjects(Named mode) {
        // us-east-1 answers a repeated CreateBucket by the owner with 200 (other regions:
        // BucketAlreadyOwnedByYou, see AclEnforcementTest); nothing in the bucket changes
        S3Client s3 = client(mode);
        String name = newBucketName("twice");
        s3.createBucket(b -> b.bucket(name));
        s3.putObject(b -> b.bucket(name).key("kept"), software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        s3.createBucket(b -> b.bucket(name));
        assertEquals(1, s3.listObjectsV2(b -> b.bucket(name)).keyCount());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void createExistingOwnBucketWithAnotherAclIsBucketAlreadyExists409(Named mode) {
        S3Client s3 = client(mode);
        String name = newBucketName("twice-acl");
        s3.createBucket(b -> b.bucket(name));
        S3Exception e = assertThrows(S3Exception.class,
                () -> s3.createBucket(b -> b.bucket(name).acl(BucketCannedACL.PUBLIC_READ)));
        assertEquals(409, e.statusCode());
        assertEquals("BucketAlreadyExists", e.awsErrorDetails().errorCode());
        assertNotNull(e.requestId());
        assertEquals(1, s3.getBucketAcl(b -> b.bucket(name)).grants().size());
    }

    @Test
    void invalidBucketNamesAreInvalidBucketName400() throws Exception {
        // the SDK refuses these names itself, so they go out as raw signed requests
        for (String bad : List.of("ab", "a".repeat(64), "bad_name", "-start", "end-", "two..dots", "192.168.1.1",
                "xn--punycode", "UpperCase", "dot.-dash")) {
            RawResponse r = raw("PUT", "/" + bad, signedHeaders("PUT", "/" + bad, Map.of()), new byte[0]);
            assertEquals(400, r.status(), bad);
            assertTrue(r.bodyText().contains("<Code>InvalidBucketName</Code>"), r.bodyText());
            assertTrue(r.bodyText().contains("<Resource>/" + bad + "</Resource>"), r.bodyText());
            assertNotNull(r.header("x-amz-request-id"));
            assertTrue(r.bodyText().contains("<RequestId>" + r.header("x-amz-request-id") + "</RequestId>"));
        }
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void missingBucketIsNoSuchBucket404(Named mode) {
        S3Client s3 = client(mode);
        String name = newBucketName("missing");
        NoSuchBucketException del = assertThrows(NoSuchBucketException.class, () -> s3.deleteBucket(b -> b.bucket(name)));
        assertEquals(404, del.statusCode());
        assertThrows(NoSuchBucketException.class, () -> s3.getBucketLocation(b -> b.bucket(name)));
        assertThrows(NoSuchBucketException.class, () -> s3.listObjectsV2(b -> b.bucket(name)));
        S3Exception head = assertThrows(S3Exception.class, () -> s3.headBucket(b -> b.bucket(name)));
        assertEquals(404, head.statusCode());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void locationConstraintOfThisRegionIsAcceptedAndOthersRefused(Named mode) {
        S3Client s3 = client(mode);
        String name = newBucketName("loc");
        s3.createBucket(b -> b.bucket(name));
        // us-east-1 answers an empty LocationConstraint, which the SDK reports as null/empty
        String location = s3.getBucketLocation(b -> b.bucket(name)).locationConstraintAsString();
        assertTrue(location == null || location.isEmpty(), location);

        String other = newBucketName("loc");
        S3Exception e = assertThrows(S3Exception.class, () -> s3.createBucket(b -> b.bucket(other)
                .createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.EU_WEST_1))));
        assertEquals(400, e.statusCode());
        assertEquals("IllegalLocationConstraintException", e.awsErrorDetails().errorCode());
        assertThrows(NoSuchBucketException.class, () -> s3.headBucket(b -> b.bucket(other)));

        S3Exception bad = assertThrows(S3Exception.class, () -> s3.createBucket(b -> b.bucket(other)
                .createBucketConfiguration(c -> c.locationConstraint("not a region"))));
        assertEquals("InvalidLocationConstraint", bad.awsErrorDetails().errorCode());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void versioningIsEmptyThenSuspendedAndEnabledIsNotImplemented(Named mode) {
        S3Client s3 = client(mode);
        String name = newBucketName("ver");
        s3.createBucket(b -> b.bucket(name));
        GetBucketVersioning: {
            GetBucketVersioningResponse v = s3.getBucketVersioning(b -> b.bucket(name));
            assertNull(v.status());
        }
        s3.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(c -> c.status(BucketVersioningStatus.SUSPENDED)));
        assertEquals(BucketVersioningStatus.SUSPENDED, s3.getBucketVersioning(b -> b.bucket(name)).status());
        S3Exception e = assertThrows(S3Exception.class, () -> s3.putBucketVersioning(b -> b.bucket(name)
                .versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED))));
        assertEquals(501, e.statusCode());
        assertEquals("NotImplemented", e.awsErrorDetails().errorCode());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void cannedAclsAreStoredAndAnswered(Named mode) {
        S3Client s3 = client(mode);
        String name = newBucketName("acl");
        s3.createBucket(b -> b.bucket(name).acl(BucketCannedACL.PUBLIC_READ));
        GetBucketAclResponse acl = s3.getBucketAcl(b -> b.bucket(name));
        assertEquals(2, acl.grants().size());
        // group grants come first (the order s3-tests compare), then users
        Grant owner = acl.grants().get(1);
        assertEquals(Type.CANONICAL_USER, owner.grantee().type());
        assertEquals(acl.owner().id(), owner.grantee().id());
        assertEquals(Permission.FULL_CONTROL, owner.permission());
        assertEquals(Type.GROUP, acl.grants().get(0).grantee().type());
        assertEquals("http://acs.amazonaws.com/groups/global/AllUsers", acl.grants().get(0).grantee().uri());
        assertEquals(Permission.READ, acl.grants().get(0).permission());

        s3.putBucketAcl(b -> b.bucket(name).acl(BucketCannedACL.PRIVATE));
        assertEquals(1, s3.getBucketAcl(b -> b.bucket(name)).grants().size());

        // the same policy written out as a document is accepted too
        String ownerId = acl.owner().id();
        s3.putBucketAcl(b -> b.bucket(name).accessControlPolicy(p -> p.owner(acl.owner()).grants(acl.grants())));
        assertEquals(2, s3.getBucketAcl(b -> b.bucket(name)).grants().size());
        assertEquals(ownerId, s3.getBucketAcl(b -> b.bucket(name)).owner().id());
    }

    @Test
    void grantToUnknownUserIsInvalidArgument400() {
        S3Client s3 = rootClient();
        String name = newBucketName("grant");
        s3.createBucket(b -> b.bucket(name));
        S3Exception e = assertThrows(S3Exception.class, () -> s3.putBucketAcl(b -> b.bucket(name)
                .grantRead("id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")));
        assertEquals(400, e.statusCode());
        assertEquals("InvalidArgument", e.awsErrorDetails().errorCode());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void unsupportedSubresourceIsNotImplemented501(Named mode) {
        S3Client s3 = client(mode);
        String name = newBucketName("ni");
        s3.createBucket(b -> b.bucket(name));
        S3Exception e = assertThrows(S3Exception.class, () -> s3.getBucketWebsite(b -> b.bucket(name)));
        assertEquals(501, e.statusCode());
        assertEquals("NotImplemented", e.awsErrorDetails().errorCode());
        S3Exception replication = assertThrows(S3Exception.class, () -> s3.getBucketReplication(b -> b.bucket(name)));
        assertEquals("NotImplemented", replication.awsErrorDetails().errorCode());
    }

    @Test
    void listBucketsPaginatesWithMaxBuckets() {
        S3Client s3 = rootClient();
        String prefix = newBucketName("page");
        for (int i = 0; i < 3; i++) {
            String n = prefix + "-" + i;
            s3.createBucket(b -> b.bucket(n));
        }
        ListBucketsResponse first = s3.listBuckets(b -> b.prefix(prefix).maxBuckets(2));
        assertEquals(List.of(prefix + "-0", prefix + "-1"), first.buckets().stream().map(b -> b.name()).toList());
        assertNotNull(first.continuationToken());
        ListBucketsResponse second = s3.listBuckets(b -> b.prefix(prefix).maxBuckets(2)
                .continuationToken(first.continuationToken()));
        assertEquals(List.of(prefix + "-2"), second.buckets().stream().map(b -> b.name()).toList());
        assertNull(second.continuationToken());
    }

    @Test
    void deleteBucketWithOnlyUnfinishedUploadsDropsThem() {
        // s3-tests' cleanup deletes every version then the bucket, leaving open uploads behind
        S3Client s3 = rootClient();
        String name = newBucketName("uploads");
        s3.createBucket(b -> b.bucket(name));
        String first = s3.createMultipartUpload(b -> b.bucket(name).key("a")).uploadId();
        s3.uploadPart(b -> b.bucket(name).key("a").uploadId(first).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        s3.createMultipartUpload(b -> b.bucket(name).key("b"));

        s3.deleteBucket(b -> b.bucket(name));

        assertThrows(NoSuchBucketException.class, () -> s3.headBucket(b -> b.bucket(name)));
        s3.createBucket(b -> b.bucket(name));
        assertTrue(s3.listMultipartUploads(b -> b.bucket(name)).uploads().isEmpty());
    }

    @Test
    void deleteBucketWithObjectIsNotEmptyAndKeepsItsUploads() {
        S3Client s3 = rootClient();
        String name = newBucketName("full");
        s3.createBucket(b -> b.bucket(name));
        s3.putObject(b -> b.bucket(name).key("k"), software.amazon.awssdk.core.sync.RequestBody.fromString("v"));
        String upload = s3.createMultipartUpload(b -> b.bucket(name).key("u")).uploadId();

        S3Exception e = assertThrows(S3Exception.class, () -> s3.deleteBucket(b -> b.bucket(name)));
        assertEquals(409, e.statusCode());
        assertEquals("BucketNotEmpty", e.awsErrorDetails().errorCode());
        assertEquals(List.of(upload), s3.listMultipartUploads(b -> b.bucket(name)).uploads().stream()
                .map(u -> u.uploadId()).toList());
    }
}
