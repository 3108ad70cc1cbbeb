package io.certigate.uplink;

/**
 * The transport's answer for one batch, queued from its callback thread: to the sending task (a
 * window slot is free, or the send failed) and, when it succeeded, to the marking task.
 *
 * @param generation the pump's generation the batch was sent in (a rewind starts a new one)
 * @param failure    null when the peer has the records
 */
record BatchAck(long generation, long first, long last, Throwable failure) {}
