package io.coffer.shard.store;

import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.meta.SectorRecord;
import io.coffer.shard.volume.ExtentAllocator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.coffer.shard.store.StoreFixture.TIMEOUT;
import static io.coffer.shard.store.StoreFixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM writes into a store under group commit and is killed with SIGKILL at different
 * points; after each kill the store reopens with every acknowledged object intact byte for byte,
 * only started objects visible, the index rebuilt, the invariants holding, and the crash's
 * temporary sectors reclaimable. The same data directory survives several crashes in a row.
 */
class ShardStoreCrashTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveRepeatedKillDashNine() throws Exception {
        Set<Integer> acked = new HashSet<>();
        Set<Integer> started = new HashSet<>();
        int next = 1;
        for (int killAfter : new int[] {10, 120}) {
            Run run = runAndKill(next, killAfter);
            acked.addAll(run.acked);
            started.addAll(run.started);
            assertTrue(run.acked.size() >= killAfter, "child acknowledged only " + run.acked.size());
            next = run.started.stream().mapToInt(i -> i).max().orElse(next) + 1;
            verify(acked, started, true, false);
        }
        verify(acked, started, false, true);
    }

    private void verify(Set<Integer> acked, Set<Integer> started, boolean afterCrash, boolean reclaim) {
        try (ShardStore store = ShardStore.open(dir, ShardConfig.forTests())) {
            assertEquals(afterCrash, store.index().rebuiltAtOpen(), "only a killed process leaves an index to rebuild");
            assertEquals(List.of(), store.meta().audit(20));
            for (int n : acked) {
                SectorInfo info = store.sectorInfo(CrashWriter.sectorId(n)).block(TIMEOUT).orElseThrow(
                        () -> new AssertionError("acknowledged sector " + n + " is gone"));
                assertArrayEquals(CrashWriter.content(n), read(store, info.id(), 0, -1), "bytes of " + n);
                if (n % 5 != 0) {
                    ObjectVersion v = store.getVersion("crash", "k" + n, null).block(TIMEOUT).orElseThrow(
                            () -> new AssertionError("acknowledged object " + n + " is gone"));
                    assertEquals(n, v.generation());
                }
            }
            List<SectorRecord> live = new ArrayList<>();
            store.meta().forEachSector(live::add);
            for (SectorRecord s : live) {
                int n = (int) (s.id().hi() & 0xFFFF_FFFFL);
                assertTrue(started.contains(n), "sector of never-started object " + n);
                assertArrayEquals(CrashWriter.content(n), read(store, s.id(), 0, -1), "bytes of in-doubt " + n);
            }
            if (reclaim) {
                store.reclaimExpiredTemporarySectors(Instant.now().plus(Duration.ofHours(2))).block(TIMEOUT);
                assertEquals(0, store.stats().block(TIMEOUT).temporarySectors());
                live.clear();
                store.meta().forEachSector(live::add);
                for (SectorRecord s : live) {
                    assertTrue(s.state() == io.coffer.shard.meta.SectorState.COMMITTED);
                }
                long reserved = live.stream().mapToLong(s -> ExtentAllocator.reserved(s.length())).sum();
                assertEquals(reserved, store.stats().block(TIMEOUT).bytesUsed());
                assertEquals(Optional.empty(), store.sectorInfo(CrashWriter.sectorId(5)).block(TIMEOUT));
                assertEquals(List.of(), store.meta().audit(20));
            }
        }
    }

    private record Run(Set<Integer> started, Set<Integer> acked) {
    }

    private Run runAndKill(int first, int killAfter) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dio.netty")) {
                command.add(arg);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashWriter.class.getName());
        command.add(dir.toString());
        command.add(Integer.toString(first));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<Integer> started = new HashSet<>();
        Set<Integer> acked = new HashSet<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while ((line = in.readLine()) != null) {
                if (line.startsWith("START ")) {
                    started.add(Integer.parseInt(line.substring(6)));
                } else if (line.startsWith("ACK ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                    if (acked.size() >= killAfter) {
                        // SIGKILL on Linux: no shutdown hooks, no clean close. Through the handle,
                        // because Process.destroyForcibly also closes our end of the pipe
                        child.toHandle().destroyForcibly();
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    child.destroyForcibly();
                    throw new AssertionError("child made no progress: " + acked.size() + " acks");
                }
            }
            // lines already written before the kill still count
            while ((line = in.readLine()) != null) {
                if (line.startsWith("START ")) {
                    started.add(Integer.parseInt(line.substring(6)));
                } else if (line.startsWith("ACK ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(!child.isAlive());
        return new Run(started, acked);
    }
}
