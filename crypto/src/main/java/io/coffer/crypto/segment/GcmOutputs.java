package io.coffer.crypto.segment;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;

/**
 * The pool that AES-GCM decryption output buffers come from (plaintext of a GET), which no
 * input buffer is ever taken from. Why: JDK 17's GCM decides whether an input and an output may overlap by
 * whether they are backed by the same memory (the same array for heap buffers, the same base address for
 * direct ones), and when they might it works through a fresh copy of the output: a 64 KiB allocation and
 * two copies per segment ({@code DecryptBufferBenchmark.directSameBlock} reproduces the direct layout).
 * A pooling allocator hands out slices of shared chunks, so an input and an output from one pool often
 * share one: a JFR profile of the 1 MiB GET path had 11 % of all CPU samples in that copy, an allocation
 * profile of a multipart upload 65 % of its samples (docs/decisions/get-path-buffers.md and
 * buffer-pooling.md). Inputs (sector reads) come from the default allocator, outputs from this one, so the
 * two never share a chunk. A PUT's staged and sealed segments come from {@link SegmentArrays}, an array each.
 */
final class GcmOutputs {
    static final ByteBufAllocator POOL = new AdaptiveByteBufAllocator(true);

    private GcmOutputs() {
    }
}
