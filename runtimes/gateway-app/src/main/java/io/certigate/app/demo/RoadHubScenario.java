package io.certigate.app.demo;

import io.certigate.meter.coap.CoapIngestServer;
import io.certigate.meter.coap.SensorSequences;
import io.certigate.simulators.coap.RoadSensorFleet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A road-maintenance hub: the CoAP ingest server (DTLS-PSK, one key per sensor) on loopback, and a
 * fleet of five simulated road sensors posting shock events as SenML through a relay that loses
 * 10 % of the datagrams in each direction. The sensors' sequence marks (which recognise a retried
 * pack) are kept in the hub's own buffer file, in the ingest's table, as {@code certigate run} does
 * by default.
 */
public final class RoadHubScenario implements DemoScenario {
    private static final int SENSORS = 5;
    private CoapIngestServer server;
    private RoadSensorFleet fleet;
    private volatile boolean running;

    @Override
    public String name() {
        return "road-hub";
    }

    @Override
    public AutoCloseable start(Context ctx) throws Exception {
        Map<String, byte[]> keys = RoadSensorFleet.keys(SENSORS, 2026);
        SensorSequences sequences = SensorSequences.inBuffer(ctx.buffer(), ctx.clock());
        server = new CoapIngestServer(CoapIngestServer.Options.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), keys),
                ctx.sink(), sequences, ctx.clock()).start();
        ExecutorService threads = Executors.newCachedThreadPool(r -> new Thread(r, "road-hub-demo"));
        fleet = new RoadSensorFleet(SENSORS, server.address(), "senml", 0.10, 2026, threads);
        running = true;
        java.util.concurrent.CountDownLatch posting = new java.util.concurrent.CountDownLatch(1);
        threads.execute(() -> {
            try {
                while (running) {
                    try {
                        fleet.run(1);
                    } catch (Exception e) {
                        if (running) {
                            ctx.out().println("    road-hub: sensor post failed: " + e.getMessage());
                        }
                    }
                }
            } finally {
                posting.countDown();
            }
        });
        ctx.out().println("    road-hub: coaps://" + server.address().getHostString() + ":" + server.address().getPort()
                + "/senml, " + SENSORS + " sensors over a lossy link");
        return () -> {
            running = false;
            // let the post in flight finish first: a sensor closed under a retransmission makes
            // Californium log the send it can no longer make
            try {
                posting.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fleet.close();
            server.close();
            sequences.close();
            threads.shutdownNow();
        };
    }

    @Override
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        if (server != null) {
            var s = server.stats();
            lines.add(String.format("%d shock events acknowledged, %d unanswered (all retransmissions lost, or cut at shutdown);"
                    + " %d datagrams dropped by the link",
                    fleet.acknowledged(), fleet.failed(), fleet.relay().dropped()));
            lines.add(String.format("hub stored %d packs (%d readings), %d duplicates recognised, %d rejected", s.stored(), s.readings(),
                    s.duplicates(), s.rejected()));
        }
        return lines;
    }
}
