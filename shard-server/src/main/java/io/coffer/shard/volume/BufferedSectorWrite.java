package io.coffer.shard.volume;

import io.coffer.shard.api.NewSector;
import io.coffer.shard.api.SectorId;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * Sectors whose bytes are all in memory (a small object's), written in one go as the
 * {@link GroupCommitter.Prewrite} of the request that records them: on the commit thread, at the
 * start of the batch whose volume fsyncs then make them durable. No scheduler hop, no per-buffer
 * signals: a 4 KiB sector is one allocation and one positional write.
 *
 * <p>Ownership: the buffers are released once written, or by {@link #release} if the write never
 * runs; the extents belong to this object until the caller has recorded them, and
 * {@link #freeAll} gives back whatever it allocated (only after {@link #write} has returned or
 * never ran, so no late write can land in space handed to another sector).
 */
public final class BufferedSectorWrite implements GroupCommitter.Prewrite {
    private final VolumeSet volumes;
    private final List<NewSector> sectors;
    private final List<WrittenSector> written;
    private final AtomicBoolean released = new AtomicBoolean();

    public BufferedSectorWrite(VolumeSet volumes, List<NewSector> sectors) {
        this.volumes = volumes;
        this.sectors = List.copyOf(sectors);
        this.written = new ArrayList<>(sectors.size());
    }

    /** Allocates and writes every sector (not yet durable); answers the volumes written. */
    @Override
    public Set<Integer> write() {
        try {
            Set<Integer> dirty = new TreeSet<>();
            for (NewSector s : sectors) {
                ByteBuf bytes = s.bytes();
                Extent extent = volumes.allocate(bytes.readableBytes());
                // listed before writing, so a failed write still frees it
                int at = written.size();
                written.add(new WrittenSector(extent, 0));
                Volume volume = volumes.volume(extent.volumeIndex());
                CRC32C crc = new CRC32C();
                long pos = extent.offset();
                for (ByteBuffer b : bytes.nioBuffers(bytes.readerIndex(), bytes.readableBytes())) {
                    crc.update(b.duplicate());
                    pos += volume.write(b, pos);
                }
                written.set(at, new WrittenSector(extent, (int) crc.getValue()));
                dirty.add(extent.volumeIndex());
            }
            return dirty;
        } finally {
            release();
        }
    }

    /** The sector ids, in order. */
    public List<SectorId> ids() {
        return sectors.stream().map(NewSector::id).toList();
    }

    /** What {@link #write} wrote, in order (after it returned). */
    public List<WrittenSector> written() {
        return List.copyOf(written);
    }

    /** Releases the buffers if {@link #write} has not (idempotent). */
    public void release() {
        if (released.compareAndSet(false, true)) {
            for (NewSector s : sectors) {
                s.bytes().release();
            }
        }
    }

    /** Gives back the extents written for the sectors in {@code ids} (not recorded: already stored). */
    public void free(Set<SectorId> ids) {
        for (int i = 0; i < written.size(); i++) {
            if (ids.contains(sectors.get(i).id())) {
                volumes.free(written.get(i).extent());
            }
        }
    }

    /** Gives back every extent allocated: nothing was recorded. */
    public void freeAll() {
        for (WrittenSector w : written) {
            volumes.free(w.extent());
        }
        written.clear();
    }
}
