package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The spine component inside Equinox with Felix SCR, ConfigAdmin and MetaType: configured through
 * ConfigAdmin it registers a ReadingSink whose readings land signed and chained in the buffer; a key
 * rotation through ConfigAdmin reopens it, an unchanged configuration does not.
 */
@Tag("integration")
class SpineFrameworkTest {
    static final String PID = "io.certigate.kura.spine";
    static final String DEVICE = "kura-test-1";
    static final String FILTER = "(device.id=" + DEVICE + ")";

    @TempDir
    Path dir;

    private final OsgiHarness osgi = new OsgiHarness();
    private Configuration config;

    @AfterEach
    void tearDown() throws Exception {
        if (config != null) {
            config.delete();
            osgi.awaitNoService(ReadingSink.class, FILTER);
        }
        osgi.close();
    }

    @Test
    void signedReadingsReachTheBufferAndAKeyRotationTakesEffect() throws Exception {
        DeviceKey first = key("first.p12");
        Map<String, Object> props = spineConfig("first.p12");
        config = osgi.configure(PID, props);

        ServiceReference<ReadingSink> ref = osgi.awaitService(ReadingSink.class, FILTER, -1);
        List<ReadingSink.Committed> committed = submit(ref, 5, 0);
        for (ReadingSink.Committed c : committed) {
            CoseSign1.verify(c.cose(), first.publicKey(), first.keyId());
        }
        assertThat(committed).extracting(ReadingSink.Committed::seq).containsExactly(1L, 2L, 3L, 4L, 5L);

        // the same values again: nothing restarts
        config.update(new java.util.Hashtable<>(props));
        Thread.sleep(300);
        assertThat(osgi.awaitService(ReadingSink.class, FILTER, -1)).extracting(OsgiHarness::id)
                .isEqualTo(OsgiHarness.id(ref));

        // a key rotation: the spine reopens with the new key and the chain goes on
        DeviceKey second = key("second.p12");
        props.put("key.store", dir.resolve("second.p12").toString());
        config.update(new java.util.Hashtable<>(props));
        ServiceReference<ReadingSink> rotated = osgi.awaitService(ReadingSink.class, FILTER, OsgiHarness.id(ref));
        List<ReadingSink.Committed> after = submit(rotated, 3, 5);
        assertThat(after).extracting(ReadingSink.Committed::seq).containsExactly(6L, 7L, 8L);
        for (ReadingSink.Committed c : after) {
            CoseSign1.verify(c.cose(), second.publicKey(), second.keyId());
            assertThatThrownBy(() -> CoseSign1.verify(c.cose(), first.publicKey(), first.keyId()))
                    .isInstanceOf(CoseException.class);
        }
        assertThat(osgi.context.getServiceReferences(Spine.class, FILTER)).hasSize(1);

        // stop the component, then check the whole chain from the file it left
        config.delete();
        config = null;
        osgi.awaitNoService(Spine.class, FILTER);
        try (RecordBuffer buffer = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults(DEVICE))) {
            VerificationReport report = new ChainVerifier(DEVICE, List.of(first.publicKey(), second.publicKey()),
                    SignatureVerifier.BOUNCY_CASTLE).verify(buffer.range(1, Long.MAX_VALUE));
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.verified()).isEqualTo(8);
        }
    }

    @Test
    void metatypeDescribesTheSpineOptions() {
        Bundle certigate = osgi.bundle("io.certigate.kura");
        ServiceReference<MetaTypeService> ref = osgi.context.getServiceReference(MetaTypeService.class);
        assertThat(ref).as("MetaTypeService").isNotNull();
        ObjectClassDefinition ocd = osgi.context.getService(ref).getMetaTypeInformation(certigate)
                .getObjectClassDefinition(PID, null);
        List<String> ids = new ArrayList<>();
        for (AttributeDefinition a : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            ids.add(a.getID());
        }
        assertThat(ids).contains("device.id", "key.store", "key.passphrase", "buffer.file",
                "buffer.capacity-policy", "sequencer.queue-capacity");
        osgi.context.ungetService(ref);
    }

    private Map<String, Object> spineConfig(String keyStore) throws Exception {
        Path pass = dir.resolve("passphrase");
        if (!Files.exists(pass)) {
            Files.writeString(pass, "correct horse", StandardCharsets.UTF_8);
        }
        Map<String, Object> props = new HashMap<>();
        props.put("device.id", DEVICE);
        props.put("key.store", dir.resolve(keyStore).toString());
        props.put("key.passphrase", "file:" + pass);
        props.put("buffer.file", dir.resolve("buffer.db").toString());
        props.put("sequencer.max-group", 4);
        return props;
    }

    private DeviceKey key(String file) throws Exception {
        return Pkcs12KeyStore.create(dir.resolve(file), CoseAlgorithm.ES256, DEVICE, "correct horse".toCharArray());
    }

    private List<ReadingSink.Committed> submit(ServiceReference<ReadingSink> ref, int n, long offset) throws Exception {
        ReadingSink sink = osgi.context.getService(ref);
        try {
            List<ReadingSink.Committed> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Reading r = new Reading(1_764_000_000_000L + offset + i, TimeQuality.GNSS, "obd", "vehicle.odometer",
                        "VF1TEST0000000001", new ReadingValue.Int(120_000 + offset + i), "km");
                out.add(sink.submit(r).get(10, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            osgi.context.ungetService(ref);
        }
    }
}
