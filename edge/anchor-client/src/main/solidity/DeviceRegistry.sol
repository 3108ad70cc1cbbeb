// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title DeviceRegistry
/// @notice The consortium's register of provisioned devices. A registrar registers each device key
/// (device id hash, SHA-256 of the key's SubjectPublicKeyInfo, SHA-256 of its certificate, and the
/// device's ledger account) and revokes keys with a reason. Registering a new key for a device
/// (key rotation) supersedes the old one without revoking it: what the old key signed stays valid
/// where it was anchored before the rotation's block; from that block on, verifiers count nothing
/// the old key signs. A revocation takes effect at its block the same way: what was anchored before
/// it stays valid. `entries(keyHash)` tells the blocks of registration, rotation and revocation.
contract DeviceRegistry {
    event Registered(bytes32 indexed device, bytes32 indexed keyHash, bytes32 certHash, address account);
    event Revoked(bytes32 indexed device, bytes32 indexed keyHash, string reason);
    event RegistrarChanged(address indexed previousRegistrar, address indexed newRegistrar);

    error NotRegistrar(address caller);
    error ZeroValue();
    error KeyAlreadyRegistered(bytes32 keyHash);
    error AccountInUse(address account, bytes32 keyHash);
    error UnknownKey(bytes32 keyHash);
    error AlreadyRevoked(bytes32 keyHash, uint256 blockNumber);

    struct Entry {
        bytes32 device;
        bytes32 certHash;
        address account;
        uint64 registeredIn;
        uint64 supersededIn;
        uint64 revokedIn;
    }

    /// @notice Key status at a block, as `statusAt` reports it.
    uint8 public constant UNKNOWN = 0;
    uint8 public constant ACTIVE = 1;
    uint8 public constant SUPERSEDED = 2;
    uint8 public constant REVOKED = 3;

    address public registrar;
    mapping(bytes32 => Entry) public entries;
    mapping(bytes32 => bytes32) public currentKey;
    mapping(address => bytes32) public keyOfAccount;
    mapping(address => bytes32) private deviceOf;

    constructor() {
        registrar = msg.sender;
        emit RegistrarChanged(address(0), msg.sender);
    }

    modifier onlyRegistrar() {
        if (msg.sender != registrar) revert NotRegistrar(msg.sender);
        _;
    }

    /// @notice Registers `keyHash` as `device`'s current key, anchoring from `account`.
    function register(bytes32 device, bytes32 keyHash, bytes32 certHash, address account) external onlyRegistrar {
        if (device == bytes32(0) || keyHash == bytes32(0) || certHash == bytes32(0) || account == address(0)) {
            revert ZeroValue();
        }
        if (entries[keyHash].registeredIn != 0) revert KeyAlreadyRegistered(keyHash);
        bytes32 other = keyOfAccount[account];
        if (other != bytes32(0) && entries[other].device != device) revert AccountInUse(account, other);
        bytes32 previous = currentKey[device];
        if (previous != bytes32(0)) {
            Entry storage p = entries[previous];
            if (p.revokedIn == 0 && p.supersededIn == 0) p.supersededIn = uint64(block.number);
            if (keyOfAccount[p.account] == previous) {
                delete keyOfAccount[p.account];
                delete deviceOf[p.account];
            }
        }
        entries[keyHash] = Entry(device, certHash, account, uint64(block.number), 0, 0);
        currentKey[device] = keyHash;
        keyOfAccount[account] = keyHash;
        deviceOf[account] = device;
        emit Registered(device, keyHash, certHash, account);
    }

    /// @notice Revokes `keyHash` from this block on; its account can no longer anchor.
    function revoke(bytes32 keyHash, string calldata reason) external onlyRegistrar {
        Entry storage e = entries[keyHash];
        if (e.registeredIn == 0) revert UnknownKey(keyHash);
        if (e.revokedIn != 0) revert AlreadyRevoked(keyHash, e.revokedIn);
        e.revokedIn = uint64(block.number);
        if (keyOfAccount[e.account] == keyHash) {
            delete keyOfAccount[e.account];
            delete deviceOf[e.account];
        }
        emit Revoked(e.device, keyHash, reason);
    }

    /// @notice Whether `account` belongs to a registered, unrevoked, current device key.
    function isActiveAccount(address account) external view returns (bool) {
        return keyOfAccount[account] != bytes32(0);
    }

    /// @notice The device `account` anchors for and whether that binding is active (registered,
    /// current, unrevoked), in one call: what the anchor contract checks a caller against.
    function deviceOfAccount(address account) external view returns (bytes32 device, bool active) {
        device = deviceOf[account];
        active = device != bytes32(0);
    }

    /// @notice The status of `keyHash` at `blockNumber`: UNKNOWN (not registered yet), ACTIVE,
    /// SUPERSEDED (the block is at or after the key's rotation: verifiers count nothing anchored
    /// there) or REVOKED (at or after its revocation).
    function statusAt(bytes32 keyHash, uint256 blockNumber) external view returns (uint8) {
        Entry storage e = entries[keyHash];
        if (e.registeredIn == 0 || blockNumber < e.registeredIn) return UNKNOWN;
        if (e.revokedIn != 0 && blockNumber >= e.revokedIn) return REVOKED;
        if (e.supersededIn != 0 && blockNumber >= e.supersededIn) return SUPERSEDED;
        return ACTIVE;
    }

    function transferRegistrar(address newRegistrar) external onlyRegistrar {
        if (newRegistrar == address(0)) revert ZeroValue();
        emit RegistrarChanged(registrar, newRegistrar);
        registrar = newRegistrar;
    }
}
