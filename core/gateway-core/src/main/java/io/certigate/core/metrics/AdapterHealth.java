package io.certigate.core.metrics;

/**
 * One source adapter's figures for operators (an OBD session, a TIC or RFID serial port, the CoAP
 * ingest), as one snapshot read at each metrics scrape. Counts are since the adapter started.
 *
 * @param connected  the adapter's link is up: the serial port open, the ELM327 session polling, the
 *                   ingest endpoint serving
 * @param reconnects attempts to get the link back after it failed or could not be opened
 * @param malformed  frames or replies the adapter rejected (bad checksum, garbage reply, bad pack)
 * @param readings   readings the adapter handed to the sequencer
 */
public record AdapterHealth(boolean connected, long reconnects, long malformed, long readings) {}
