package io.certigate.app.demo;

import io.certigate.core.sequencer.ReadingSink;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One field scenario of {@code certigate demo}: it starts its simulators and the real adapters
 * reading them, feeding the demo's sequencer, and reports what it did for the final summary.
 */
public interface DemoScenario {

    /** Short name shown in the summary, e.g. {@code vehicle}. */
    String name();

    /** Starts the simulators and adapters; the returned handle stops them. */
    AutoCloseable start(Context context) throws Exception;

    /** Lines for the final summary (what was produced, what was detected). */
    List<String> summary();

    /** What a scenario gets from the demo. */
    record Context(ReadingSink sink, Path workDir, Clock clock, ScheduledExecutorService scheduler, PrintStream out) {}
}
