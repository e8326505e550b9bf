package io.coffer.gateway.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real rclone: sync a tree of 500 small and a few large (multipart) files, check, change, resync. */
class RcloneIT extends ExternalClientTestBase {
    @TempDir
    Path work;

    @BeforeAll
    void tool() {
        requireTool("rclone");
    }

    private Map<String, String> rcloneEnv() {
        return env("RCLONE_CONFIG", work.resolve("rclone.conf").toString(),
                "RCLONE_CONFIG_COFFER_TYPE", "s3",
                "RCLONE_CONFIG_COFFER_PROVIDER", "Other",
                "RCLONE_CONFIG_COFFER_ACCESS_KEY_ID", ROOT_ACCESS,
                "RCLONE_CONFIG_COFFER_SECRET_ACCESS_KEY", ROOT_SECRET,
                "RCLONE_CONFIG_COFFER_ENDPOINT", endpoint(),
                "RCLONE_CONFIG_COFFER_REGION", REGION,
                "RCLONE_CONFIG_COFFER_FORCE_PATH_STYLE", "true");
    }

    private Run rclone(String... args) throws Exception {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "rclone";
        cmd[1] = "--s3-upload-cutoff";
        cmd[2] = "6M"; // exercise multipart with the large files
        cmd[3] = "--s3-chunk-size";
        cmd[4] = "5M";
        System.arraycopy(args, 0, cmd, 5, args.length);
        return run(work, rcloneEnv(), cmd);
    }

    @Test
    void syncThenCheckThenResyncChanges() throws Exception {
        String bucket = newBucketName("rclone");
        Path tree = work.resolve("src");
        for (int i = 0; i < 500; i++) {
            randomFile(tree, "dir" + (i % 10) + "/sub" + (i % 7) + "/file-" + i + ".dat", i * 13 % 9000, i);
        }
        randomFile(tree, "big/a.bin", 13 * 1024 * 1024 + 5, 1001);
        randomFile(tree, "big/b.bin", 7 * 1024 * 1024, 1002);
        randomFile(tree, "big/empty.bin", 0, 1003);

        rclone("mkdir", "coffer:" + bucket).assertOk("mkdir");
        rclone("sync", tree.toString(), "coffer:" + bucket + "/backup").assertOk("sync");
        rclone("check", tree.toString(), "coffer:" + bucket + "/backup").assertOk("check after sync");

        // download everything back and compare bytes, not just what rclone check trusts
        rclone("copy", "coffer:" + bucket + "/backup", work.resolve("back").toString()).assertOk("copy back");
        assertSameTree(tree, work.resolve("back"));

        // change, add and delete; sync again must converge
        randomFile(tree, "dir1/sub1/file-1.dat", 4321, 77);
        randomFile(tree, "new/added.dat", 999, 78);
        Files.delete(tree.resolve("dir2/sub2/file-2.dat"));
        rclone("sync", tree.toString(), "coffer:" + bucket + "/backup").assertOk("resync");
        rclone("check", tree.toString(), "coffer:" + bucket + "/backup").assertOk("check after resync");

        String listing = rclone("lsf", "-R", "coffer:" + bucket + "/backup/new").assertOk("lsf").stdout();
        assertTrue(listing.contains("added.dat"), listing);
        Run gone = rclone("lsf", "coffer:" + bucket + "/backup/dir2/sub2/");
        assertTrue(!gone.stdout().contains("file-2.dat"), gone.stdout());
    }
}
