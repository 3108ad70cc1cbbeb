package io.certigate.kura.osgi;

import java.util.List;
import java.util.Set;

/**
 * The bundle symbolic names a stock Eclipse Kura installs, which no bundle of certigate's deployment
 * package may carry: Felix DeploymentAdmin (what Kura installs packages with) lets a symbolic name
 * belong to one deployment package only (OSGi Compendium R8, 114.2.2), and a package whose bundle
 * has the name of one of Kura's plain bundles would replace or shadow Kura's copy.
 *
 * <p>Where the names come from (read in Kura's sources, not taken from a running gateway):
 * <ul>
 * <li>the third-party bundles of the Kura 5.x distribution ({@code kura/distrib} and the target
 * platform it copies its bundles from, {@code target-platform}), under the symbolic names their jars
 * declare: Bouncy Castle's {@code bcprov}, {@code bcpkix}, {@code bcutil} (1.78.1 in Kura 5.4 to 5.6),
 * {@code bctls}, {@code bcpg}; SLF4J 1.7 and its bridges; Paho MQTT v3 (Kura's cloud connection);
 * Jackson, Gson, Guava, protobuf, minimal-json, the Apache Commons libraries, Netty, H2, Jetty, Log4j 2,
 * Felix SCR, Dependency Manager and Deployment Admin, Equinox;</li>
 * <li>Kura's optional SQLite add-on package ({@code org.eclipse.kura.db.sqlite.provider}), which
 * carries {@code org.xerial.sqlite-jdbc}: installed beside certigate on many gateways;</li>
 * <li>Kura's own bundles: every name under {@code org.eclipse.kura.}.</li>
 * </ul>
 * jSerialComm is not a Kura bundle, but it is listed as well: any other add-on may carry it, and
 * certigate embeds it privately for the same reason.
 */
final class KuraBundles {
    /** Symbolic names of third-party bundles a stock Kura 5.x (or its SQLite add-on) installs. */
    static final Set<String> SYMBOLIC_NAMES = Set.of(
            // Bouncy Castle (Kura 5: 1.78.1; newer 5.6 builds: 1.84)
            "bcprov", "bcpkix", "bcutil", "bctls", "bcpg",
            // logging
            "slf4j.api", "jcl.over.slf4j", "jul.to.slf4j", "org.apache.logging.log4j.api",
            "org.apache.logging.log4j.core", "org.apache.logging.log4j.slf4j-impl",
            "org.apache.logging.log4j.slf4j2-impl",
            // messaging and serialisation
            "org.eclipse.paho.client.mqttv3", "com.google.protobuf", "com.google.gson",
            "com.eclipsesource.minimal-json", "com.fasterxml.jackson.core.jackson-core",
            "com.fasterxml.jackson.core.jackson-databind", "com.fasterxml.jackson.core.jackson-annotations",
            // libraries
            "com.google.guava", "com.google.guava.failureaccess", "org.apache.commons.io",
            "org.apache.commons.commons-io", "org.apache.commons.lang3", "org.apache.commons.exec",
            "org.apache.commons.commons-net", "org.apache.commons.csv", "org.apache.commons.fileupload",
            "org.h2", "com.zaxxer.HikariCP", "org.apache.servicemix.bundles.c3p0", "org.quartz-scheduler.quartz",
            "io.netty.buffer", "io.netty.codec", "io.netty.codec-http", "io.netty.codec-mqtt", "io.netty.common",
            "io.netty.handler", "io.netty.resolver", "io.netty.transport",
            "org.apache.aries.spifly.dynamic.bundle", "org.objectweb.asm",
            // the OSGi runtime Kura is made of
            "org.eclipse.osgi", "org.eclipse.osgi.services", "org.eclipse.osgi.util", "org.apache.felix.scr",
            "org.apache.felix.dependencymanager", "org.apache.felix.deploymentadmin", "org.apache.felix.useradmin",
            "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command", "org.apache.felix.gogo.shell",
            "org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
            // Kura's SQLite add-on
            "org.xerial.sqlite-jdbc",
            // not Kura's, carried by other add-ons
            "com.fazecast.jSerialComm");

    /** Name prefixes of whole families Kura installs. */
    static final List<String> PREFIXES = List.of("org.eclipse.kura.", "org.eclipse.equinox.", "org.eclipse.jetty.",
            "org.glassfish.", "jakarta.", "javax.");

    static boolean isKuras(String symbolicName) {
        return SYMBOLIC_NAMES.contains(symbolicName) || PREFIXES.stream().anyMatch(symbolicName::startsWith);
    }

    private KuraBundles() {}
}
