package io.coffer.shard.meta;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import java.util.ArrayList;
import java.util.List;

/** The list of sector references shared by version and part values. */
final class SectorRefsCodec {
    private SectorRefsCodec() {
    }

    static void write(RecordWriter w, List<SectorRef> refs) {
        w.writeVarLong(refs.size());
        for (SectorRef r : refs) {
            w.writeLong(r.id().hi()).writeLong(r.id().lo()).writeVarLong(r.length());
        }
    }

    static List<SectorRef> read(RecordReader in) {
        long n = in.readVarLong();
        if (n > 1_000_000) {
            throw new CorruptRecordException("too many sector refs: " + n);
        }
        List<SectorRef> refs = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            refs.add(new SectorRef(new SectorId(in.readLong(), in.readLong()), in.readVarLong()));
        }
        return refs;
    }
}
