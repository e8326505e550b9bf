package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Bodies through the whole data plane with the real SDK: aws-chunked uploads with trailing
 * checksums (default) or plain signed bodies (WHEN_REQUIRED), Expect: 100-continue, streamed GETs
 * with Content-Length, HEAD, listing what was written, and BucketNotEmpty.
 */
class S3DataPathTest extends GatewayTestBase {

    @ParameterizedTest
    @MethodSource("clientModes")
    void putListGetHeadDeleteThroughTheServer(Named mode) throws Exception {
        S3Client s3 = client(mode);
        String bucket = newBucketName("data");
        s3.createBucket(b -> b.bucket(bucket));
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        byte[] small = "hello coffer".getBytes();
        s3.putObject(b -> b.bucket(bucket).key("dir/big.bin"), RequestBody.fromBytes(big));
        s3.putObject(b -> b.bucket(bucket).key("small.txt").contentType("text/plain"), RequestBody.fromBytes(small));

        assertEquals(List.of("dir/big.bin", "small.txt"),
                s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList());
        S3Object listed = s3.listObjectsV2(b -> b.bucket(bucket).prefix("dir/")).contents().get(0);
        assertEquals(big.length, listed.size());

        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("dir/big.bin"));
        assertArrayEquals(big, got.asByteArray());
        assertEquals(big.length, got.response().contentLength());
        assertEquals(listed.eTag(), got.response().eTag());

        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("small.txt"));
        assertEquals(small.length, head.contentLength());
        assertEquals("text/plain", head.contentType());

        // raw HEAD: Content-Length of the object, no body, no chunked encoding
        String path = "/" + bucket + "/small.txt";
        RawResponse raw = raw("HEAD", path, signedHeaders("HEAD", path, Map.of()), null);
        assertEquals(200, raw.status());
        assertEquals(String.valueOf(small.length), raw.header("Content-Length"));
        assertNull(raw.header("Transfer-Encoding"));
        assertTrue(raw.hasHeaderNamedExactly("ETag"), raw.headers().toString());
        assertTrue(raw.hasHeaderNamedExactly("Last-Modified"), raw.headers().toString());
        assertTrue(raw.header("Last-Modified").endsWith(" GMT"));

        S3Exception notEmpty = assertThrows(S3Exception.class, () -> s3.deleteBucket(b -> b.bucket(bucket)));
        assertEquals(409, notEmpty.statusCode());
        assertEquals("BucketNotEmpty", notEmpty.awsErrorDetails().errorCode());

        s3.deleteObject(b -> b.bucket(bucket).key("dir/big.bin"));
        s3.deleteObject(b -> b.bucket(bucket).key("small.txt"));
        assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty());
        s3.deleteBucket(b -> b.bucket(bucket));
    }
}
