// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title CertigateAnchor
/// @notice Holds the Merkle roots (RFC 9162) of batches of signed gateway readings. Each root is
/// accepted once; the contract records the block that anchored it, so anyone holding a reading and
/// its inclusion proof can show the reading existed no later than that block.
/// Roots are held per device: the same root anchored for two devices is two entries, and no device
/// can take or block another device's root.
/// @dev Only allowlisted accounts may anchor. Once the admin points the contract at the
/// consortium's DeviceRegistry, only a registered, unrevoked device account may anchor, and only
/// under the device id the registry binds it to.
interface IDeviceRegistry {
    /// @notice The device `account` anchors for, and whether that binding is active (registered,
    /// current, unrevoked); (0, false) for an unknown or retired account.
    function deviceOfAccount(address account) external view returns (bytes32 device, bool active);
}

contract CertigateAnchor {
    /// @notice Emitted once per accepted root.
    event Anchored(bytes32 indexed root, bytes32 indexed device, uint64 firstSeq, uint64 lastSeq);
    event AnchorerChanged(address indexed account, bool allowed);
    event AdminChanged(address indexed previousAdmin, address indexed newAdmin);
    event RegistryChanged(address indexed registry);

    error NotAdmin(address caller);
    error NotAllowed(address caller);
    error NotRegisteredDevice(address caller);
    error NotDeviceAccount(address caller, bytes32 device);
    error ZeroRoot();
    error BadRange(uint64 firstSeq, uint64 lastSeq);
    error AlreadyAnchored(bytes32 device, bytes32 root, uint256 blockNumber);

    address public admin;
    mapping(address => bool) public isAnchorer;
    /// @dev The block that anchored `root` for `device` (0: not anchored) is stored in the slot
    /// keccak256(device ‖ root ‖ ROOTS): one 96-byte hash per anchor, where a nested mapping would
    /// take two. No slot of Solidity's own layout can collide with it: those of mappings hash 64
    /// bytes, those of dynamic arrays 32.
    uint256 private constant ROOTS = 0x726f6f74; // "root"
    IDeviceRegistry public registry;

    constructor() {
        admin = msg.sender;
        isAnchorer[msg.sender] = true;
        emit AdminChanged(address(0), msg.sender);
        emit AnchorerChanged(msg.sender, true);
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    /// @notice Anchors the root of the batch of `device`'s records firstSeq..lastSeq. With a
    /// registry, the caller must be the active account the registry binds to exactly `device`.
    function anchor(bytes32 root, bytes32 device, uint64 firstSeq, uint64 lastSeq) external {
        IDeviceRegistry r = registry;
        if (address(r) != address(0)) {
            (bytes32 bound, bool active) = r.deviceOfAccount(msg.sender);
            if (!active) revert NotRegisteredDevice(msg.sender);
            if (bound != device) revert NotDeviceAccount(msg.sender, device);
        } else if (!isAnchorer[msg.sender]) {
            revert NotAllowed(msg.sender);
        }
        if (root == bytes32(0)) revert ZeroRoot();
        if (firstSeq == 0 || firstSeq > lastSeq) revert BadRange(firstSeq, lastSeq);
        uint256 existing;
        assembly ("memory-safe") {
            // rootSlot(device, root), inlined: a call to it costs the anchor 40 gas
            let m := mload(0x40)
            mstore(m, device)
            mstore(add(m, 0x20), root)
            mstore(add(m, 0x40), ROOTS)
            let slot := keccak256(m, 0x60)
            existing := sload(slot)
            if iszero(existing) { sstore(slot, number()) }
        }
        if (existing != 0) revert AlreadyAnchored(device, root, existing);
        emit Anchored(root, device, firstSeq, lastSeq);
    }

    /// @notice The block that anchored `root` for `device`, or 0 if it is not anchored for it.
    function blockOf(bytes32 device, bytes32 root) external view returns (uint256 blockNumber) {
        uint256 slot = rootSlot(device, root);
        assembly ("memory-safe") {
            blockNumber := sload(slot)
        }
    }

    /// @dev Where the block of (`device`, `root`) is stored, as described at ROOTS.
    function rootSlot(bytes32 device, bytes32 root) private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, device)
            mstore(add(m, 0x20), root)
            mstore(add(m, 0x40), ROOTS)
            slot := keccak256(m, 0x60)
        }
    }

    function setAnchorer(address account, bool allowed) external onlyAdmin {
        isAnchorer[account] = allowed;
        emit AnchorerChanged(account, allowed);
    }

    /// @notice From now on only the registry's active device accounts may anchor, each under its own
    /// device id (zero: the allowlist again).
    function setRegistry(address newRegistry) external onlyAdmin {
        registry = IDeviceRegistry(newRegistry);
        emit RegistryChanged(newRegistry);
    }

    function transferAdmin(address newAdmin) external onlyAdmin {
        emit AdminChanged(admin, newAdmin);
        admin = newAdmin;
    }
}
