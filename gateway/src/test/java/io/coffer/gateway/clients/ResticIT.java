package io.coffer.gateway.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real restic: init a repository in a bucket, back up, check, restore and compare bytes. */
class ResticIT extends ExternalClientTestBase {
    @TempDir
    Path work;

    @BeforeAll
    void tool() {
        requireTool("restic");
    }

    @Test
    void initBackupCheckRestoreRoundTrip() throws Exception {
        String bucket = newBucketName("restic");
        Map<String, String> env = env("AWS_ACCESS_KEY_ID", ROOT_ACCESS, "AWS_SECRET_ACCESS_KEY", ROOT_SECRET,
                "AWS_DEFAULT_REGION", REGION,
                "RESTIC_REPOSITORY", "s3:" + endpoint() + "/" + bucket + "/repo",
                "RESTIC_PASSWORD", "correct horse battery staple",
                "RESTIC_CACHE_DIR", work.resolve("cache").toString(),
                "HOME", work.toString());
        Path data = work.resolve("data");
        for (int i = 0; i < 60; i++) {
            randomFile(data, "docs/" + (i % 6) + "/note-" + i + ".txt", 50 + i * 211, i);
        }
        randomFile(data, "media/video.bin", 9 * 1024 * 1024 + 3, 500);

        run(work, env, "restic", "init").assertOk("init");
        String backup = run(work, env, "restic", "backup", data.toString()).assertOk("backup").stdout();
        assertTrue(backup.contains("snapshot"), backup);
        run(work, env, "restic", "check", "--read-data").assertOk("check --read-data");
        String snaps = run(work, env, "restic", "snapshots").assertOk("snapshots").stdout();
        assertTrue(snaps.contains("1 snapshots"), snaps);

        Path target = work.resolve("restore");
        run(work, env, "restic", "restore", "latest", "--target", target.toString()).assertOk("restore");
        // restic restores absolute paths under the target
        assertSameTree(data, target.resolve(data.toString().substring(1)));

        // a second backup of unchanged data adds a snapshot and still checks
        run(work, env, "restic", "backup", data.toString()).assertOk("second backup");
        run(work, env, "restic", "check").assertOk("check");
    }
}
