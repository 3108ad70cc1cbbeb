// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice What the consent registry asks the consortium's DeviceRegistry: holders and consumers
/// are registered there like devices (an account bound to a certificate of the consortium CA).
interface IPartyRegistry {
    function isActiveAccount(address account) external view returns (bool);
}

/// @title ConsentRegistry
/// @notice Consents of data holders to data consumers. A holder account grants a consumer account a
/// consent for one subject (a vehicle, a meter), one purpose and a few reading kinds, valid for a
/// period; the holder revokes it at any time. Anyone asks whether a consent was in force at a block.
/// @dev Nothing personal is stored: the subject is a salted hash (SHA-256 of a per-subject random
/// salt and the subject's id, computed off chain by the holder and the fleet tier, which alone know
/// the salt). Purposes and kinds are short ASCII codes (`insurance.mileage`, `vehicle.odometer`) in
/// a bytes32, left-aligned and zero-padded. The validity period is in UNIX seconds and compared with
/// the timestamp of the block asked about: a contract cannot read a past block's timestamp, so
/// `inForce` takes it as an argument (readers take it from the block's header); `inForceNow` uses
/// the current block's.
contract ConsentRegistry {
    event Granted(uint256 indexed id, address indexed holder, address indexed consumer, bytes32 subject,
        bytes32 purpose, bytes32[] kinds, uint64 validFrom, uint64 validUntil);
    event Revoked(uint256 indexed id, address indexed holder, address indexed consumer);

    error NotRegisteredParty(address account);
    error ZeroValue();
    error BadKinds(uint256 count);
    error DuplicateKind(bytes32 kind);
    error BadPeriod(uint64 validFrom, uint64 validUntil);
    error AlreadyExpired(uint64 validUntil, uint256 blockTime);
    error UnknownConsent(uint256 id);
    error NotHolder(address caller, uint256 id);
    error AlreadyRevoked(uint256 id, uint256 blockNumber);
    error FutureBlock(uint256 blockNumber, uint256 current);

    struct Consent {
        address holder;
        uint64 validFrom;
        address consumer;
        uint64 validUntil;
        bytes32 subject;
        bytes32 purpose;
        uint64 grantedIn;
        uint64 revokedIn;
        bytes32[] kinds;
    }

    /// @notice The most reading kinds one consent covers.
    uint256 public constant MAX_KINDS = 8;

    IPartyRegistry public immutable registry;
    /// @notice The number of consents granted so far; ids run from 1 to `count`.
    uint256 public count;
    mapping(uint256 => Consent) private consents;
    mapping(address => uint256[]) private byHolder;
    /// @dev keccak256(holder ‖ consumer ‖ subject ‖ purpose) to the consents granted for it, oldest
    /// first. The holder is part of the key: the subject hash is public once a consent names it, and
    /// a consent another registered party grants for the same hash must never count as the holder's.
    mapping(bytes32 => uint256[]) private byUse;

    constructor(address partyRegistry) {
        if (partyRegistry == address(0)) revert ZeroValue();
        registry = IPartyRegistry(partyRegistry);
    }

    /// @notice Grants `consumer` a consent for `subject`, `purpose` and `kinds`, valid from
    /// `validFrom` (inclusive) to `validUntil` (exclusive), UNIX seconds. The caller is the holder.
    /// Both parties must be active accounts of the registry. It is in force from this block on
    /// (a `validFrom` in the past does not make it retroactive) until revoked or expired.
    function grant(address consumer, bytes32 subject, bytes32 purpose, bytes32[] calldata kinds,
            uint64 validFrom, uint64 validUntil) external returns (uint256 id) {
        if (!registry.isActiveAccount(msg.sender)) revert NotRegisteredParty(msg.sender);
        if (!registry.isActiveAccount(consumer)) revert NotRegisteredParty(consumer);
        if (subject == bytes32(0) || purpose == bytes32(0)) revert ZeroValue();
        if (kinds.length == 0 || kinds.length > MAX_KINDS) revert BadKinds(kinds.length);
        for (uint256 i = 0; i < kinds.length; i++) {
            if (kinds[i] == bytes32(0)) revert ZeroValue();
            for (uint256 j = 0; j < i; j++) {
                if (kinds[j] == kinds[i]) revert DuplicateKind(kinds[i]);
            }
        }
        if (validFrom >= validUntil) revert BadPeriod(validFrom, validUntil);
        if (validUntil <= block.timestamp) revert AlreadyExpired(validUntil, block.timestamp);
        id = ++count;
        Consent storage c = consents[id];
        c.holder = msg.sender;
        c.validFrom = validFrom;
        c.consumer = consumer;
        c.validUntil = validUntil;
        c.subject = subject;
        c.purpose = purpose;
        c.grantedIn = uint64(block.number);
        c.kinds = kinds;
        byHolder[msg.sender].push(id);
        byUse[useKey(msg.sender, consumer, subject, purpose)].push(id);
        emit Granted(id, msg.sender, consumer, subject, purpose, kinds, validFrom, validUntil);
    }

    /// @notice Revokes consent `id` from this block on. Only its holder may, at any time, even once
    /// the holder's own registration is no longer active: withdrawing a consent never depends on it.
    function revoke(uint256 id) external {
        Consent storage c = consents[id];
        if (c.grantedIn == 0) revert UnknownConsent(id);
        if (c.holder != msg.sender) revert NotHolder(msg.sender, id);
        if (c.revokedIn != 0) revert AlreadyRevoked(id, c.revokedIn);
        c.revokedIn = uint64(block.number);
        emit Revoked(id, msg.sender, c.consumer);
    }

    /// @notice Consent `id` whole; a holder of address zero means no such consent.
    function consent(uint256 id) external view returns (address holder, address consumer, bytes32 subject,
            bytes32 purpose, bytes32[] memory kinds, uint64 validFrom, uint64 validUntil, uint64 grantedIn,
            uint64 revokedIn) {
        Consent storage c = consents[id];
        return (c.holder, c.consumer, c.subject, c.purpose, c.kinds, c.validFrom, c.validUntil, c.grantedIn,
            c.revokedIn);
    }

    /// @notice The ids of the consents `holder` granted, oldest first.
    function consentsOf(address holder) external view returns (uint256[] memory) {
        return byHolder[holder];
    }

    /// @notice The ids of the consents `holder` granted to `consumer` for `subject` and `purpose`,
    /// oldest first.
    function consentsFor(address holder, address consumer, bytes32 subject, bytes32 purpose)
            external view returns (uint256[] memory) {
        return byUse[useKey(holder, consumer, subject, purpose)];
    }

    /// @notice Whether consent `id` was in force at block `blockNumber`, whose timestamp is
    /// `blockTime`: granted at or before that block, not revoked at or before it, and
    /// validFrom <= blockTime < validUntil. A block after the current one is refused: a revocation
    /// may still come.
    function inForce(uint256 id, uint256 blockNumber, uint256 blockTime) public view returns (bool) {
        if (blockNumber > block.number) revert FutureBlock(blockNumber, block.number);
        Consent storage c = consents[id];
        if (c.grantedIn == 0 || blockNumber < c.grantedIn) return false;
        if (c.revokedIn != 0 && blockNumber >= c.revokedIn) return false;
        return blockTime >= c.validFrom && blockTime < c.validUntil;
    }

    /// @notice Whether consent `id` is in force at the current block.
    function inForceNow(uint256 id) external view returns (bool) {
        return inForce(id, block.number, block.timestamp);
    }

    /// @notice The newest consent that `holder` (the subject's holder, as the asking service knows
    /// it) granted to `consumer` for `subject` and `purpose`, covering `kind`, in force at
    /// `blockNumber` (timestamp `blockTime`); 0 if there is none. Consents other accounts granted for
    /// the same subject hash are not looked at.
    function findInForce(address holder, address consumer, bytes32 subject, bytes32 purpose, bytes32 kind,
            uint256 blockNumber, uint256 blockTime) external view returns (uint256) {
        uint256[] storage ids = byUse[useKey(holder, consumer, subject, purpose)];
        for (uint256 i = ids.length; i > 0; i--) {
            uint256 id = ids[i - 1];
            if (inForce(id, blockNumber, blockTime) && covers(id, kind)) return id;
        }
        return 0;
    }

    /// @notice Whether consent `id` covers reading kind `kind`.
    function covers(uint256 id, bytes32 kind) public view returns (bool) {
        bytes32[] storage kinds = consents[id].kinds;
        for (uint256 i = 0; i < kinds.length; i++) {
            if (kinds[i] == kind) return true;
        }
        return false;
    }

    function useKey(address holder, address consumer, bytes32 subject, bytes32 purpose) private pure returns (bytes32) {
        return keccak256(abi.encode(holder, consumer, subject, purpose));
    }
}
