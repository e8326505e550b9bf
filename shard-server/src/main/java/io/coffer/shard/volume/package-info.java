/**
 * Sector data on disk: preallocated volume files, the in-memory extent allocator, streaming writes with
 * CRC32C, durability (fsync policies and group commit) and reads (buffered and zero-copy).
 *
 * <p>LMDB ({@code io.coffer.shard.meta}) is the truth about which extents hold sectors; nothing in this package
 * persists allocation state. The store uses it like this:
 * <pre>{@code
 * VolumeSet volumes = VolumeSet.open(dataDir, config);        // <dataDir>/volumes/<uuid>.vol
 * volumes.rebuildAllocation(extentsOfAllSectorsInLmdb);        // before the first allocate
 * SectorWriter writer = new SectorWriter(volumes, ioScheduler);
 * GroupCommitter committer = new GroupCommitter(volumes, config.fsyncPolicy(), ioScheduler);
 *
 * writer.allocateAndWrite(length, body)                        // bytes in the page cache, CRC32C computed
 *     .flatMap(w -> committer.commitVolumes(Set.of(w.extent().volumeIndex()))   // sector bytes durable
 *         .then(Mono.fromCallable(() -> lmdbInsertSector(w)).subscribeOn(ioScheduler)) // MDB_NOSYNC txn
 *         .then(committer.commitMetadata(envSync)));           // txn durable (one env.sync per batch)
 * }</pre>
 * A failed write frees its extent itself; after a successful one the caller owns the extent and frees it with
 * {@link io.coffer.shard.volume.VolumeSet#free} once LMDB shows no reference to the sector.
 */
package io.coffer.shard.volume;
