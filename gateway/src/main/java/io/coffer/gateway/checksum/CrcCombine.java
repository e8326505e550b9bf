package io.coffer.gateway.checksum;

/**
 * Combines two reflected CRCs, crc(A) and crc(B), into crc(A || B) knowing only |B|, as zlib's
 * crc32_combine does: appending |B| zero bytes to A is a linear map over GF(2), applied by repeated
 * squaring in O(log |B|) matrix products. Valid for CRCs whose init and xorout are both all ones (CRC32,
 * CRC32C, CRC64NVME), where the conditioning cancels out.
 */
final class CrcCombine {

    private CrcCombine() {
    }

    /**
     * @param width   32 or 64
     * @param poly    reflected polynomial
     */
    static long combine(long crc1, long crc2, long len2, int width, long poly) {
        if (len2 <= 0) {
            return crc1;
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long[] odd = new long[width];
        long[] even = new long[width];
        // Operator for one zero bit.
        odd[0] = poly;
        long row = 1;
        for (int n = 1; n < width; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd, width); // two zero bits
        square(odd, even, width); // four zero bits
        crc1 &= mask;
        // Apply len2 zero bytes: the first squaring below gives the one-byte operator.
        do {
            square(even, odd, width);
            if ((len2 & 1) != 0) {
                crc1 = times(even, crc1);
            }
            len2 >>>= 1;
            if (len2 == 0) {
                break;
            }
            square(odd, even, width);
            if ((len2 & 1) != 0) {
                crc1 = times(odd, crc1);
            }
            len2 >>>= 1;
        } while (len2 != 0);
        return (crc1 ^ crc2) & mask;
    }

    private static long times(long[] matrix, long vector) {
        long sum = 0;
        int i = 0;
        while (vector != 0) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
            vector >>>= 1;
            i++;
        }
        return sum;
    }

    private static void square(long[] square, long[] matrix, int width) {
        for (int n = 0; n < width; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }
}
