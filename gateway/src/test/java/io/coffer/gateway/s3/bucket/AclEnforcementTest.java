package io.coffer.gateway.s3.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * ACL enforcement through the real AWS SDK v2: root, two ordinary users created through the admin
 * API (alice owns the buckets, bob is the other user) and an anonymous (unsigned) client. Each test
 * checks what is allowed and, as important, what is refused with S3's exact code.
 */
class AclEnforcementTest extends GatewayTestBase {
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    private static final String ANONYMOUS_ID = "65a011a29cdf8ec533ec3d1ccaae921c";

    private S3Client root;
    private S3Client alice;
    private S3Client bob;
    private S3Client anonymous;
    private String aliceId;
    private String bobId;

    @BeforeAll
    void users() throws Exception {
        root = rootClient();
        String[] a = createUser("alice");
        String[] b = createUser("bob");
        aliceId = a[0];
        bobId = b[0];
        alice = client(true, true, a[1], a[2]);
        bob = client(true, true, b[1], b[2]);
        anonymous = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + s3Port))
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(30)))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
    }

    /** id, access key, secret key of a new user. */
    private String[] createUser(String name) throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString(
                (ROOT_ACCESS + ":" + ROOT_SECRET).getBytes(StandardCharsets.UTF_8));
        RawResponse r = management("POST", "/admin/users",
                Map.of("Authorization", auth, "Content-Type", "application/json"),
                ("{\"displayName\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.status(), r.bodyText());
        return new String[] {field(r.bodyText(), "id"), field(r.bodyText(), "accessKey"), field(r.bodyText(), "secretKey")};
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    private static void assertS3Error(int status, String code, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(status, e.statusCode(), e.getMessage());
        if (code != null) {
            assertEquals(code, e.awsErrorDetails().errorCode());
        }
    }

    private static void assertDenied(Executable call) {
        assertS3Error(403, "AccessDenied", call);
    }

    private String aliceBucket(String hint, BucketCannedACL acl) {
        String name = newBucketName(hint);
        alice.createBucket(b -> b.bucket(name).acl(acl));
        return name;
    }

    private static void put(S3Client s3, String bucket, String key, String body) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }

    private static String get(S3Client s3, String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    // ---- private is private ----------------------------------------------------------------------

    @Test
    void otherUserIsDeniedEverythingOnPrivateBucket() {
        String bucket = aliceBucket("private", BucketCannedACL.PRIVATE);
        put(alice, bucket, "k", "v");
        assertDenied(() -> bob.listObjectsV2(b -> b.bucket(bucket)));
        assertS3Error(403, null, () -> bob.headBucket(b -> b.bucket(bucket))); // HEAD: no body, no code
        assertDenied(() -> get(bob, bucket, "k"));
        assertDenied(() -> put(bob, bucket, "k", "overwrite"));
        assertDenied(() -> put(bob, bucket, "new", "x"));
        assertDenied(() -> bob.deleteObject(b -> b.bucket(bucket).key("k")));
        assertDenied(() -> bob.getBucketAcl(b -> b.bucket(bucket)));
        assertDenied(() -> bob.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ_WRITE)));
        assertDenied(() -> bob.getObjectAcl(b -> b.bucket(bucket).key("k")));
        assertDenied(() -> bob.deleteBucket(b -> b.bucket(bucket)));
        assertDenied(() -> bob.getBucketLocation(b -> b.bucket(bucket)));
        // a missing key is not revealed to someone who may not list the bucket
        assertDenied(() -> get(bob, bucket, "missing"));
        assertEquals("v", get(alice, bucket, "k"));
    }

    @Test
    void rootKeepsFullAccessToEveryonesBuckets() {
        String bucket = aliceBucket("root", BucketCannedACL.PRIVATE);
        put(alice, bucket, "k", "v");
        assertEquals("v", get(root, bucket, "k"));
        put(root, bucket, "r", "w");
        assertEquals(2, root.listObjectsV2(b -> b.bucket(bucket)).keyCount());
        root.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE));
        root.deleteObject(b -> b.bucket(bucket).key("r"));
    }

    // ---- anonymous -------------------------------------------------------------------------------

    @Test
    void anonymousReadsPublicReadObjectEvenInPrivateBucket() {
        String bucket = aliceBucket("anon-obj", BucketCannedACL.PRIVATE);
        alice.putObject(b -> b.bucket(bucket).key("pub").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("hi"));
        put(alice, bucket, "priv", "secret");
        assertEquals("hi", get(anonymous, bucket, "pub"));
        assertEquals(2, anonymous.headObject(b -> b.bucket(bucket).key("pub")).contentLength());
        assertDenied(() -> get(anonymous, bucket, "priv"));
        assertDenied(() -> anonymous.listObjects(b -> b.bucket(bucket)));
        // without bucket READ a missing key is AccessDenied, not NoSuchKey
        assertDenied(() -> get(anonymous, bucket, "missing"));
        assertDenied(() -> anonymous.getObjectAcl(b -> b.bucket(bucket).key("pub")));
    }

    @Test
    void anonymousListsPublicReadBucketButMayNotWrite() {
        String bucket = aliceBucket("anon-list", BucketCannedACL.PUBLIC_READ);
        put(alice, bucket, "k", "v");
        assertEquals(1, anonymous.listObjects(b -> b.bucket(bucket)).contents().size());
        assertEquals(1, anonymous.listObjectsV2(b -> b.bucket(bucket)).keyCount());
        anonymous.headBucket(b -> b.bucket(bucket));
        assertS3Error(404, "NoSuchKey", () -> get(anonymous, bucket, "missing"));
        // the object itself is private: listing the bucket does not let anyone read it
        assertDenied(() -> get(anonymous, bucket, "k"));
        assertDenied(() -> put(anonymous, bucket, "new", "x"));
        assertDenied(() -> anonymous.deleteObject(b -> b.bucket(bucket).key("k")));
        assertDenied(() -> anonymous.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ_WRITE)));
        // the bucket must belong to the expected owner when the request names one
        assertDenied(() -> anonymous.listObjects(b -> b.bucket(bucket).expectedBucketOwner(bobId)));
        assertEquals(1, anonymous.listObjects(b -> b.bucket(bucket).expectedBucketOwner(aliceId)).contents().size());
        // operations Coffer does not serve are the owner's in S3: AccessDenied, not NotImplemented, for anonymous
        assertDenied(() -> anonymous.getBucketLifecycleConfiguration(b -> b.bucket(bucket)));
    }

    @Test
    void anonymousWritesPublicReadWriteBucketAsTheAnonymousOwner() {
        String bucket = aliceBucket("anon-write", BucketCannedACL.PUBLIC_READ_WRITE);
        put(anonymous, bucket, "from-anon", "payload");
        GetObjectAclResponse acl = root.getObjectAcl(b -> b.bucket(bucket).key("from-anon"));
        assertEquals(ANONYMOUS_ID, acl.owner().id());
        // alice owns the bucket, not the object: its private ACL keeps her out, as in S3
        assertDenied(() -> get(alice, bucket, "from-anon"));
        assertEquals("payload", get(root, bucket, "from-anon"));
        anonymous.deleteObject(b -> b.bucket(bucket).key("from-anon"));
        assertEquals(0, alice.listObjectsV2(b -> b.bucket(bucket)).keyCount());
    }

    @Test
    void anonymousGetsNoSuchBucketForMissingBucketAndAccessDeniedForBucketOperations() {
        assertS3Error(404, "NoSuchBucket", () -> get(anonymous, newBucketName("gone"), "k"));
        assertDenied(() -> anonymous.listBuckets());
        assertDenied(() -> anonymous.createBucket(b -> b.bucket(newBucketName("anon-create"))));
        String bucket = aliceBucket("anon-config", BucketCannedACL.PUBLIC_READ_WRITE);
        assertDenied(() -> anonymous.getBucketLocation(b -> b.bucket(bucket)));
        assertDenied(() -> anonymous.deleteBucket(b -> b.bucket(bucket)));
    }

    @Test
    void authenticatedReadLetsEverySignedUserReadButNotAnonymous() {
        String bucket = aliceBucket("authread", BucketCannedACL.AUTHENTICATED_READ);
        alice.putObject(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.AUTHENTICATED_READ), RequestBody.fromString("v"));
        assertEquals(1, bob.listObjectsV2(b -> b.bucket(bucket)).keyCount());
        assertEquals("v", get(bob, bucket, "k"));
        assertDenied(() -> anonymous.listObjectsV2(b -> b.bucket(bucket)));
        assertDenied(() -> get(anonymous, bucket, "k"));
        assertDenied(() -> put(bob, bucket, "k", "overwrite"));
    }

    // ---- explicit grants on buckets ---------------------------------------------------------------

    @Test
    void bucketReadGrantListsButDoesNotWriteOrReadAcl() {
        String bucket = aliceBucket("g-read", BucketCannedACL.PRIVATE);
        alice.putBucketAcl(b -> b.bucket(bucket).grantRead("id=" + bobId).grantFullControl("id=" + aliceId));
        bob.headBucket(b -> b.bucket(bucket));
        bob.listObjectsV2(b -> b.bucket(bucket));
        assertDenied(() -> put(bob, bucket, "k", "v"));
        assertDenied(() -> bob.getBucketAcl(b -> b.bucket(bucket)));
        assertDenied(() -> bob.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ)));
    }

    @Test
    void bucketWriteGrantWritesAndDeletesButDoesNotList() {
        String bucket = aliceBucket("g-write", BucketCannedACL.PRIVATE);
        alice.putBucketAcl(b -> b.bucket(bucket).grantWrite("id=" + bobId).grantFullControl("id=" + aliceId));
        put(bob, bucket, "bobs", "v");
        bob.deleteObject(b -> b.bucket(bucket).key("bobs"));
        put(alice, bucket, "alices", "v");
        bob.deleteObject(b -> b.bucket(bucket).key("alices"));
        assertDenied(() -> bob.listObjectsV2(b -> b.bucket(bucket)));
        assertS3Error(403, null, () -> bob.headBucket(b -> b.bucket(bucket))); // HEAD: no body, no code
        assertEquals(0, alice.listObjectsV2(b -> b.bucket(bucket)).keyCount());
    }

    @Test
    void aclGrantsReadAndReplaceTheAclOnly() {
        String bucket = aliceBucket("g-acp", BucketCannedACL.PRIVATE);
        alice.putBucketAcl(b -> b.bucket(bucket).grantReadACP("id=" + bobId).grantFullControl("id=" + aliceId));
        assertEquals(2, bob.getBucketAcl(b -> b.bucket(bucket)).grants().size());
        assertDenied(() -> bob.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ)));
        assertDenied(() -> bob.listObjectsV2(b -> b.bucket(bucket)));

        alice.putBucketAcl(b -> b.bucket(bucket).grantWriteACP("id=" + bobId).grantFullControl("id=" + aliceId));
        assertDenied(() -> bob.getBucketAcl(b -> b.bucket(bucket)));
        bob.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ));
        bob.listObjectsV2(b -> b.bucket(bucket));
        List<Grant> grants = alice.getBucketAcl(b -> b.bucket(bucket)).grants();
        assertEquals(Type.GROUP, grants.get(0).grantee().type());
        assertEquals(ALL_USERS, grants.get(0).grantee().uri());
        assertEquals(aliceId, grants.get(1).grantee().id());
        assertEquals("alice", grants.get(1).grantee().displayName());
    }

    @Test
    void policyDocumentGrantsShowDisplayNamesAndMayRevokeEvenTheOwner() {
        String bucket = aliceBucket("g-policy", BucketCannedACL.PRIVATE);
        var acl = alice.getBucketAcl(b -> b.bucket(bucket));
        Grant forBob = Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(bobId))
                .permission(software.amazon.awssdk.services.s3.model.Permission.FULL_CONTROL).build();
        alice.putBucketAcl(b -> b.bucket(bucket).accessControlPolicy(p -> p.owner(acl.owner())
                .grants(List.of(acl.grants().get(0), forBob))));
        var after = alice.getBucketAcl(b -> b.bucket(bucket));
        assertTrue(after.grants().stream().anyMatch(g -> bobId.equals(g.grantee().id())
                && "bob".equals(g.grantee().displayName())), after.toString());
        put(bob, bucket, "bobs", "v");

        // no grants at all: the owner still reads and rewrites the ACL, but lists nothing
        alice.putBucketAcl(b -> b.bucket(bucket).accessControlPolicy(p -> p.owner(acl.owner()).grants(List.of())));
        assertEquals(0, alice.getBucketAcl(b -> b.bucket(bucket)).grants().size());
        assertDenied(() -> alice.listObjectsV2(b -> b.bucket(bucket)));
        assertDenied(() -> bob.listObjectsV2(b -> b.bucket(bucket)));
        alice.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE));
        alice.listObjectsV2(b -> b.bucket(bucket));
    }

    @Test
    void badGranteesAreRefusedWithS3Codes() {
        String bucket = aliceBucket("g-bad", BucketCannedACL.PRIVATE);
        var acl = alice.getBucketAcl(b -> b.bucket(bucket));
        Grant unknown = Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id("_foo"))
                .permission(software.amazon.awssdk.services.s3.model.Permission.READ).build();
        assertS3Error(400, "InvalidArgument", () -> alice.putBucketAcl(b -> b.bucket(bucket)
                .accessControlPolicy(p -> p.owner(acl.owner()).grants(List.of(unknown)))));
        Grant email = Grant.builder().grantee(g -> g.type(Type.AMAZON_CUSTOMER_BY_EMAIL).emailAddress("nobody@example.com"))
                .permission(software.amazon.awssdk.services.s3.model.Permission.READ).build();
        assertS3Error(400, "UnresolvableGrantByEmailAddress", () -> alice.putBucketAcl(b -> b.bucket(bucket)
                .accessControlPolicy(p -> p.owner(acl.owner()).grants(List.of(email)))));
        // the owner named in the document must be the bucket's owner
        assertDenied(() -> alice.putBucketAcl(b -> b.bucket(bucket)
                .accessControlPolicy(p -> p.owner(o -> o.id(bobId)).grants(acl.grants()))));
        assertS3Error(400, "InvalidRequest", () -> alice.putObject(b -> b.bucket(bucket).key("k")
                .acl(ObjectCannedACL.PUBLIC_READ).grantRead("id=" + bobId), RequestBody.fromString("v")));
        assertS3Error(400, "InvalidArgument", () -> alice.putObject(b -> b.bucket(bucket).key("k")
                .grantRead("id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                RequestBody.fromString("v")));
        assertEquals(1, alice.getBucketAcl(b -> b.bucket(bucket)).grants().size());
    }

    @Test
    void createBucketWithGrantHeadersGivesExactlyThoseGrants() {
        String bucket = newBucketName("g-create");
        alice.createBucket(b -> b.bucket(bucket).grantWrite("id=" + bobId).grantFullControl("id=" + aliceId));
        var grants = alice.getBucketAcl(b -> b.bucket(bucket)).grants();
        assertEquals(2, grants.size());
        put(bob, bucket, "k", "v");
        assertDenied(() -> bob.listObjectsV2(b -> b.bucket(bucket)));
    }

    // ---- objects: owner is the writer ----------------------------------------------------------------

    @Test
    void objectWriterOwnsTheObjectAndBucketOwnerReadsOnlyWhenGranted() {
        String bucket = aliceBucket("writer", BucketCannedACL.PUBLIC_READ_WRITE);
        put(bob, bucket, "plain", "b1");
        bob.putObject(b -> b.bucket(bucket).key("shared").acl(ObjectCannedACL.BUCKET_OWNER_READ), RequestBody.fromString("b2"));
        bob.putObject(b -> b.bucket(bucket).key("full").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
                RequestBody.fromString("b3"));

        assertEquals(bobId, bob.getObjectAcl(b -> b.bucket(bucket).key("plain")).owner().id());
        assertDenied(() -> get(alice, bucket, "plain"));
        assertDenied(() -> alice.getObjectAcl(b -> b.bucket(bucket).key("plain")));
        assertEquals("b2", get(alice, bucket, "shared"));
        assertDenied(() -> alice.getObjectAcl(b -> b.bucket(bucket).key("shared")));
        var full = alice.getObjectAcl(b -> b.bucket(bucket).key("full"));
        assertEquals(bobId, full.owner().id());
        assertEquals(2, full.grants().size());
        assertTrue(full.grants().stream().anyMatch(g -> aliceId.equals(g.grantee().id())
                && g.permission() == software.amazon.awssdk.services.s3.model.Permission.FULL_CONTROL));
        // the bucket owner may still delete what others wrote (bucket WRITE)
        alice.deleteObject(b -> b.bucket(bucket).key("plain"));
    }

    @Test
    void objectAclsDecideReadsAndBucketAclsDecideWrites() {
        String bucket = aliceBucket("obj-acl", BucketCannedACL.PRIVATE);
        put(alice, bucket, "k", "v");
        alice.putObjectAcl(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PUBLIC_READ_WRITE));
        assertEquals("v", get(bob, bucket, "k"));
        // object WRITE means nothing: writing is the bucket's to allow
        assertDenied(() -> put(bob, bucket, "k", "overwrite"));
        alice.putObjectAcl(b -> b.bucket(bucket).key("k").grantRead("id=" + bobId).grantFullControl("id=" + aliceId));
        assertEquals("v", get(bob, bucket, "k"));
        assertDenied(() -> get(anonymous, bucket, "k"));
        assertDenied(() -> bob.putObjectAcl(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PUBLIC_READ)));
        alice.putObjectAcl(b -> b.bucket(bucket).key("k").grantWriteACP("id=" + bobId).grantFullControl("id=" + aliceId));
        bob.putObjectAcl(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PUBLIC_READ));
        assertEquals("v", get(anonymous, bucket, "k"));
        // putting the object again resets its ACL to private
        put(alice, bucket, "k", "v2");
        assertDenied(() -> get(anonymous, bucket, "k"));
    }

    @Test
    void grantHeadersOnPutObjectAreStoredAndEnforced() {
        String bucket = aliceBucket("obj-grant", BucketCannedACL.PRIVATE);
        alice.putObject(b -> b.bucket(bucket).key("k").grantRead("id=" + bobId).grantReadACP("uri=" + ALL_USERS),
                RequestBody.fromString("v"));
        var acl = anonymous.getObjectAcl(b -> b.bucket(bucket).key("k"));
        assertEquals(aliceId, acl.owner().id());
        assertEquals(2, acl.grants().size());
        assertEquals(Type.GROUP, acl.grants().get(0).grantee().type());
        assertEquals("bob", acl.grants().get(1).grantee().displayName());
        assertEquals("v", get(bob, bucket, "k"));
        // explicit grants replace the owner's default full control
        assertDenied(() -> get(alice, bucket, "k"));
    }

    @Test
    void copyNeedsReadOnTheSourceObjectAndWriteOnTheTarget() {
        String src = aliceBucket("copy-src", BucketCannedACL.PRIVATE);
        alice.putObject(b -> b.bucket(src).key("pub").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("p"));
        put(alice, src, "priv", "s");
        String dst = newBucketName("copy-dst");
        bob.createBucket(b -> b.bucket(dst));
        bob.copyObject(b -> b.sourceBucket(src).sourceKey("pub").destinationBucket(dst).destinationKey("c"));
        assertEquals("p", get(bob, dst, "c"));
        assertEquals(bobId, bob.getObjectAcl(b -> b.bucket(dst).key("c")).owner().id());
        assertDenied(() -> bob.copyObject(b -> b.sourceBucket(src).sourceKey("priv").destinationBucket(dst).destinationKey("d")));
        assertDenied(() -> bob.copyObject(b -> b.sourceBucket(src).sourceKey("pub").destinationBucket(src).destinationKey("d")));
        // a copy does not inherit the source's ACL
        alice.copyObject(b -> b.sourceBucket(src).sourceKey("pub").destinationBucket(src).destinationKey("copy"));
        assertDenied(() -> get(anonymous, src, "copy"));
        alice.copyObject(b -> b.sourceBucket(src).sourceKey("priv").destinationBucket(src).destinationKey("copy2")
                .acl(ObjectCannedACL.PUBLIC_READ));
        assertEquals("s", get(anonymous, src, "copy2"));
    }

    // ---- buckets: names and listing ------------------------------------------------------------------

    @Test
    void bucketNamesAreGlobalAndListBucketsShowsOwnBuckets() {
        String bucket = aliceBucket("names", BucketCannedACL.PUBLIC_READ_WRITE);
        assertS3Error(409, "BucketAlreadyExists", () -> bob.createBucket(b -> b.bucket(bucket)));
        assertS3Error(409, "BucketAlreadyExists", () -> root.createBucket(b -> b.bucket(bucket)));
        assertTrue(alice.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
        assertFalse(bob.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
        assertTrue(root.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
    }

    // ---- ownership controls ------------------------------------------------------------------------

    @Test
    void ownershipControlsArePutReadAndDeleted() {
        String bucket = aliceBucket("own", BucketCannedACL.PUBLIC_READ);
        assertS3Error(404, "OwnershipControlsNotFoundError", () -> alice.getBucketOwnershipControls(b -> b.bucket(bucket)));
        assertS3Error(400, "InvalidBucketAclWithObjectOwnership", () -> alice.putBucketOwnershipControls(b -> b
                .bucket(bucket).ownershipControls(c -> c.rules(r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)))));
        alice.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE));
        alice.putBucketOwnershipControls(b -> b.bucket(bucket)
                .ownershipControls(c -> c.rules(r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED))));
        assertEquals(ObjectOwnership.BUCKET_OWNER_ENFORCED, alice.getBucketOwnershipControls(b -> b.bucket(bucket))
                .ownershipControls().rules().get(0).objectOwnership());
        assertDenied(() -> bob.getBucketOwnershipControls(b -> b.bucket(bucket)));
        assertDenied(() -> bob.deleteBucketOwnershipControls(b -> b.bucket(bucket)));
        alice.deleteBucketOwnershipControls(b -> b.bucket(bucket));
        assertS3Error(404, "OwnershipControlsNotFoundError", () -> alice.getBucketOwnershipControls(b -> b.bucket(bucket)));
        alice.deleteBucketOwnershipControls(b -> b.bucket(bucket));
    }

    @Test
    void bucketOwnerEnforcedDisablesAcls() {
        String bucket = newBucketName("enforced");
        assertS3Error(400, "InvalidBucketAclWithObjectOwnership", () -> alice.createBucket(b -> b.bucket(bucket)
                .acl(BucketCannedACL.PUBLIC_READ).objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)));
        alice.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED));
        put(alice, bucket, "k", "v");
        alice.putObject(b -> b.bucket(bucket).key("bofc").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
                RequestBody.fromString("v"));
        assertS3Error(400, "AccessControlListNotSupported", () -> alice.putObject(b -> b.bucket(bucket).key("p")
                .acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("v")));
        assertS3Error(400, "AccessControlListNotSupported", () -> alice.putObject(b -> b.bucket(bucket).key("g")
                .grantRead("id=" + bobId), RequestBody.fromString("v")));
        assertS3Error(400, "AccessControlListNotSupported", () -> alice.createMultipartUpload(b -> b.bucket(bucket)
                .key("m").acl(ObjectCannedACL.PRIVATE)));
        assertS3Error(400, "AccessControlListNotSupported", () -> alice.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("k").destinationBucket(bucket).destinationKey("c").acl(ObjectCannedACL.PRIVATE)));
        assertS3Error(400, "AccessControlListNotSupported",
                () -> alice.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE)));
        assertS3Error(400, "AccessControlListNotSupported",
                () -> alice.putObjectAcl(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PRIVATE)));
        var acl = alice.getObjectAcl(b -> b.bucket(bucket).key("k"));
        assertEquals(aliceId, acl.owner().id());
        assertEquals(1, acl.grants().size());
        assertDenied(() -> get(bob, bucket, "k"));
    }

    @Test
    void bucketOwnerPreferredGivesBucketOwnerFullControlObjectsToTheBucketOwner() {
        String bucket = newBucketName("preferred");
        alice.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
                .grantWrite("id=" + bobId).grantFullControl("id=" + aliceId));
        put(bob, bucket, "mine", "v");
        bob.putObject(b -> b.bucket(bucket).key("theirs").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
                RequestBody.fromString("v"));
        assertEquals(bobId, root.getObjectAcl(b -> b.bucket(bucket).key("mine")).owner().id());
        assertEquals(aliceId, root.getObjectAcl(b -> b.bucket(bucket).key("theirs")).owner().id());
        assertEquals("v", get(alice, bucket, "theirs"));
        assertDenied(() -> get(alice, bucket, "mine"));

        // the same rules for an object written by multipart upload: the ACL comes with the create call
        multipartPut(bob, bucket, "mpu-theirs", ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL);
        multipartPut(bob, bucket, "mpu-mine", null);
        assertEquals(aliceId, root.getObjectAcl(b -> b.bucket(bucket).key("mpu-theirs")).owner().id());
        assertEquals(bobId, root.getObjectAcl(b -> b.bucket(bucket).key("mpu-mine")).owner().id());
        assertEquals("part", get(alice, bucket, "mpu-theirs"));
        assertDenied(() -> get(alice, bucket, "mpu-mine"));
    }

    @Test
    void bucketOwnerEnforcedGivesMultipartObjectsToTheBucketOwner() {
        String bucket = newBucketName("enforced-mpu");
        alice.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED));
        // root may write anywhere; without enforcement it would own what it writes
        multipartPut(root, bucket, "m", null);
        assertEquals(aliceId, root.getObjectAcl(b -> b.bucket(bucket).key("m")).owner().id());
        assertEquals("part", get(alice, bucket, "m"));
    }

    private static void multipartPut(S3Client s3, String bucket, String key, ObjectCannedACL acl) {
        String uploadId = s3.createMultipartUpload(b -> {
            b.bucket(bucket).key(key);
            if (acl != null) {
                b.acl(acl);
            }
        }).uploadId();
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromString("part")).eTag();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))));
    }
}
