package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadSpecTest {

    @Test
    void namesParseIntoOpSizeAndConcurrency() {
        record Case(String name, WorkloadSpec.Op op, long size, int c) {}
        Case[] cases = {
            new Case("put-1m-c8", WorkloadSpec.Op.PUT, 1 << 20, 8),
            new Case("get-64m-c32", WorkloadSpec.Op.GET, 64L << 20, 32),
            new Case("range-1m-c1", WorkloadSpec.Op.RANGE, 1 << 20, 1),
            new Case("head-4k-c16", WorkloadSpec.Op.HEAD, 4096, 16),
            new Case("delete-4k-c16", WorkloadSpec.Op.DELETE, 4096, 16),
            new Case("mpu-1g-c4", WorkloadSpec.Op.MPU, 1L << 30, 4),
            new Case("PUT-100-c2", WorkloadSpec.Op.PUT, 100, 2),
            new Case("list-flat-c1", WorkloadSpec.Op.LIST_FLAT, 0, 1),
            new Case("list-delim-c4", WorkloadSpec.Op.LIST_DELIM, 0, 4),
        };
        for (Case c : cases) {
            WorkloadSpec s = WorkloadSpec.parse(c.name());
            assertEquals(c.op(), s.op(), c.name());
            assertEquals(c.size(), s.size(), c.name());
            assertEquals(c.c(), s.concurrency(), c.name());
        }
        assertTrue(WorkloadSpec.parse("mpu-256m-c4").movesBytes());
        assertFalse(WorkloadSpec.parse("head-4k-c16").movesBytes());
    }

    @Test
    void unknownOrUnboundedNamesAreRejected() {
        for (String bad : new String[] {"copy-1m-c1", "put-1m", "put-1m-c0", "put-1m-c1000", "list-c1", "put-1x-c1"}) {
            assertThrows(IllegalArgumentException.class, () -> WorkloadSpec.parse(bad), bad);
        }
    }

    @Test
    void optionsRequireLoopbackAndBoundedRuns() {
        String[] base = {"--access-key", "a", "--secret-key", "b", "--workloads", "put-1m-c1"};
        LoadOptions o = LoadOptions.parse(concat(base, "--endpoint", "http://127.0.0.1:9000", "--duration", "500ms"));
        assertEquals(Duration.ofMillis(500), o.duration());
        assertEquals("coffer-bench-list-10000", o.listBucket());
        assertTrue(o.checksums());
        assertFalse(LoadOptions.parse(concat(base, "--endpoint", "http://127.0.0.1:9000", "--no-checksums"))
                .checksums());
        assertTrue(o.settleDisk(), "dirty pages are flushed before each window unless told not to");
        LoadOptions unsettled = LoadOptions.parse(concat(base, "--endpoint", "http://127.0.0.1:9000",
                "--no-disk-settle", "--no-checksums"));
        assertFalse(unsettled.settleDisk());
        assertFalse(unsettled.checksums());
        assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(concat(base, "--endpoint", "http://10.0.0.1:9000")));
        assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(concat(base, "--endpoint", "http://127.0.0.1:9000", "--duration", "0s")));
        assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(concat(base, "--endpoint", "http://127.0.0.1:9000", "--part-size", "1m")));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(concat(base, "--endpoint",
                "http://127.0.0.1:9000", "--repeats", "2", "--out", "one-file.jsonl")));
        LoadOptions twice = LoadOptions.parse(concat(base, "--endpoint", "http://127.0.0.1:9000",
                "--repeats", "2", "--warm-pass", "3s", "--out", "res-r{r}.jsonl"));
        assertEquals(Duration.ofSeconds(3), twice.warmPass());
        assertEquals(java.nio.file.Path.of("res-r2.jsonl"), twice.out(2));
        assertEquals(Duration.ZERO, o.warmPass());
        assertEquals(1, o.repeats());
        assertEquals(Duration.ofMinutes(30), LoadOptions.parseDuration("30m"));
        assertEquals(Duration.ofSeconds(7), LoadOptions.parseDuration("7"));
    }

    @Test
    void peerOptionsGoTogetherAndAPairedRunNeedsLabelInOut() {
        String[] first = {"--endpoint", "http://127.0.0.1:9000", "--access-key", "a", "--secret-key", "b",
            "--label", "coffer", "--workloads", "put-1m-c1"};
        String[] peer = {"--peer-endpoint", "http://127.0.0.1:18080", "--peer-access-key", "pa",
            "--peer-secret-key", "pb", "--peer-label", "s3proxy"};
        String[] both = concat(first, peer);

        LoadOptions paired = LoadOptions.parse(concat(both, "--repeats", "2", "--out", "res/{label}-r{r}.jsonl"));
        assertEquals(List.of(new LoadOptions.Target("coffer", URI.create("http://127.0.0.1:9000"), "a", "b", 0),
                new LoadOptions.Target("s3proxy", URI.create("http://127.0.0.1:18080"), "pa", "pb", 0)),
                paired.targets());
        LoadOptions withPids = LoadOptions.parse(concat(both, "--out", "{label}.jsonl", "--server-pid", "41",
                "--peer-server-pid", "42"));
        assertEquals(41, withPids.targets().get(0).pid());
        assertEquals(42, withPids.targets().get(1).pid());
        IllegalArgumentException noPeer = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(concat(first, "--peer-server-pid", "42")));
        assertTrue(noPeer.getMessage().contains("paired run"), noPeer.getMessage());
        assertEquals(Path.of("res/s3proxy-r2.jsonl"), paired.out(2, "s3proxy"));
        assertEquals(Path.of("res/coffer-r1.jsonl"), paired.out(1));

        for (int i = 0; i < peer.length; i += 2) {
            String[] one = {peer[i], peer[i + 1]};
            String[] three = new String[peer.length - 2];
            System.arraycopy(peer, 0, three, 0, i);
            System.arraycopy(peer, i + 2, three, i, peer.length - i - 2);
            for (String[] some : List.of(one, three)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> LoadOptions.parse(concat(concat(first, some), "--out", "{label}.jsonl")),
                        String.join(" ", some));
                assertTrue(e.getMessage().contains("all four or none"), e.getMessage());
            }
        }
        for (String[] noLabel : List.of(both, concat(both, "--out", "res.jsonl"),
                concat(both, "--repeats", "2", "--out", "res-r{r}.jsonl"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoadOptions.parse(noLabel), String.join(" ", noLabel));
            assertTrue(e.getMessage().contains("--out path containing {label}"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(concat(both, "--out", "{label}.jsonl",
                "--peer-endpoint", "http://10.0.0.1:18080")));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(concat(both, "--out", "{label}.jsonl",
                "--peer-label", "coffer")));

        // one target: no peer, and {label} in --out is allowed and replaced
        LoadOptions single = LoadOptions.parse(concat(first, "--repeats", "2", "--out", "{label}-r{r}.jsonl"));
        assertNull(single.peer());
        assertEquals(1, single.targets().size());
        assertEquals(Path.of("coffer-r2.jsonl"), single.out(2));
    }

    @Test
    void resultLineIsOneJsonObjectWithEscapedError() {
        WorkloadResult r = new WorkloadResult("s3proxy", WorkloadSpec.parse("get-1m-c8"), true, 2.0, 100,
                100L << 20, 1, 1500, 9000, 12000, 0, "bad \"quote\"\nnewline");
        String json = r.toJson();
        assertFalse(json.contains("\n"));
        assertTrue(json.startsWith("{\"workload\":\"get-1m-c8\",\"server\":\"s3proxy\""), json);
        assertTrue(json.contains("\"mb_s\":52.4"), json);
        assertTrue(json.contains("\"ops_s\":50.0"), json);
        assertTrue(json.contains("\"p50_ms\":1.500"), json);
        assertTrue(json.contains("\"first_error\":\"bad \\\"quote\\\"\\nnewline\""), json);
        assertFalse(json.contains("cpu_us_per_op"), "no CPU accounting unless measured: " + json);
        String withCpu = new WorkloadResult("s3proxy", WorkloadSpec.parse("get-1m-c8"), true, 2.0, 100,
                100L << 20, 0, 1500, 9000, 12000, 0, null, 812.25, 1234.5).toJson();
        assertTrue(withCpu.contains("\"client_cpu_us_per_op\":812.3,\"server_cpu_us_per_op\":1234.5}"), withCpu);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
