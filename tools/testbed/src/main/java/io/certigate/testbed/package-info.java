/**
 * What tests, benches and demos stand up around the gateway: virtual time, the shared test device,
 * serial ptys, MQTT brokers and the dev chain. Nothing here is needed by the gateway at run time.
 */
package io.certigate.testbed;
