package io.certigate.app.report;

import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The read-only ledger view the passport needs beyond {@link LedgerReader}: every
 * {@code Anchored(root, device, firstSeq, lastSeq)} event the anchor contract emitted for one device
 * (one {@code eth_getLogs} filtered on the indexed device), i.e. the device's anchored history.
 */
final class DeviceAnchors extends LedgerReader {
    private final String contract;

    private DeviceAnchors(String rpcUrl, String contract) {
        super(rpcUrl, contract);
        this.contract = contract;
    }

    static DeviceAnchors open(String rpcUrl, String contract) {
        return new DeviceAnchors(rpcUrl, contract);
    }

    /** The device's {@code Anchored} events, in seq order. */
    List<AnchorAbi.AnchoredEvent> of(String device) throws LedgerException {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.ZERO), DefaultBlockParameterName.LATEST, contract);
        filter.addSingleTopic(AnchorAbi.ANCHORED_TOPIC);
        filter.addNullTopic();
        filter.addSingleTopic(Numeric.toHexString(AnchorAbi.deviceKey(device)));
        List<AnchorAbi.AnchoredEvent> out = new ArrayList<>();
        for (EthLog.LogResult<?> r : call("eth_getLogs", () -> web3j().ethGetLogs(filter).send()).getLogs()) {
            if (r.get() instanceof Log log) {
                AnchorAbi.decode(log).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparingLong(AnchorAbi.AnchoredEvent::firstSeq));
        return out;
    }
}
