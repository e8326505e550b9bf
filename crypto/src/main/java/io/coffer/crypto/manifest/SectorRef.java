package io.coffer.crypto.manifest;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A sector a part's stored bytes live in, as the manifest names it (crypto's own type: this module does
 * not depend on the shard API, whose {@code SectorId} has the same 16-byte form).
 *
 * @param sectorId 16 bytes
 * @param length   stored (ciphertext) bytes of the part in this sector
 */
public record SectorRef(byte[] sectorId, long length) {
    public static final int ID_LENGTH = 16;

    public SectorRef {
        if (sectorId == null || sectorId.length != ID_LENGTH) {
            throw new IllegalArgumentException("sector id must be " + ID_LENGTH + " bytes");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("sector length must be > 0");
        }
        sectorId = sectorId.clone();
    }

    @Override
    public byte[] sectorId() {
        return sectorId.clone();
    }

    public String sectorIdHex() {
        return HexFormat.of().formatHex(sectorId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SectorRef s && s.length == length && Arrays.equals(s.sectorId, sectorId);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sectorId) * 31 + Long.hashCode(length);
    }

    @Override
    public String toString() {
        return "SectorRef[" + sectorIdHex() + ", " + length + "]";
    }
}
