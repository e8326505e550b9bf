/**
 * Body integrity: MD5 for ETags, the S3 additional checksums (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256) in
 * one pass over Netty buffers ({@link io.coffer.gateway.checksum.BodyDigests}), the checks S3 applies
 * (Content-MD5, x-amz-content-sha256, x-amz-checksum-*, each failing with its S3 code in a
 * {@link io.coffer.gateway.checksum.DigestException}), and multipart COMPOSITE and FULL_OBJECT checksums
 * ({@link io.coffer.gateway.checksum.MultipartChecksum}).
 */
package io.coffer.gateway.checksum;
