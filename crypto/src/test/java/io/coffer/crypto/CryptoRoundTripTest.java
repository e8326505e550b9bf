package io.coffer.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.Part;
import io.coffer.crypto.manifest.ReadPlan;
import io.coffer.crypto.manifest.SectorRef;
import io.coffer.crypto.segment.SegmentDecryptor;
import io.coffer.crypto.segment.SegmentEncryptor;
import io.coffer.crypto.segment.SegmentLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * The whole library the way the gateway uses it: a multipart upload is encrypted part by part, cut into
 * sectors, described by a signed manifest; a GET verifies, unwraps and decrypts a range spanning parts; the
 * master key rotates without touching sector bytes; SSE-C objects need the customer key.
 */
class CryptoRoundTripTest {
    private static final int SEG = 1024;
    private static final int SECTOR = 5000;
    private final SegmentLayout layout = new SegmentLayout(SEG);
    private final SegmentEncryptor encryptor = new SegmentEncryptor(layout, Unpooled.buffer().alloc());
    private final SegmentDecryptor decryptor = new SegmentDecryptor(layout, Unpooled.buffer().alloc());
    private final Random random = new Random(3);
    /** Stands in for the shards: sector id -> stored bytes. */
    private final Map<String, byte[]> sectors = new HashMap<>();

    @TempDir
    Path dir;

