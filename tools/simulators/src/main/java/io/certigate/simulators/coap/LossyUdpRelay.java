package io.certigate.simulators.coap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay on loopback that drops a share of the datagrams in both directions, DTLS handshake
 * records included: the lossy radio link between road sensors and the hub. Each client gets its
 * own upstream socket, so the server sees distinct peers.
 */
public final class LossyUdpRelay implements AutoCloseable {
    private final DatagramSocket front;
    private final InetSocketAddress target;
    private final double loss;
    private final Random random;
    private final ExecutorService executor;
    private final Map<SocketAddress, DatagramSocket> upstreams = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;

    public LossyUdpRelay(InetSocketAddress target, double loss, long seed, ExecutorService executor) throws SocketException {
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.target = target;
        this.loss = loss;
        this.random = new Random(seed);
        this.executor = executor;
        executor.execute(this::frontLoop);
    }

    /** Where sensors send instead of the server. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), front.getLocalPort());
    }

    private boolean drop() {
        synchronized (random) {
            return random.nextDouble() < loss;
        }
    }

    private void frontLoop() {
        byte[] buf = new byte[2048];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                front.receive(p);
                SocketAddress client = p.getSocketAddress();
                DatagramSocket up = upstreams.computeIfAbsent(client, this::openUpstream);
                if (up == null || drop()) {
                    dropped.incrementAndGet();
                    continue;
                }
                up.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), target));
                forwarded.incrementAndGet();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private DatagramSocket openUpstream(SocketAddress client) {
        try {
            DatagramSocket up = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            executor.execute(() -> backLoop(up, client));
            return up;
        } catch (SocketException e) {
            return null;
        }
    }

    private void backLoop(DatagramSocket up, SocketAddress client) {
        byte[] buf = new byte[2048];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                up.receive(p);
                if (drop()) {
                    dropped.incrementAndGet();
                    continue;
                }
                front.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), client));
                forwarded.incrementAndGet();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        running = false;
        front.close();
        upstreams.values().forEach(DatagramSocket::close);
    }
}
