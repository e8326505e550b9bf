package io.coffer.gateway.s3.multipart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Binary encoding of upload and part state: length-prefixed fields in a fixed order. */
final class StateCodec {
    private StateCodec() {
    }

    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer string(String s) {
            return bytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        Writer bytes(byte[] b) {
            try {
                out.writeInt(b.length);
                out.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer number(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer map(Map<String, String> m) {
            number(m.size());
            for (Map.Entry<String, String> e : m.entrySet()) {
                string(e.getKey()).string(e.getValue());
            }
            return this;
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }
    }

    static final class Reader {
        private final DataInputStream in;

        Reader(byte[] b) {
            in = new DataInputStream(new ByteArrayInputStream(b));
        }

        String string() {
            return new String(bytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            try {
                int n = in.readInt();
                if (n < 0 || n > in.available()) {
                    throw new IllegalArgumentException("bad state field length " + n);
                }
                return in.readNBytes(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long number() {
            try {
                return in.readLong();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Map<String, String> map() {
            long n = number();
            if (n < 0 || n > 100_000) {
                throw new IllegalArgumentException("bad state map size " + n);
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (long i = 0; i < n; i++) {
                m.put(string(), string());
            }
            return m;
        }
    }
}
