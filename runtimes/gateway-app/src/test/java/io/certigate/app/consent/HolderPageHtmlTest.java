package io.certigate.app.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.verifier.consent.Consent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The holder's page's escaping, form decoding and state wording, and {@code consent page}'s options
 * for the fleet, refused before anything is opened (the page itself: fleet.HolderPageTest).
 */
@Tag("unit")
class HolderPageHtmlTest {
    @Test
    void everyValueIsEscapedForContentAndQuotedAttributes() {
        assertThat(HolderPage.esc("<script>alert('x')</script> & \"q\""))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    }

    @Test
    void aFormBodyIsDecodedAndARepeatedFieldKeepsItsFirstValue() {
        assertThat(HolderPage.form("token=a%2Bb&id=7&id=8&junk&=x"))
                .containsEntry("token", "a+b").containsEntry("id", "7").hasSize(2);
    }

    @Test
    void theStateSaysAtWhichBlockAConsentWasRevoked() {
        Consent k = new Consent(3, "0x" + "11".repeat(20), "0x" + "22".repeat(20), new byte[32], "insurance.mileage",
                List.of("vehicle.odometer"), Instant.ofEpochSecond(100), Instant.ofEpochSecond(1000), 5, 9);
        assertThat(HolderPage.stateText(k, k.stateAt(8, Instant.ofEpochSecond(200)))).isEqualTo("in force");
        assertThat(HolderPage.stateText(k, k.stateAt(9, Instant.ofEpochSecond(200)))).isEqualTo("revoked at block 9");
        Consent open = new Consent(3, k.holder(), k.consumer(), new byte[32], k.purpose(), k.kinds(), k.validFrom(),
                k.validUntil(), 5, 0);
        assertThat(HolderPage.stateText(open, open.stateAt(8, Instant.ofEpochSecond(1000)))).isEqualTo("expired");
    }

    @Test
    void theFleetNeedsTheHoldersKeyStoreItsPassphraseAndTheCaAndHttps() {
        String[] base = {"consent", "page", "--ledger", "missing-ledger.properties", "--consent-registry",
            "0x" + "ab".repeat(20), "--subjects", "subjects.properties", "--port", "0"};
        CliRun.Result noKeys = CliRun.run(concat(base, "--fleet", "https://fleet.example:8443"));
        assertThat(noKeys.exit()).isEqualTo(1);
        assertThat(noKeys.err()).contains("--fleet needs --key-store, --passphrase-source and --ca");
        CliRun.Result plain = CliRun.run(concat(base, "--fleet", "http://fleet.example:8080", "--key-store", "h.p12",
                "--passphrase-source", "env:NONE", "--ca", "ca.pem"));
        assertThat(plain.exit()).isEqualTo(1);
        assertThat(plain.err()).contains("is not an https:// address");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
