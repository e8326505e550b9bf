package io.coffer.shard;

public final class ShardServerMain {
    public static void main(String[] args) {
        System.out.println("coffer shard");
    }
}
