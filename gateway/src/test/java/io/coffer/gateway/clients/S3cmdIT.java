package io.coffer.gateway.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real s3cmd (SigV4, path-style): mb, put (incl. multipart), ls, get, del, rb. */
class S3cmdIT extends ExternalClientTestBase {
    @TempDir
    Path work;

    @BeforeAll
    void tool() {
        requireTool("s3cmd");
    }

    private Run s3cmd(String... args) throws Exception {
        Path cfg = work.resolve("s3cfg");
        if (!Files.exists(cfg)) {
            Files.writeString(cfg, String.join("\n",
                    "[default]",
                    "access_key = " + ROOT_ACCESS,
                    "secret_key = " + ROOT_SECRET,
                    "host_base = 127.0.0.1:" + s3Port,
                    "host_bucket = 127.0.0.1:" + s3Port,
                    "bucket_location = " + REGION,
                    "use_https = False",
                    "signature_v2 = False",
                    "multipart_chunk_size_mb = 5",
                    ""));
        }
        String[] cmd = new String[args.length + 3];
        cmd[0] = "s3cmd";
        cmd[1] = "-c";
        cmd[2] = cfg.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        Map<String, String> env = env("HOME", work.toString());
        return run(work, env, cmd);
    }

    @Test
    void putGetListDeleteRoundTrip() throws Exception {
        String bucket = newBucketName("s3cmd");
        s3cmd("mb", "s3://" + bucket).assertOk("mb");
        Path small = randomFile(work, "in/small.txt", 4096, 1);
        Path large = randomFile(work, "in/large.bin", 12 * 1024 * 1024 + 1, 2);
        s3cmd("put", small.toString(), "s3://" + bucket + "/a/small.txt").assertOk("put small");
        s3cmd("put", large.toString(), "s3://" + bucket + "/a/large.bin").assertOk("put large (multipart)");

        String ls = s3cmd("ls", "s3://" + bucket + "/a/").assertOk("ls").stdout();
        assertTrue(ls.contains("s3://" + bucket + "/a/small.txt"), ls);
        assertTrue(ls.contains("s3://" + bucket + "/a/large.bin"), ls);

        s3cmd("get", "s3://" + bucket + "/a/small.txt", work.resolve("out/small.txt").toString()).assertOk("get small");
        s3cmd("get", "s3://" + bucket + "/a/large.bin", work.resolve("out/large.bin").toString()).assertOk("get large");
        assertEquals(-1L, Files.mismatch(small, work.resolve("out/small.txt")));
        assertEquals(-1L, Files.mismatch(large, work.resolve("out/large.bin")));

        s3cmd("del", "s3://" + bucket + "/a/small.txt").assertOk("del");
        String after = s3cmd("ls", "s3://" + bucket + "/a/").assertOk("ls after del").stdout();
        assertFalse(after.contains("small.txt"), after);
        s3cmd("del", "s3://" + bucket + "/a/large.bin").assertOk("del large");
        s3cmd("rb", "s3://" + bucket).assertOk("rb");
    }
}
