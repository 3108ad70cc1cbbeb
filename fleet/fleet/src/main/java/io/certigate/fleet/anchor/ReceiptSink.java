package io.certigate.fleet.anchor;

/**
 * Hands a gateway the receipt of one of its statements (over MQTT in production).
 * Returns once the transport has it (an MQTT QoS 1 publish acknowledged by the broker); throws when
 * it could not, and the receipt is handed over again at the next step. Gateways dedupe: a receipt
 * may arrive more than once, never not at all.
 */
@FunctionalInterface
public interface ReceiptSink {
    void deliver(String device, byte[] statementHash, byte[] receipt) throws Exception;
}
