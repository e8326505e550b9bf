package io.coffer.shard.index;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Chronicle Map key codec: a sector id as {@code long[2]} (hi, lo), 16 bytes. A hand-written codec instead of a
 * Chronicle Values interface, because Values generates and compiles classes with javac at run time, which cost
 * over ten seconds at startup on this machine under load. Public only because Chronicle records the codec class
 * in the map file and instantiates it by name on reopen.
 */
public final class SectorKeyMarshaller
        implements SizedReader<long[]>, SizedWriter<long[]>, EnumMarshallable<SectorKeyMarshaller> {
    public static final SectorKeyMarshaller INSTANCE = new SectorKeyMarshaller();
    static final int SIZE = 16;

    private SectorKeyMarshaller() {
    }

    @Override
    public long size(long[] key) {
        return SIZE;
    }

    @Override
    public void write(Bytes out, long size, long[] key) {
        out.writeLong(key[0]);
        out.writeLong(key[1]);
    }

    @Override
    public long[] read(Bytes in, long size, long[] using) {
        long[] k = using != null && using.length == 2 ? using : new long[2];
        k[0] = in.readLong();
        k[1] = in.readLong();
        return k;
    }

    @Override
    public SectorKeyMarshaller readResolve() {
        return INSTANCE;
    }
}
