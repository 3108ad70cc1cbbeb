package io.certigate.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.verifier.Verdict.Check;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class VerdictTest {
    @Test
    void noCheckIsNeverValid() {
        assertThat(Verdict.of(List.of()).result()).isEqualTo(Verdict.Result.INVALID);
        assertThat(Verdict.of(List.of()).valid()).isFalse();
    }

    @Test
    void oneFailedCheckMakesItInvalid() {
        Verdict v = Verdict.of(List.of(Check.pass("certificate", "fine"), new Check("record 7", 7, false, "bad")));
        assertThat(v.result()).isEqualTo(Verdict.Result.INVALID);
        assertThat(v.failures()).extracting(Check::seq).containsExactly(7L);
    }

    @Test
    void partsLeftUncheckedAreSaidButDoNotFail() {
        Verdict v = new Verdict(List.of(Check.pass("record 1", "ok")), List.of("anchors on the ledger"));
        assertThat(v.result()).isEqualTo(Verdict.Result.VALID_PARTIAL);
        assertThat(v.valid()).isTrue();
        assertThat(Verdict.of(List.of(Check.pass("record 1", "ok"))).result()).isEqualTo(Verdict.Result.VALID);
    }

    @Test
    void twoVerdictsJoinedKeepEveryCheckAndEveryGap() {
        Verdict offline = new Verdict(List.of(Check.pass("record 1", "ok")), List.of("anchors on the ledger"));
        Verdict trust = Verdict.of(List.of(Check.fail("record 1", "revoked")));
        Verdict both = offline.and(trust);
        assertThat(both.checks()).hasSize(2);
        assertThat(both.notChecked()).containsExactly("anchors on the ledger");
        assertThat(both.result()).isEqualTo(Verdict.Result.INVALID);
    }
}
