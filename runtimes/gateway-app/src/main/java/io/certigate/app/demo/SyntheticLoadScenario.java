package io.certigate.app.demo;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.simulators.load.LoadGenerator;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A synthetic source at a fixed rate: a vehicle's odometer advancing 0.1 km per reading. It exercises
 * the spine (sign, chain, buffer) with nothing but the JVM; the field scenarios use real adapters.
 */
public final class SyntheticLoadScenario implements DemoScenario {
    private final int rate;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public SyntheticLoadScenario(int rate) {
        this.rate = rate;
    }

    @Override
    public String name() {
        return "synthetic load";
    }

    @Override
    public AutoCloseable start(Context ctx) {
        long t0 = ctx.clock().millis();
        return new LoadGenerator(ctx.sink(), rate, i -> new Reading(t0 + i * 1000L / rate, TimeQuality.NTP, "sim",
                "vehicle.odometer", "SYNTH0000000000001", ReadingValue.of(BigDecimal.valueOf(100_000 + i, 1)), "km"),
                (f, t) -> f.whenComplete((c, e) -> (e == null ? acked : refused).incrementAndGet()), ctx.scheduler());
    }

    @Override
    public List<String> summary() {
        return List.of(acked.get() + " synthetic odometer readings committed at " + rate + "/s"
                + (refused.get() == 0 ? "" : ", " + refused.get() + " refused"));
    }
}
