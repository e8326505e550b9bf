package io.coffer.shard.api;

import java.util.List;

/** One uploaded part; re-uploading a part number replaces it (and unreferences its old sectors). */
public record UploadPart(String uploadId, int partNumber, long size, String etag, long lastModifiedMillis,
                         List<SectorRef> sectors, byte[] state) {
    public UploadPart {
        if (partNumber < 1 || partNumber > 10_000) {
            throw new IllegalArgumentException("part number out of range");
        }
        sectors = sectors == null ? List.of() : List.copyOf(sectors);
        state = state == null ? new byte[0] : state;
    }
}
