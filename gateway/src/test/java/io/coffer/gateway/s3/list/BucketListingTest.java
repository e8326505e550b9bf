package io.coffer.gateway.s3.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.Shard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class BucketListingTest extends GatewayTestBase {
    /** Keys in binary UTF-8 order: '😀' (U+1F600) sorts after U+FFFD, unlike Java's UTF-16 order. */
    static final List<String> KEYS = List.of(
            "a b+c&d<e>.txt", "a/1", "a/2", "a/b/3", "b", "c/", "c/x", "d%20e", "z", "é", "\uFFFD", "😀");

    private String filledBucket(S3Client s3) {
        String bucket = newBucketName("list");
        s3.createBucket(b -> b.bucket(bucket));
        Shard shard = context.getBean(Shard.class);
        for (String key : KEYS) {
            putDirect(shard, bucket, key, key.length());
        }
        return bucket;
    }

    /** Objects are committed straight through the shard API: listing needs only their versions. */
    static void putDirect(Shard shard, String bucket, String key, long size) {
        long gen = shard.nextGeneration(bucket, 0).block(Duration.ofSeconds(10));
        ObjectVersion v = new ObjectVersion(bucket, key, ObjectVersion.NULL_VERSION, gen, false, size,
                "\"0123456789abcdef0123456789abcdef\"", 1_700_000_000_123L, "STANDARD", List.of(), new byte[0]);
        shard.putVersion(v, PutCondition.NONE, true).block(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void listV2ReturnsAllKeysInUtf8Order(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(bucket));
        assertEquals(KEYS, r.contents().stream().map(S3Object::key).toList());
        assertEquals(KEYS.size(), r.keyCount());
        assertFalse(r.isTruncated());
        assertEquals(1000, r.maxKeys());
        S3Object first = r.contents().get(0);
        assertEquals("\"0123456789abcdef0123456789abcdef\"", first.eTag());
        assertEquals(KEYS.get(0).length(), first.size());
        assertEquals(1_700_000_000_123L, first.lastModified().toEpochMilli());
        assertNull(first.owner(), "no owner without fetch-owner");
        assertEquals("STANDARD", first.storageClassAsString());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void delimiterCollapsesCommonPrefixes(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(bucket).delimiter("/"));
        assertEquals(List.of("a b+c&d<e>.txt", "b", "d%20e", "z", "é", "\uFFFD", "😀"),
                r.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("a/", "c/"), r.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals(9, r.keyCount());

        ListObjectsV2Response sub = s3.listObjectsV2(b -> b.bucket(bucket).prefix("a/").delimiter("/"));
        assertEquals(List.of("a/1", "a/2"), sub.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("a/b/"), sub.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals("a/", sub.prefix());
        assertEquals("/", sub.delimiter());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void continuationTokensPageThroughEveryKeyOnce(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        List<String> seen = new ArrayList<>();
        int pages = 0;
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).maxKeys(5))) {
            pages++;
            assertTrue(page.keyCount() <= 5);
            page.contents().forEach(o -> seen.add(o.key()));
            if (page.isTruncated()) {
                assertNotNull(page.nextContinuationToken());
            }
        }
        assertEquals(3, pages);
        assertEquals(KEYS, seen);

        // paging with a delimiter counts a common prefix as one entry and never repeats it
        List<String> withPrefixes = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).maxKeys(2).delimiter("/"))) {
            page.contents().forEach(o -> withPrefixes.add(o.key()));
            page.commonPrefixes().forEach(p -> withPrefixes.add(p.prefix()));
        }
        assertEquals(9, withPrefixes.size());
        assertEquals(9, new TreeSet<>(withPrefixes).size());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void startAfterSkipsKeysUpToIt(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(bucket).startAfter("d%20e"));
        assertEquals(List.of("z", "é", "\uFFFD", "😀"), r.contents().stream().map(S3Object::key).toList());
        assertEquals("d%20e", r.startAfter());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void maxKeysZeroAndAboveLimit(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        ListObjectsV2Response zero = s3.listObjectsV2(b -> b.bucket(bucket).maxKeys(0));
        assertEquals(0, zero.keyCount());
        assertTrue(zero.contents().isEmpty());
        assertFalse(zero.isTruncated());
        ListObjectsV2Response big = s3.listObjectsV2(b -> b.bucket(bucket).maxKeys(5000));
        assertEquals(1000, big.maxKeys());
        assertEquals(KEYS.size(), big.keyCount());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void fetchOwnerAddsTheOwner(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        String ownerId = s3.listBuckets().owner().id();
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(bucket).fetchOwner(true));
        assertEquals(ownerId, r.contents().get(0).owner().id());
        assertEquals("root", r.contents().get(0).owner().displayName());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void listV1WithMarkerAndNextMarker(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        ListObjectsResponse all = s3.listObjects(b -> b.bucket(bucket));
        assertEquals(KEYS, all.contents().stream().map(S3Object::key).toList());
        assertNotNull(all.contents().get(0).owner(), "v1 always has the owner");

        ListObjectsResponse first = s3.listObjects(b -> b.bucket(bucket).maxKeys(3).delimiter("/"));
        assertTrue(first.isTruncated());
        assertEquals(List.of("a b+c&d<e>.txt", "b"), first.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("a/"), first.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals("b", first.nextMarker());
        ListObjectsResponse second = s3.listObjects(b -> b.bucket(bucket).maxKeys(3).delimiter("/")
                .marker(first.nextMarker()));
        assertEquals(List.of("d%20e", "z"), second.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("c/"), second.commonPrefixes().stream().map(CommonPrefix::prefix).toList());

        // without a delimiter there is no NextMarker: clients resume from the last key
        ListObjectsResponse plain = s3.listObjects(b -> b.bucket(bucket).maxKeys(4));
        assertTrue(plain.isTruncated());
        assertNull(plain.nextMarker());
        ListObjectsResponse rest = s3.listObjects(b -> b.bucket(bucket).marker(plain.contents().get(3).key()));
        assertEquals(KEYS.subList(4, KEYS.size()), rest.contents().stream().map(S3Object::key).toList());
        assertFalse(rest.isTruncated());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void listObjectVersionsShowsNullVersions(Named mode) {
        S3Client s3 = client(mode);
        String bucket = filledBucket(s3);
        ListObjectVersionsResponse r = s3.listObjectVersions(b -> b.bucket(bucket));
        assertEquals(KEYS, r.versions().stream().map(v -> v.key()).toList());
        assertTrue(r.versions().stream().allMatch(v -> v.isLatest() && "null".equals(v.versionId())));
        ListObjectVersionsResponse page = s3.listObjectVersions(b -> b.bucket(bucket).maxKeys(2));
        assertTrue(page.isTruncated());
        assertEquals("a/1", page.nextKeyMarker());
        assertEquals("null", page.nextVersionIdMarker());
    }

    @Test
    void encodingTypeUrlEncodesKeysInTheXml() throws Exception {
        S3Client s3 = rootClient();
        String bucket = filledBucket(s3);
        String path = "/" + bucket + "?list-type=2&encoding-type=url&prefix=a%20";
        RawResponse r = raw("GET", path, signedHeaders("GET", path, Map.of()), null);
        assertEquals(200, r.status());
        assertTrue(r.bodyText().contains("<Key>a%20b%2Bc%26d%3Ce%3E.txt</Key>"), r.bodyText());
        assertTrue(r.bodyText().contains("<Prefix>a%20</Prefix>"), r.bodyText());
        assertTrue(r.bodyText().contains("<EncodingType>url</EncodingType>"));
    }

    @Test
    void listObjectsV1AnswersThePrefixAsSentEvenWithUrlEncoding() throws Exception {
        S3Client s3 = rootClient();
        String bucket = filledBucket(s3);
        String path = "/" + bucket + "?encoding-type=url&prefix=a%20";
        RawResponse r = raw("GET", path, signedHeaders("GET", path, Map.of()), null);
        assertEquals(200, r.status());
        // keys are encoded, the top-level Prefix of a v1 listing is not (botocore would not decode it)
        assertTrue(r.bodyText().contains("<Key>a%20b%2Bc%26d%3Ce%3E.txt</Key>"), r.bodyText());
        assertTrue(r.bodyText().contains("<Prefix>a </Prefix>"), r.bodyText());
    }

    @Test
    void withoutEncodingTypeKeysAreXmlEscaped() throws Exception {
        S3Client s3 = rootClient();
        String bucket = filledBucket(s3);
        String path = "/" + bucket + "?list-type=2&prefix=a%20";
        RawResponse r = raw("GET", path, signedHeaders("GET", path, Map.of()), null);
        assertTrue(r.bodyText().contains("<Key>a b+c&amp;d&lt;e&gt;.txt</Key>"), r.bodyText());
    }

    @Test
    void badMaxKeysAndTokenAreInvalidArgument() throws Exception {
        S3Client s3 = rootClient();
        String bucket = filledBucket(s3);
        for (String q : List.of("max-keys=-1", "max-keys=ten", "continuation-token=%21%21", "encoding-type=base64")) {
            String path = "/" + bucket + "?list-type=2&" + q;
            RawResponse r = raw("GET", path, signedHeaders("GET", path, Map.of()), null);
            assertEquals(400, r.status(), q);
            assertTrue(r.bodyText().contains("<Code>InvalidArgument</Code>"), q + ": " + r.bodyText());
        }
        S3Exception e = assertThrows(S3Exception.class, () -> s3.listObjectsV2(b -> b.bucket(bucket).maxKeys(-5)));
        assertEquals("InvalidArgument", e.awsErrorDetails().errorCode());
    }
}
