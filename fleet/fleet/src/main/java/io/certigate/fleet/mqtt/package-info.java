/**
 * What the fleet's MQTT subscribers share: {@link io.certigate.fleet.mqtt.BrokerOptions} (broker,
 * client id, login, TLS, back-off) and {@link io.certigate.fleet.mqtt.PersistentSubscription} (a
 * persistent session kept subscribed by one retry chain, with automatic or manual
 * acknowledgements). Used by the reference collector and the fleet ingest.
 */
package io.certigate.fleet.mqtt;
