package io.coffer.gateway.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Credentials and requests of the S3 SigV4 documentation examples (AKIAIOSFODNN7EXAMPLE, 20130524). */
final class S3Examples {

    static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Instant TIME = Instant.parse("2013-05-24T00:00:00Z");
    static final String EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final CredentialsProvider CREDENTIALS = key -> ACCESS_KEY.equals(key)
            ? Optional.of(new Credentials(ACCESS_KEY, SECRET)) : Optional.empty();

    static final String SEED_SIGNATURE = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    static final String CHUNK1_SIGNATURE = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    static final String CHUNK2_SIGNATURE = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    static final String FINAL_SIGNATURE = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    private S3Examples() {
    }

    static SigV4Verifier verifier(Instant now) {
        return new SigV4Verifier(CREDENTIALS, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
    }

    static Map<String, List<String>> headers(String... nameValues) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.put(nameValues[i], List.of(nameValues[i + 1]));
        }
        return h;
    }

    /** "GET Object" example: GET /test.txt with Range: bytes=0-9. */
    static SigV4Request getObject(String signature) {
        return SigV4Request.of("GET", "/test.txt", headers(
                "Host", "examplebucket.s3.amazonaws.com",
                "Range", "bytes=0-9",
                "x-amz-content-sha256", EMPTY_SHA,
                "x-amz-date", "20130524T000000Z",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=" + signature));
    }

    /** Chunked upload example: PUT /examplebucket/chunkObject.txt, 66560 bytes in 64 KiB + 1 KiB chunks. */
    static SigV4Request chunkedPut() {
        return SigV4Request.of("PUT", "/examplebucket/chunkObject.txt", headers(
                "Host", "s3.amazonaws.com",
                "x-amz-date", "20130524T000000Z",
                "x-amz-storage-class", "REDUCED_REDUNDANCY",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                        + "x-amz-decoded-content-length;x-amz-storage-class,Signature=" + SEED_SIGNATURE,
                "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                "Content-Encoding", "aws-chunked",
                "x-amz-decoded-content-length", "66560",
                "Content-Length", "66824"));
    }

    /** The documentation's chunked body: 65536 then 1024 'a' bytes, then the zero chunk. */
    static byte[] chunkedBody() {
        StringBuilder sb = new StringBuilder();
        sb.append("10000;chunk-signature=").append(CHUNK1_SIGNATURE).append("\r\n").append("a".repeat(65536))
                .append("\r\n");
        sb.append("400;chunk-signature=").append(CHUNK2_SIGNATURE).append("\r\n").append("a".repeat(1024))
                .append("\r\n");
        sb.append("0;chunk-signature=").append(FINAL_SIGNATURE).append("\r\n\r\n");
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
