package io.coffer.shard.index;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Chronicle Map value codec: a sector location as {@code long[3]} (volume index, offset, length), stored in 20
 * bytes (int, long, long). See {@link SectorKeyMarshaller} for why it is hand-written and public.
 */
public final class SectorLocationMarshaller
        implements SizedReader<long[]>, SizedWriter<long[]>, EnumMarshallable<SectorLocationMarshaller> {
    public static final SectorLocationMarshaller INSTANCE = new SectorLocationMarshaller();
    static final int SIZE = 4 + 8 + 8;

    private SectorLocationMarshaller() {
    }

    @Override
    public long size(long[] location) {
        return SIZE;
    }

    @Override
    public void write(Bytes out, long size, long[] location) {
        out.writeInt((int) location[0]);
        out.writeLong(location[1]);
        out.writeLong(location[2]);
    }

    @Override
    public long[] read(Bytes in, long size, long[] using) {
        long[] v = using != null && using.length == 3 ? using : new long[3];
        v[0] = in.readInt();
        v[1] = in.readLong();
        v[2] = in.readLong();
        return v;
    }

    @Override
    public SectorLocationMarshaller readResolve() {
        return INSTANCE;
    }
}
