package io.coffer.gateway;

public final class GatewayMain {
    public static void main(String[] args) {
        System.out.println("coffer gateway");
    }
}
