package io.coffer.benchmarks.load;

import java.io.InputStream;

/** Streams {@code length} bytes of a {@link Payload} stream starting at {@code offset}. */
public final class PayloadInputStream extends InputStream {
    private final long stream;
    private final long start;
    private final long end;
    private long position;
    private long mark;

    public PayloadInputStream(long stream, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be >= 0");
        }
        this.stream = stream;
        this.start = offset;
        this.end = offset + length;
        this.position = offset;
        this.mark = offset;
    }

    @Override
    public int read() {
        if (position >= end) {
            return -1;
        }
        return Payload.byteAt(stream, position++) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        long left = end - position;
        if (left <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, left);
        Payload.fill(stream, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long s = Math.max(0, Math.min(n, end - position));
        position += s;
        return s;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }

    // mark/reset let the SDK re-read a body (checksums, retries) without buffering it
    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
        mark = position;
    }

    @Override
    public synchronized void reset() {
        position = mark;
    }

    long bytesRead() {
        return position - start;
    }
}
