package io.certigate.kura.spine;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the spine (Kura renders it as the component's form): the keys of
 * {@code SpineSettings}, as the standalone file spells them ({@code _} in a name stands for '.',
 * {@code $_$} for '-'). Only the form: {@link SpineOptions} reads the raw properties and checks them
 * against the definitions; MetatypeMatchesSettingsTest checks this form against them.
 */
@ObjectClassDefinition(id = SpineComponent.PID, name = "certigate spine",
        description = "Signs, chains and durably buffers every reading of this device.")
public @interface SpineConfig {

    @AttributeDefinition(name = "Device id", description = "The buffer refuses a file of another device.")
    String device_id();

    @AttributeDefinition(name = "Key type", options = {
        @Option(label = "PKCS#12 file", value = "pkcs12"), @Option(label = "PKCS#11 token", value = "pkcs11")})
    String key_type() default "pkcs12";

    @AttributeDefinition(name = "PKCS#12 key store", required = false, description = "Path of the PKCS#12 file.")
    String key_store() default "";

    @AttributeDefinition(name = "Key store passphrase", required = false,
            description = "Where the passphrase is read from: file:PATH or env:NAME (never the secret itself).")
    String key_passphrase() default "";

    @AttributeDefinition(name = "PKCS#11 library", required = false)
    String key_pkcs11_library() default "";

    @AttributeDefinition(name = "PKCS#11 slot", min = "0", max = "9223372036854775807")
    long key_pkcs11_slot() default 0;

    @AttributeDefinition(name = "PKCS#11 key alias")
    String key_pkcs11_alias() default "device";

    @AttributeDefinition(name = "PKCS#11 PIN", required = false, description = "file:PATH or env:NAME.")
    String key_pkcs11_pin() default "";

    @AttributeDefinition(name = "Buffer file", description = "The device's SQLite buffer.")
    String buffer_file();

    @AttributeDefinition(name = "Maximum records", min = "0", max = "9223372036854775807",
            description = "Records kept at most; 0 for no limit.")
    long buffer_max$_$records() default 0;

    @AttributeDefinition(name = "At capacity", options = {
        @Option(label = "Refuse new readings", value = "reject"),
        @Option(label = "Purge delivered and anchored records", value = "purge")})
    String buffer_capacity$_$policy() default "reject";

    @AttributeDefinition(name = "Busy timeout (ms)", min = "1", max = "3600000",
            description = "How long a statement waits for another connection's lock.")
    int buffer_busy$_$timeout$_$ms() default 5000;

    @AttributeDefinition(name = "Queue capacity", min = "1", max = "1048576", description = "Readings waiting to be signed.")
    int sequencer_queue$_$capacity() default 4096;

    @AttributeDefinition(name = "Group size", min = "1", max = "65536", description = "Readings signed and committed together.")
    int sequencer_max$_$group() default 512;
}
