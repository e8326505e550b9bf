package io.coffer.gateway.auth;

import static io.coffer.gateway.auth.S3Examples.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signature Version 2, against the examples of the S3 documentation ("Signing and authenticating REST requests"). */
class SignatureV2Test {

    private static SigV4Verifier verifier(String now, String domain) {
        return new SigV4Verifier(S3Examples.CREDENTIALS, "us-east-1",
                Clock.fixed(Instant.parse(now), ZoneOffset.UTC), domain);
    }

    private static AuthException fails(String code, SigV4Verifier verifier, SigV4Request request) {
        AuthException e = assertThrows(AuthException.class, () -> verifier.verify(request));
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void documentationVirtualHostedGetVerifies() {
        SigV4Request request = SigV4Request.of("GET", "/photos/puppy.jpg", headers(
                "Host", "awsexamplebucket1.us-west-1.s3.amazonaws.com",
                "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g="));
        AuthResult result = verifier("2007-03-27T19:40:00Z", "us-west-1.s3.amazonaws.com").verify(request);
        assertEquals(S3Examples.ACCESS_KEY, result.accessKey());
        assertEquals(AuthMethod.HEADER, result.method());
        assertEquals(PayloadMode.UNSIGNED, result.payloadMode());
        // Without the domain the bucket is not part of the signed resource.
        fails("SignatureDoesNotMatch", verifier("2007-03-27T19:40:00Z", null), request);
    }

    /** Signs with the server's own string to sign, to test the request forms the documentation lacks. */
    private static String sign(SigV4Request unsigned, String dateLine, String bucket) {
        return SignatureV2.sign(S3Examples.SECRET,
                SignatureV2.stringToSign(unsigned, dateLine, bucket, unsigned.headerNames()));
    }

    @Test
    void bucketRequestSignedWithTrailingSlashVerifies() {
        // botocore signs PUT /bucket (CreateBucket) as the resource "/bucket/"
        String date = "Tue, 27 Mar 2007 19:36:42 +0000";
        SigV4Request unsigned = SigV4Request.of("PUT", "/bucket", headers("Host", "localhost", "Date", date));
        String signature = SignatureV2.sign(S3Examples.SECRET, "PUT\n\n\n" + date + "\n/bucket/");
        SigV4Request signed = SigV4Request.of("PUT", "/bucket", headers("Host", "localhost", "Date", date,
                "Authorization", "AWS " + S3Examples.ACCESS_KEY + ":" + signature));
        assertEquals(S3Examples.ACCESS_KEY, verifier("2007-03-27T19:40:00Z", null).verify(signed).accessKey());
        // an object's key is never given a slash it was not sent with
        String objectSignature = SignatureV2.sign(S3Examples.SECRET, "PUT\n\n\n" + date + "\n/bucket/key/");
        fails("SignatureDoesNotMatch", verifier("2007-03-27T19:40:00Z", null), SigV4Request.of("PUT", "/bucket/key",
                headers("Host", "localhost", "Date", date,
                        "Authorization", "AWS " + S3Examples.ACCESS_KEY + ":" + objectSignature)));
        assertEquals(signature, SignatureV2.sign(S3Examples.SECRET, SignatureV2.stringToSign(unsigned, date, null,
                unsigned.headerNames(), "/bucket/")));
    }

    @Test
    void stringToSignHasAmzHeadersSortedAndSubResourcesOnly() {
        SigV4Request request = SigV4Request.of("PUT", "/bucket/key?uploadId=abc&partNumber=2&foo=bar", Map.of(
                "Content-MD5", List.of("4gJE4saaMU4BqNR0kLY+lw=="),
                "Content-Type", List.of("application/x-download"),
                "X-Amz-Meta-ReviewedBy", List.of("joe@johnsmith.net", " jane@johnsmith.net "),
                "x-amz-acl", List.of("public-read"),
                "x-amz-date", List.of("Tue, 27 Mar 2007 21:06:08 +0000"),
                "Host", List.of("localhost")));
        assertEquals("PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\n\n"
                        + "x-amz-acl:public-read\nx-amz-date:Tue, 27 Mar 2007 21:06:08 +0000\n"
                        + "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n"
                        + "/bucket/key?partNumber=2&uploadId=abc",
                SignatureV2.stringToSign(request, "", null, request.headerNames()));
    }

    @Test
    void headerSignedWithAmzDateVerifiesAndChecksSkew() {
        Map<String, List<String>> h = headers("Host", "localhost:9000", "x-amz-date", "Sun, 29 Nov 2026 07:00:00 GMT",
                "Content-Type", "text/plain");
        String signature = sign(SigV4Request.of("PUT", "/b/k?acl", h), "", null);
        Map<String, List<String>> signed = new java.util.LinkedHashMap<>(h);
        signed.put("Authorization", List.of("AWS " + S3Examples.ACCESS_KEY + ":" + signature));
        SigV4Request request = SigV4Request.of("PUT", "/b/k?acl", signed);
        assertEquals(S3Examples.ACCESS_KEY, verifier("2026-11-29T07:10:00Z", null).verify(request).accessKey());
        fails("RequestTimeTooSkewed", verifier("2026-11-29T07:16:00Z", null), request);
    }

    @Test
    void badDatesAreAccessDeniedOrSkewedAsS3Tests() {
        for (String date : new String[] {"Bad Date", "", "Tue, 07 Jul 1950 21:53:04 GMT"}) {
            SigV4Request request = SigV4Request.of("PUT", "/b/k", headers("Host", "h", "x-amz-date", date,
                    "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
            fails("AccessDenied", verifier("2026-11-29T07:00:00Z", null), request);
        }
        SigV4Request old = SigV4Request.of("PUT", "/b/k", headers("Host", "h",
                "x-amz-date", "Tue, 07 Jul 2010 21:53:04 GMT",
                "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        fails("RequestTimeTooSkewed", verifier("2026-11-29T07:00:00Z", null), old);
        assertEquals(Instant.parse("2010-07-07T21:53:04Z"), SignatureV2.parseDate("Tue, 07 Jul 2010 21:53:04 GMT"));
        assertEquals(Instant.parse("2007-03-27T19:36:42Z"), SignatureV2.parseDate("Tue, 27 Mar 2007 19:36:42 +0000"));
    }

    @Test
    void malformedOrForgedV2HeadersAreRejected() {
        SigV4Verifier verifier = verifier("2026-11-29T07:00:00Z", null);
        String date = "Sun, 29 Nov 2026 07:00:00 GMT";
        fails("InvalidArgument", verifier, SigV4Request.of("GET", "/b", headers("Host", "h", "Date", date,
                "Authorization", "AWS HAHAHA")));
        fails("InvalidAccessKeyId", verifier, SigV4Request.of("GET", "/b", headers("Host", "h", "Date", date,
                "Authorization", "AWS AKIAIGR7ZNNBHC5BKSUB:FWeDfwojDSdS2Ztmpfeubhd9isU=")));
        fails("SignatureDoesNotMatch", verifier, SigV4Request.of("GET", "/b", headers("Host", "h", "Date", date,
                "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:FWeDfwojDSdS2Ztmpfeubhd9isU=")));
    }

    @Test
    void presignedV2VerifiesUntilExpires() {
        SigV4Request unsigned = SigV4Request.of("GET", "/b/photos/puppy.jpg", headers("Host", "localhost"));
        String signature = sign(unsigned, "1175139620", null);
        String query = "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature="
                + java.net.URLEncoder.encode(signature, java.nio.charset.StandardCharsets.UTF_8);
        SigV4Request request = SigV4Request.of("GET", "/b/photos/puppy.jpg?" + query, headers("Host", "localhost"));
        AuthResult result = verifier("2007-03-29T03:40:00Z", null).verify(request);
        assertEquals(AuthMethod.PRESIGNED, result.method());
        AuthException expired = fails("AccessDenied", verifier("2007-03-29T03:40:21Z", null), request);
        assertEquals("Request has expired", expired.getMessage());
    }

    @Test
    void blankAuthorizationIsAnonymous() {
        assertEquals(true, verifier("2026-11-29T07:00:00Z", null).verify(SigV4Request.of("PUT", "/b/k",
                headers("Host", "h", "Authorization", ""))).isAnonymous());
    }

    @Test
    void requestViewsThatCannotListHeadersRefuseV2() {
        SigV4Request mapView = SigV4Request.of("GET", "/photos/puppy.jpg", headers(
                "Host", "awsexamplebucket1.us-west-1.s3.amazonaws.com",
                "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g="));
        SigV4Request opaque = new SigV4Request() {
            public String method() {
                return mapView.method();
            }

            public String rawPath() {
                return mapView.rawPath();
            }

            public String rawQuery() {
                return mapView.rawQuery();
            }

            public List<String> headers(String name) {
                return mapView.headers(name);
            }
        };
        fails("InvalidRequest", verifier("2007-03-27T19:40:00Z", "us-west-1.s3.amazonaws.com"), opaque);
    }

    @Test
    void virtualHostBucketIgnoresPortAndOtherDomains() {
        SigV4Verifier v = verifier("2026-11-29T07:00:00Z", "s3.example.com");
        assertEquals("photos", v.virtualHostBucket("photos.s3.example.com:9000"));
        assertEquals("a.b", v.virtualHostBucket("A.B.S3.example.com"));
        assertEquals(null, v.virtualHostBucket("s3.example.com"));
        assertEquals(null, v.virtualHostBucket("photos.other.com"));
    }
}
