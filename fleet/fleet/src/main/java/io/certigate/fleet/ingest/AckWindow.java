package io.certigate.fleet.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages of one MQTT connection that are received and not yet acknowledged, in the order they
 * arrived. A message is acknowledged once it is done (Kafka has it) and every message that arrived
 * before it on the connection is too: PUBACKs go out in the order the PUBLISHes came (MQTT 3.1.1
 * §4.6, MQTT-4.6.0-2). A message that is never done (a failed produce) therefore holds back every
 * later acknowledgement: the connection is dropped and the broker sends them all again, in order.
 *
 * <p>Holds at most {@code capacity} messages (the in-flight limit); pure, no I/O. Thread-safe.
 */
final class AckWindow {
    /** A PUBACK to send. */
    record Ack(int messageId, int qos) {
    }

    private final int[] ids;
    private final byte[] qos;
    private final boolean[] done;
    private int head;
    private int count;
    /** The slot number of the message at {@link #head}. */
    private long firstSlot;
    private boolean closed;

    AckWindow(int capacity) {
        ids = new int[capacity];
        qos = new byte[capacity];
        done = new boolean[capacity];
    }

    /**
     * Adds a message that just arrived; returns its slot, or -1 when the window is closed (its
     * connection ended) or full (the caller holds no in-flight permit for it).
     */
    synchronized long add(int messageId, int messageQos) {
        if (closed || count == ids.length) {
            return -1;
        }
        int i = (head + count) % ids.length;
        ids[i] = messageId;
        qos[i] = (byte) messageQos;
        done[i] = false;
        count++;
        return firstSlot + count - 1;
    }

    /**
     * Marks {@code slot} done and removes the acknowledgements now due, in arrival order: the done
     * messages at the front. Empty when the window was closed or the slot is not in it.
     */
    synchronized List<Ack> complete(long slot) {
        long index = slot - firstSlot;
        if (closed || index < 0 || index >= count) {
            return List.of();
        }
        done[(int) ((head + index) % ids.length)] = true;
        List<Ack> due = new ArrayList<>();
        while (count > 0 && done[head]) {
            due.add(new Ack(ids[head], qos[head]));
            head = (head + 1) % ids.length;
            count--;
            firstSlot++;
        }
        return due;
    }

    /** Closes the window (its connection ended); returns how many messages it dropped unacknowledged. */
    synchronized int close() {
        if (closed) {
            return 0;
        }
        closed = true;
        int dropped = count;
        count = 0;
        return dropped;
    }

    synchronized int size() {
        return count;
    }
}
