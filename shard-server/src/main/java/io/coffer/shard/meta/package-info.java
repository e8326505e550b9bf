/**
 * The shard's metadata in one LMDB environment ({@code <dataDir>/meta/}): buckets, object versions,
 * multipart uploads and parts, sectors, sector references, temporary-sector ages, volumes, jobs,
 * control records and the shard's identity, each in a named database with one codec per record
 * (a format byte first, then compact big-endian/varint fields; no Java serialization).
 *
 * <p>Key decisions:
 * <ul>
 *   <li>Version rows are keyed {@code bucket 0x00 key 0x00 ~generation}: keys list in binary UTF-8
 *       order and versions newest first. Keys longer than 400 bytes (S3 allows 1024, LMDB keys stop
 *       at 511) keep their first 400 bytes plus a hash; the full key lives in the value and the rare
 *       group of long keys sharing those 400 bytes is sorted in memory during scans
 *       ({@link io.coffer.shard.meta.OrderedKeys}, {@link io.coffer.shard.meta.OrderedCursor}).
 *       The 0x00 terminator is why keys containing U+0000 are rejected.</li>
 *   <li>Listing collapses a common prefix with one cursor seek to {@code prefix 0xFF} (UTF-8 never
 *       contains 0xFF), so a sub-tree costs a seek, not a walk.</li>
 *   <li>Space is freed by asking, not counting: the refs database holds one row per (sector, owner)
 *       and a sector is deleted only when a range seek finds no row for it (hostd's lesson).</li>
 *   <li>The environment runs with {@code MDB_NOSYNC}; the store's group committer calls
 *       {@link io.coffer.shard.meta.MetaStore#sync()} so one fsync covers a batch of commits. A full
 *       map is grown and the transaction re-run; a map that cannot grow, or a full disk, is
 *       {@code NO_SPACE}.</li>
 * </ul>
 */
package io.coffer.shard.meta;
