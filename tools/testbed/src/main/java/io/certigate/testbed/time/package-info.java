/**
 * Virtual time for tests: a {@link io.certigate.testbed.time.ManualClock} and a
 * {@link io.certigate.testbed.time.ManualScheduler} that runs the cores' tasks on the test's thread
 * when the test advances time. Only JDK types in their signatures, so any module can use them.
 */
package io.certigate.testbed.time;
