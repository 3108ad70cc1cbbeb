// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title CertigateAnchor
/// @notice Holds the Merkle roots (RFC 9162) of batches of signed gateway readings. Each root is
/// accepted once; the contract records the block that anchored it, so anyone holding a reading and
/// its inclusion proof can show the reading existed no later than that block.
/// @dev Only allowlisted accounts may anchor. Once the admin points the contract at the
/// consortium's DeviceRegistry, only registered, unrevoked device accounts may anchor.
interface IDeviceRegistry {
    function isActiveAccount(address account) external view returns (bool);
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
    error ZeroRoot();
    error BadRange(uint64 firstSeq, uint64 lastSeq);
    error AlreadyAnchored(bytes32 root, uint256 blockNumber);

    address public admin;
    mapping(address => bool) public isAnchorer;
    mapping(bytes32 => uint256) private anchoredIn;
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

    /// @notice Anchors the root of the batch of `device`'s records firstSeq..lastSeq.
    function anchor(bytes32 root, bytes32 device, uint64 firstSeq, uint64 lastSeq) external {
        if (address(registry) != address(0)) {
            if (!registry.isActiveAccount(msg.sender)) revert NotRegisteredDevice(msg.sender);
        } else if (!isAnchorer[msg.sender]) {
            revert NotAllowed(msg.sender);
        }
        if (root == bytes32(0)) revert ZeroRoot();
        if (firstSeq == 0 || firstSeq > lastSeq) revert BadRange(firstSeq, lastSeq);
        uint256 existing = anchoredIn[root];
        if (existing != 0) revert AlreadyAnchored(root, existing);
        anchoredIn[root] = block.number;
        emit Anchored(root, device, firstSeq, lastSeq);
    }

    /// @notice The block that anchored `root`, or 0 if it is not anchored.
    function blockOf(bytes32 root) external view returns (uint256) {
        return anchoredIn[root];
    }

    function setAnchorer(address account, bool allowed) external onlyAdmin {
        isAnchorer[account] = allowed;
        emit AnchorerChanged(account, allowed);
    }

    /// @notice From now on only the registry's active device accounts may anchor (zero: the allowlist again).
    function setRegistry(address newRegistry) external onlyAdmin {
        registry = IDeviceRegistry(newRegistry);
        emit RegistryChanged(newRegistry);
    }

    function transferAdmin(address newAdmin) external onlyAdmin {
        emit AdminChanged(admin, newAdmin);
        admin = newAdmin;
    }
}