    @Test
    void multipartPutThenRangedGetThenRotate() throws Exception {
        MasterKeyring ring = MasterKeyring.loadOrCreate(dir.resolve("master.key"));
        ManifestSigner signer = new ManifestSigner(GatewaySigningKey.loadOrCreate(dir.resolve("gateway.key")));
        byte[][] partData = {bytes(3 * SEG + 17), bytes(SEG), bytes(5)};

        DataKey dek = DataKey.generate();
        List<Part> parts = new ArrayList<>();
        long size = 0;
        for (int i = 0; i < partData.length; i++) {
            byte[] partCid = bytes(16); // fresh per UploadPart call
            byte[] stored = collect(encryptor.encrypt(Flux.just(Unpooled.wrappedBuffer(partData[i])), dek, partCid,
                    i + 1));
            parts.add(new Part(i + 1, partData[i].length, md5Hex(partData[i]), store(stored), partCid));
            size += partData[i].length;
        }
        Manifest m = Manifest.builder().bucket("b").key("big").versionId("v1").generation(7).size(size)
                .etag("x-3").contentId(bytes(16)).segmentSize(SEG).wrappedKey(ring.wrap(dek)).parts(parts).build();
        byte[] blob = signer.sign(m);
        dek.destroy();

        byte[] whole = concat(partData);
        assertArrayEquals(whole, get(signer.verifyAndDecode(blob), ring, null, 0, whole.length - 1));
        assertArrayEquals(Arrays.copyOfRange(whole, 3000, 4116),
                get(signer.verifyAndDecode(blob), ring, null, 3000, 4115));

        // rotate: add a master key, re-wrap, re-sign; no sector byte changes
        Map<String, byte[]> before = deepCopy(sectors);
        MasterKeyring rotated = MasterKeyring.addNewKey(dir.resolve("master.key"));
        Manifest old = signer.verifyAndDecode(blob);
        byte[] newBlob = signer.sign(old.withWrappedKey(rotated.rewrap(old.wrappedDataKey())));
        Manifest now = signer.verifyAndDecode(newBlob);
        assertEquals(rotated.currentKeyId(), now.keyId());
        MasterKeyring onlyNew = MasterKeyring.of(List.of(lastKey(dir.resolve("master.key"))));
        assertArrayEquals(whole, get(now, onlyNew, null, 0, whole.length - 1));
        assertEquals(before.keySet(), sectors.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, sectors.get(k)));
        // the old manifest no longer opens with only the new key
        assertEquals(IntegrityException.Kind.WRONG_KEY, assertThrows(IntegrityException.class,
                () -> get(old, onlyNew, null, 0, 0)).kind());
    }

    @Test
    void sseCObjectNeedsTheCustomerKey() throws Exception {
        ManifestSigner signer = new ManifestSigner(GatewaySigningKey.generate());
        byte[] customer = bytes(32);
        String keyB64 = Base64.getEncoder().encodeToString(customer);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(customer));
        SseCustomerKey ssec = SseCustomerKey.of(keyB64, md5);

        byte[] data = bytes(2 * SEG + 1);
        DataKey dek = DataKey.generate();
        byte[] cid = bytes(16);
        byte[] stored = collect(encryptor.encrypt(Flux.just(Unpooled.wrappedBuffer(data)), dek, cid, 1));
        Manifest m = Manifest.builder().bucket("b").key("secret").generation(1).size(data.length)
                .etag(md5Hex(data)).contentId(cid).segmentSize(SEG).wrappedKey(ssec.wrap(dek))
                .sseC(ssec.keyMd5Base64()).parts(List.of(new Part(1, data.length, md5Hex(data), store(stored))))
                .build();
        Manifest back = signer.verifyAndDecode(signer.sign(m));
        assertArrayEquals(data, get(back, null, SseCustomerKey.of(keyB64, md5), 0, data.length - 1));

        byte[] other = bytes(32);
        SseCustomerKey wrong = SseCustomerKey.of(Base64.getEncoder().encodeToString(other),
                Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(other)));
        assertEquals(IntegrityException.Kind.WRONG_KEY, assertThrows(IntegrityException.class,
                () -> get(back, null, wrong, 0, 0)).kind());
    }

    /** The GET path: a read plan names the sector slices per part; each part's slice bytes are decrypted. */
    private byte[] get(Manifest m, MasterKeyring ring, SseCustomerKey ssec, long first, long last) {
        WrappedKey w = m.wrappedDataKey();
        DataKey dek = m.sseC() ? ssec.unwrap(w) : ring.unwrap(w);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ReadPlan.PartRead r : ReadPlan.of(m, first, last).parts()) {
            Flux<ByteBuf> stored = Flux.fromIterable(r.slices()).map(s -> Unpooled.wrappedBuffer(
                    sectors.get(Base64.getEncoder().encodeToString(s.sector().sectorId())),
                    (int) s.offset(), (int) s.length()));
            byte[] plain = collect(decryptor.decrypt(stored, dek, r.contentId(), r.part().partNumber(),
                    r.part().plaintextSize(), r.range()));
            out.write(plain, 0, plain.length);
        }
        dek.destroy();
        return out.toByteArray();
    }

    private List<SectorRef> store(byte[] stored) {
        List<SectorRef> refs = new ArrayList<>();
        for (int off = 0; off < stored.length; off += SECTOR) {
            byte[] id = bytes(16);
            byte[] chunk = Arrays.copyOfRange(stored, off, Math.min(stored.length, off + SECTOR));
            sectors.put(Base64.getEncoder().encodeToString(id), chunk);
            refs.add(new SectorRef(id, chunk.length));
        }
        return refs;
    }

    private static byte[] collect(Flux<ByteBuf> flux) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        flux.doOnNext(b -> {
            byte[] x = new byte[b.readableBytes()];
            b.readBytes(x);
            b.release();
            o.write(x, 0, x.length);
        }).blockLast();
        return o.toByteArray();
    }

    private static byte[] concat(byte[][] parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.write(p, 0, p.length);
        }
        return o.toByteArray();
    }

    private static Map<String, byte[]> deepCopy(Map<String, byte[]> m) {
        Map<String, byte[]> c = new HashMap<>();
        m.forEach((k, v) -> c.put(k, v.clone()));
        return c;
    }

    private static byte[] lastKey(Path file) throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(file);
        return Base64.getDecoder().decode(lines.get(lines.size() - 1).strip());
    }

    private static String md5Hex(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

}
