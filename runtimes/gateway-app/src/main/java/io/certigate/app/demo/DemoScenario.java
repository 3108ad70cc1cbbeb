package io.certigate.app.demo;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.spine.Spine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One field scenario of {@code certigate demo}: it starts its simulators and the real adapters
 * reading them, feeding the sequencer of the device it runs on (each field scenario is a device of
 * its own in the demo), and reports what it did for the final summary.
 */
public interface DemoScenario {

    /** Short name shown in the summary, e.g. {@code vehicle}. */
    String name();

    /** Starts the simulators and adapters; the returned handle stops them. */
    AutoCloseable start(Context context) throws Exception;

    /** Lines for the final summary (what was produced, what was detected). */
    List<String> summary();

    /** The subject whose passport report this scenario's device can give, or null. */
    default Passport passport() {
        return null;
    }

    /** A subject (a VIN, a meter id) and the kind its passport charts. */
    record Passport(String subject, String kind) {}

    /**
     * What a scenario gets from the demo: the spine of its device (key, buffer, sequencer), a work
     * directory of its own (ptys, simulator state), the clock, a shared scheduler and the output.
     */
    record Context(Spine spine, Path workDir, Clock clock, ScheduledExecutorService scheduler, PrintStream out) {
        /** Where readings go: the device's sequencer. */
        public ReadingSink sink() {
            return spine.sequencer();
        }

        /** The device's buffer, for adapters that keep state next to the chain (odometer, sensor marks). */
        public RecordBuffer buffer() {
            return spine.buffer();
        }
    }
}
