/**
 * The off-heap sector-location index (sector id → volume, offset, length) on the read hot path: a Chronicle
 * Map derived from LMDB, trusted only after a clean shutdown and rebuilt from LMDB otherwise.
 */
package io.coffer.shard.index;
