package io.certigate.provisioning.enrol;

import io.certigate.core.model.Reading;
import io.certigate.signing.DeviceKey;
import java.util.Map;

/**
 * Where the enrolment agent commits its provisioning test reading once the issued chain is
 * installed: the device's own sequencer, so that the answer to the technician is the next record of
 * the device chain (seq, prev, salt, in the buffer) signed by the installed key, like every other
 * reading, and not a signature made on the side.
 */
@FunctionalInterface
public interface TestReadingSink {

    /**
     * Commits {@code reading} to the chain of the device whose key is now {@code installed} (the
     * chain issued by the consortium CA installed beside it); {@code ledger} are the ledger settings
     * the technician sent. Returns the committed record's COSE_Sign1 bytes.
     */
    byte[] commit(DeviceKey installed, Map<String, String> ledger, Reading reading) throws EnrolmentException;
}
