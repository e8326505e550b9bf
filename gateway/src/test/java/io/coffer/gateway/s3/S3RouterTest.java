package io.coffer.gateway.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3RouterTest {
    private final S3Router router = new S3Router("s3.example.com");

    private static HttpHeaders headers(String copySource) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (copySource != null && !copySource.isEmpty()) {
            h.set("x-amz-copy-source", copySource);
        }
        return h;
    }

    /** method, uri, x-amz-copy-source, expected operation, bucket, key (path style). */
    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(nullValues = "-", value = {
            "GET,    /,                                   -, LIST_BUCKETS,            -, -",
            "PUT,    /,                                   -, UNKNOWN,                 -, -",
            "PUT,    /b,                                  -, CREATE_BUCKET,           b, -",
            "PUT,    /b/,                                 -, CREATE_BUCKET,           b, -",
            "HEAD,   /b,                                  -, HEAD_BUCKET,             b, -",
            "DELETE, /b,                                  -, DELETE_BUCKET,           b, -",
            "GET,    /b?location,                         -, GET_BUCKET_LOCATION,     b, -",
            "GET,    /b?versioning,                       -, GET_BUCKET_VERSIONING,   b, -",
            "PUT,    /b?versioning,                       -, PUT_BUCKET_VERSIONING,   b, -",
            "GET,    /b?acl,                              -, GET_BUCKET_ACL,          b, -",
            "PUT,    /b?acl,                              -, PUT_BUCKET_ACL,          b, -",
            "GET,    /b,                                  -, LIST_OBJECTS,            b, -",
            "GET,    /b?prefix=a&marker=x,                -, LIST_OBJECTS,            b, -",
            "GET,    /b?list-type=2&prefix=a,             -, LIST_OBJECTS_V2,         b, -",
            "GET,    /b?versions,                         -, LIST_OBJECT_VERSIONS,    b, -",
            "GET,    /b?uploads,                          -, LIST_MULTIPART_UPLOADS,  b, -",
            "POST,   /b?delete,                           -, DELETE_OBJECTS,          b, -",
            "POST,   /b,                                  -, POST_OBJECT,             b, -",
            "GET,    /b?tagging,                          -, GET_BUCKET_TAGGING,      b, -",
            "PUT,    /b?tagging,                          -, PUT_BUCKET_TAGGING,      b, -",
            "DELETE, /b?tagging,                          -, DELETE_BUCKET_TAGGING,   b, -",
            "PUT,    /b?lifecycle,                        -, PUT_BUCKET_LIFECYCLE,    b, -",
            "GET,    /b?lifecycle,                        -, GET_BUCKET_LIFECYCLE,    b, -",
            "DELETE, /b?lifecycle,                        -, DELETE_BUCKET_LIFECYCLE, b, -",
            "GET,    /b?policy,                           -, GET_BUCKET_POLICY,       b, -",
            "PUT,    /b?cors,                             -, PUT_BUCKET_CORS,         b, -",
            "GET,    /b?encryption,                       -, GET_BUCKET_ENCRYPTION,   b, -",
            "GET,    /b?object-lock,                      -, GET_OBJECT_LOCK_CONFIGURATION, b, -",
            "PUT,    /b?publicAccessBlock,                -, PUT_PUBLIC_ACCESS_BLOCK, b, -",
            "GET,    /b?website,                          -, GET_BUCKET_WEBSITE,      b, -",
            "GET,    /b?notification,                     -, GET_BUCKET_NOTIFICATION, b, -",
            "GET,    /b?ownershipControls,                -, GET_BUCKET_OWNERSHIP_CONTROLS, b, -",
            "GET,    /b?requestPayment,                   -, GET_BUCKET_REQUEST_PAYMENT, b, -",
            "GET,    /b?logging,                          -, GET_BUCKET_LOGGING,      b, -",
            "GET,    /b?replication,                      -, GET_BUCKET_REPLICATION,  b, -",
            "GET,    /b?accelerate,                       -, GET_BUCKET_ACCELERATE,   b, -",
            "PATCH,  /b,                                  -, UNKNOWN,                 b, -",
            "PUT,    /b/k,                                -, PUT_OBJECT,              b, k",
            "PUT,    /b/k,                       /src/obj, COPY_OBJECT,              b, k",
            "GET,    /b/k,                                -, GET_OBJECT,              b, k",
            "GET,    /b/k?partNumber=2,                   -, GET_OBJECT,              b, k",
            "GET,    /b/k?response-content-type=x,        -, GET_OBJECT,              b, k",
            "HEAD,   /b/k,                                -, HEAD_OBJECT,             b, k",
            "DELETE, /b/k,                                -, DELETE_OBJECT,           b, k",
            "DELETE, /b/k?versionId=3,                    -, DELETE_OBJECT,           b, k",
            "GET,    /b/k?attributes,                     -, GET_OBJECT_ATTRIBUTES,   b, k",
            "GET,    /b/k?tagging,                        -, GET_OBJECT_TAGGING,      b, k",
            "PUT,    /b/k?tagging,                        -, PUT_OBJECT_TAGGING,      b, k",
            "DELETE, /b/k?tagging,                        -, DELETE_OBJECT_TAGGING,   b, k",
            "GET,    /b/k?acl,                            -, GET_OBJECT_ACL,          b, k",
            "PUT,    /b/k?acl,                            -, PUT_OBJECT_ACL,          b, k",
            "POST,   /b/k?uploads,                        -, CREATE_MULTIPART_UPLOAD, b, k",
            "PUT,    /b/k?partNumber=1&uploadId=u,        -, UPLOAD_PART,             b, k",
            "PUT,    /b/k?partNumber=1&uploadId=u,  /src/obj, UPLOAD_PART_COPY,        b, k",
            "POST,   /b/k?uploadId=u,                     -, COMPLETE_MULTIPART_UPLOAD, b, k",
            "DELETE, /b/k?uploadId=u,                     -, ABORT_MULTIPART_UPLOAD,  b, k",
            "GET,    /b/k?uploadId=u,                     -, LIST_PARTS,              b, k",
            "GET,    /b/k?retention,                      -, GET_OBJECT_RETENTION,    b, k",
            "PUT,    /b/k?legal-hold,                     -, PUT_OBJECT_LEGAL_HOLD,   b, k",
            "POST,   /b/k?restore,                        -, RESTORE_OBJECT,          b, k",
            "POST,   /b/k?select&select-type=2,           -, SELECT_OBJECT_CONTENT,   b, k",
            "GET,    /b/k?torrent,                        -, GET_OBJECT_TORRENT,      b, k",
            "POST,   /b/k,                                -, UNKNOWN,                 b, k",
            "GET,    /b/dir/sub/file.txt,                 -, GET_OBJECT,              b, dir/sub/file.txt",
            "GET,    /b/a%20b%2Bc+d,                      -, GET_OBJECT,              b, a b+c+d",
            "GET,    /b/%E2%82%AC/x,                      -, GET_OBJECT,              b, €/x",
            "GET,    /b//double,                          -, GET_OBJECT,              b, /double",
            "GET,    /b/k%3Facl,                          -, GET_OBJECT,              b, k?acl",
    })
    void routesPathStyle(String method, String uri, String copySource, S3Operation op, String bucket, String key) {
        S3Route r = router.route(HttpMethod.valueOf(method), uri, "s3.example.com:9000", headers(copySource));
        assertEquals(op, r.operation());
        assertEquals(bucket, r.bucket());
        assertEquals(key, r.key());
    }

    /** host, uri, expected operation, bucket, key (virtual-hosted style). */
    @ParameterizedTest(name = "{0}{1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "b.s3.example.com,          /,              LIST_OBJECTS,      b,        -",
            "b.s3.example.com:9000,     /?list-type=2,  LIST_OBJECTS_V2,   b,        -",
            "my.dotted.b.s3.example.com,/k,             GET_OBJECT,        my.dotted.b, k",
            "B.S3.EXAMPLE.COM,          /x/y,           GET_OBJECT,        B,        x/y",
            "s3.example.com,            /b/k,           GET_OBJECT,        b,        k",
            "s3.example.com,            /,              LIST_BUCKETS,      -,        -",
            "127.0.0.1:9000,            /b/k,           GET_OBJECT,        b,        k",
            "other.domain.org,          /b,             LIST_OBJECTS,      b,        -",
    })
    void routesVirtualHostedStyle(String host, String uri, S3Operation op, String bucket, String key) {
        S3Route r = router.route(HttpMethod.GET, uri, host, headers(null));
        assertEquals(op, r.operation());
        assertEquals(bucket, r.bucket());
        assertEquals(key, r.key());
    }

    @Test
    void virtualHostedResourceIncludesBucket() {
        S3Route r = router.route(HttpMethod.GET, "/dir/k", "b.s3.example.com", headers(null));
        assertEquals("/b/dir/k", r.path());
    }

    @Test
    void queryValuesAreDecoded() {
        S3Route r = router.route(HttpMethod.GET, "/b?list-type=2&prefix=a%2Fb%20c&delimiter=%2F&acl", "h", headers(null));
        assertEquals("a/b c", r.query().get("prefix").get(0));
        assertEquals("/", r.query().get("delimiter").get(0));
        assertEquals("", r.query().get("acl").get(0));
    }

    @Test
    void withoutDomainEveryHostIsPathStyle() {
        S3Route r = new S3Router(null).route(HttpMethod.GET, "/b/k", "b.localhost", headers(null));
        assertEquals("b", r.bucket());
        assertEquals("k", r.key());
    }

    @Test
    void malformedPercentEncodingIsInvalidUri() {
        S3Exception e = assertThrows(S3Exception.class,
                () -> router.route(HttpMethod.GET, "/b/%zz", "h", headers(null)));
        assertEquals(S3Error.INVALID_URI, e.error());
        S3Exception bad = assertThrows(S3Exception.class,
                () -> router.route(HttpMethod.GET, "/b/%C3%28", "h", headers(null)));
        assertEquals(S3Error.INVALID_URI, bad.error());
    }

    @Test
    void aC1ControlCharacterInTheKeyIsInvalidUriButOtherUnicodeIsFine() {
        // s3-tests test_object_read_unreadable: key "\u00ae\u008a-" gets 400 "Couldn't parse the specified URI."
        S3Exception e = assertThrows(S3Exception.class,
                () -> router.route(HttpMethod.GET, "/b/%C2%AE%C2%8A-", "h", headers(null)));
        assertEquals(S3Error.INVALID_URI, e.error());
        assertEquals(400, e.error().status());
        assertEquals("\u00ae-\u00ff\u0001", router.route(HttpMethod.GET, "/b/%C2%AE-%C3%BF%01", "h", headers(null)).key());
    }

    @Test
    void unknownOperationNamesNoKey() {
        assertNull(router.route(HttpMethod.GET, "/", "h", headers(null)).bucket());
    }

    @Test
    void operationTagsAreS3Names() {
        assertEquals("ListObjectsV2", S3Operation.LIST_OBJECTS_V2.tag());
        assertEquals("PutObject", S3Operation.PUT_OBJECT.tag());
    }
}
