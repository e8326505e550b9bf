package io.coffer.gateway.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real aws-cli: high-level s3 commands (incl. a multipart upload), s3api calls, presign + HTTP GET. */
class AwsCliIT extends ExternalClientTestBase {
    @TempDir
    Path work;

    private Map<String, String> env;

    @BeforeAll
    void tool() {
        requireTool("aws");
    }

    private Run aws(String... args) throws Exception {
        if (env == null) {
            Path cfg = Files.createTempDirectory("awscfg");
            env = env("AWS_ACCESS_KEY_ID", ROOT_ACCESS, "AWS_SECRET_ACCESS_KEY", ROOT_SECRET,
                    "AWS_DEFAULT_REGION", REGION, "AWS_CONFIG_FILE", cfg.resolve("config").toString(),
                    "AWS_SHARED_CREDENTIALS_FILE", cfg.resolve("credentials").toString(),
                    "AWS_EC2_METADATA_DISABLED", "true", "AWS_PAGER", "");
        }
        String[] cmd = new String[args.length + 3];
        cmd[0] = "aws";
        cmd[1] = "--endpoint-url";
        cmd[2] = endpoint();
        System.arraycopy(args, 0, cmd, 3, args.length);
        return run(work, env, cmd);
    }

    @Test
    void copySyncListAndRemoveRoundTrip() throws Exception {
        String bucket = newBucketName("awscli");
        aws("s3", "mb", "s3://" + bucket).assertOk("mb");

        Path small = randomFile(work, "up/small.bin", 1234, 1);
        Path large = randomFile(work, "up/large.bin", 20 * 1024 * 1024 + 17, 2); // > 8 MiB threshold: multipart
        aws("s3", "cp", small.toString(), "s3://" + bucket + "/one/small.bin").assertOk("cp small");
        aws("s3", "cp", large.toString(), "s3://" + bucket + "/one/large.bin").assertOk("cp large (multipart)");

        aws("s3", "cp", "s3://" + bucket + "/one/large.bin", work.resolve("down/large.bin").toString()).assertOk("cp down");
        assertEquals(-1L, Files.mismatch(large, work.resolve("down/large.bin")));

        String ls = aws("s3", "ls", "s3://" + bucket + "/one/").assertOk("ls").stdout();
        assertTrue(ls.contains("small.bin") && ls.contains("large.bin"), ls);
        assertTrue(ls.contains(String.valueOf(20 * 1024 * 1024 + 17)), "ls shows the size: " + ls);

        // the multipart ETag has the -N suffix aws-cli's upload produced
        String head = aws("s3api", "head-object", "--bucket", bucket, "--key", "one/large.bin").assertOk("head").stdout();
        assertTrue(head.matches("(?s).*\"ETag\": \"\\\\\"[0-9a-f]{32}-\\d+\\\\\"\".*"), head);

        Path tree = work.resolve("tree");
        for (int i = 0; i < 30; i++) {
            randomFile(tree, "d" + (i % 3) + "/f" + i + ".txt", 100 + i * 37, 100 + i);
        }
        aws("s3", "sync", tree.toString(), "s3://" + bucket + "/tree").assertOk("sync up");
        aws("s3", "sync", "s3://" + bucket + "/tree", work.resolve("tree-back").toString()).assertOk("sync down");
        assertSameTree(tree, work.resolve("tree-back"));
        // a second sync has nothing to do
        String again = aws("s3", "sync", tree.toString(), "s3://" + bucket + "/tree").assertOk("sync again").stdout();
        assertFalse(again.contains("upload:"), again);

        aws("s3", "rm", "--recursive", "s3://" + bucket + "/").assertOk("rm");
        String empty = aws("s3", "ls", "--recursive", "s3://" + bucket + "/").stdout();
        assertEquals("", empty.trim());
        aws("s3", "rb", "s3://" + bucket).assertOk("rb");
    }

    @Test
    void s3apiCallsAndErrors() throws Exception {
        String bucket = newBucketName("awsapi");
        aws("s3api", "create-bucket", "--bucket", bucket).assertOk("create-bucket");
        Path body = randomFile(work, "b.bin", 70_000, 3);
        String put = aws("s3api", "put-object", "--bucket", bucket, "--key", "k/ü n.bin", "--body", body.toString(),
                "--content-type", "application/x-test", "--metadata", "color=blue").assertOk("put-object").stdout();
        assertTrue(put.contains("ETag"), put);
        String head = aws("s3api", "head-object", "--bucket", bucket, "--key", "k/ü n.bin").assertOk("head").stdout();
        assertTrue(head.contains("\"ContentLength\": 70000"), head);
        assertTrue(head.contains("application/x-test"), head);
        assertTrue(head.contains("\"color\": \"blue\""), head);
        aws("s3api", "get-object", "--bucket", bucket, "--key", "k/ü n.bin", "--range", "bytes=100-199",
                work.resolve("range.bin").toString()).assertOk("ranged get");
        byte[] all = Files.readAllBytes(body);
        byte[] part = Files.readAllBytes(work.resolve("range.bin"));
        assertEquals(100, part.length);
        for (int i = 0; i < 100; i++) {
            assertEquals(all[100 + i], part[i]);
        }
        String list = aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "k/").assertOk("list").stdout();
        assertTrue(list.contains("k/ü n.bin"), list);

        Run missing = aws("s3api", "get-object", "--bucket", bucket, "--key", "nope", work.resolve("x").toString());
        assertEquals(255, missing.exit());
        assertTrue(missing.stderr().contains("NoSuchKey"), missing.stderr());
        Run notEmpty = aws("s3api", "delete-bucket", "--bucket", bucket);
        assertTrue(notEmpty.stderr().contains("BucketNotEmpty"), notEmpty.stderr());

        aws("s3api", "delete-object", "--bucket", bucket, "--key", "k/ü n.bin").assertOk("delete-object");
        aws("s3api", "delete-bucket", "--bucket", bucket).assertOk("delete-bucket");
    }

    @Test
    void presignedUrlServesTheObjectToPlainHttp() throws Exception {
        String bucket = newBucketName("awspresign");
        aws("s3", "mb", "s3://" + bucket).assertOk("mb");
        Path body = randomFile(work, "p.bin", 5000, 4);
        aws("s3", "cp", body.toString(), "s3://" + bucket + "/p.bin").assertOk("cp");
        String url = aws("s3", "presign", "s3://" + bucket + "/p.bin", "--expires-in", "300").assertOk("presign")
                .stdout().trim();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(-1L, Files.mismatch(body, Files.write(work.resolve("p.out"), r.body())));
        // tampering with the signed URL is refused
        HttpResponse<String> bad = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url.replace("p.bin", "q.bin"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, bad.statusCode());
        assertTrue(bad.body().contains("SignatureDoesNotMatch"), bad.body());
    }
}
