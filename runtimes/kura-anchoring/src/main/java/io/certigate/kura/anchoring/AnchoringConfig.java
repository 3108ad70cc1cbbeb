package io.certigate.kura.anchoring;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the anchoring: the keys of {@code AnchorSettings}: the ledger (the same keys as
 * anchor-client's {@code ledger.properties}), the gateway's ledger account (its encrypted key file and the
 * source of its passphrase, never the passphrase) and the batching of the standalone runtime
 * ({@code anchor.batch-size}, {@code anchor.batch-age-s}). {@code $_$} in a name stands for '-'.
 */
@ObjectClassDefinition(id = AnchoringComponent.PID, name = "certigate anchoring",
        description = "Cuts the spine's committed records into Merkle batches and anchors each root on an EVM ledger.")
public @interface AnchoringConfig {

    @AttributeDefinition(name = "Ledger node", description = "JSON-RPC URL, http(s)://host:port/")
    String anchor_rpc();

    @AttributeDefinition(name = "Chain id", min = "1", max = "9223372036854775807", description = "EIP-155 chain id the node must report.")
    long anchor_chain$_$id();

    @AttributeDefinition(name = "Contract", description = "Address of the CertigateAnchor contract, 0x + 40 hex digits.")
    String anchor_contract();

    @AttributeDefinition(name = "Account key file",
            description = "The gateway's ledger account: an encrypted (Web3 Secret Storage) key file.")
    String anchor_account$_$key();

    @AttributeDefinition(name = "Account passphrase",
            description = "Where the key file's passphrase is read from: file:PATH or env:NAME (never the secret itself).")
    String anchor_account$_$pass();

    @AttributeDefinition(name = "Fee mode", options = {
        @Option(label = "EIP-1559 (type 2)", value = "EIP1559"), @Option(label = "Legacy (EIP-155 gas price)", value = "LEGACY")})
    String anchor_fee$_$mode() default "EIP1559";

    @AttributeDefinition(name = "Gas price (wei)", required = false,
            description = "LEGACY only; empty asks the node; 0 on a free-gas network.")
    String anchor_gas$_$price() default "";

    @AttributeDefinition(name = "Max fee per gas (wei)", required = false,
            description = "EIP-1559 fee cap; empty takes twice the latest base fee plus the tip.")
    String anchor_max$_$fee$_$per$_$gas() default "";

    @AttributeDefinition(name = "Priority fee (wei)", required = false, description = "EIP-1559 tip.")
    String anchor_max$_$priority$_$fee() default "0";

    @AttributeDefinition(name = "Gas limit", min = "21000", max = "1000000000")
    long anchor_gas$_$limit() default 120_000;

    @AttributeDefinition(name = "Confirmations", min = "0", max = "10000",
            description = "Blocks on top of the anchoring block before a batch counts as anchored (0 under QBFT).")
    int anchor_confirmations() default 0;

    @AttributeDefinition(name = "Receipt polling (ms)", min = "1", max = "3600000")
    long anchor_poll$_$ms() default 200;

    @AttributeDefinition(name = "Receipt timeout (s)", min = "0", max = "86400",
            description = "Without a receipt for this long an outage is reported (the transaction is never re-signed meanwhile).")
    long anchor_receipt$_$timeout$_$s() default 30;

    @AttributeDefinition(name = "Batch size", min = "1", max = "67108863", description = "Records per batch at most.")
    int anchor_batch$_$size() default 10_000;

    @AttributeDefinition(name = "Batch age (s)", min = "0", max = "604800", description = "A partial batch closes after this long.")
    long anchor_batch$_$age$_$s() default 600;

    @AttributeDefinition(name = "Spine", description = "Filter selecting the spine whose records are anchored.")
    String spine_target() default "(device.id=*)";
}
