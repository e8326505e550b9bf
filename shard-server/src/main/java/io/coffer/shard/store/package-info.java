/**
 * The shard storage engine: {@link io.coffer.shard.store.ShardStore} joins the LMDB metadata
 * ({@code io.coffer.shard.meta}) with the volume layer ({@code io.coffer.shard.volume}) and the
 * sector-location index ({@code io.coffer.shard.index}) behind the {@code Shard} API, and serves
 * the embedded {@code ControlStore}.
 *
 * <p>Ordering rules it keeps: sector bytes are durable before the transaction that records them
 * commits; a mutation is acknowledged only once its transaction is durable per the fsync policy;
 * an extent returns to the allocator only after the transaction that deleted its sector is
 * durable, so a crash can never leave a record pointing at bytes a newer sector overwrote.
 */
package io.coffer.shard.store;
