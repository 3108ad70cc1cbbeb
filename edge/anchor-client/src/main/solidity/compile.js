#!/usr/bin/env node
// Compiles the certigate contracts reproducibly with the pinned solcjs through its standard-JSON
// input: fixed compiler version, fixed evmVersion, fixed optimizer settings, sources named by file
// name only. Usage: node compile.js <output-dir>. Writes <Contract>.json ({abi, bin, ...}) and
// solc-input.json (the exact standard-JSON input, for anyone re-running the compilation).
'use strict';
const fs = require('fs');
const path = require('path');

const SOLC_VERSION = '0.8.37';
const EVM_VERSION = 'paris'; // what a Besu QBFT genesis without shanghai accepts; no PUSH0
const CONTRACTS = ['CertigateAnchor.sol', 'DeviceRegistry.sol', 'ConsentRegistry.sol'];

function fail(msg) {
  console.error('compile.js: ' + msg);
  process.exit(1);
}

const outDir = process.argv[2];
if (!outDir) fail('usage: node compile.js <output-dir>');

let solc;
try {
  solc = require('solc');
} catch (e) {
  fail('the npm package solc is missing: run `npm ci` at the repository root first (' + e.message + ')');
}
const version = solc.version();
if (!version.startsWith(SOLC_VERSION + '+')) fail('solc ' + version + ' found, ' + SOLC_VERSION + ' pinned');

const sources = {};
for (const name of CONTRACTS) {
  sources[name] = { content: fs.readFileSync(path.join(__dirname, name), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'ipfs' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'metadata'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) console.error(e.formattedMessage);
if (errors.length) fail(errors.length + ' compilation error(s)');

fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'solc-input.json'), JSON.stringify(input, null, 2) + '\n');
for (const file of Object.keys(output.contracts)) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    const artifact = {
      contractName: name,
      sourceName: file,
      compiler: version,
      evmVersion: EVM_VERSION,
      abi: c.abi,
      bin: '0x' + c.evm.bytecode.object,
      deployedBin: '0x' + c.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, name + '.json'), JSON.stringify(artifact, null, 2) + '\n');
    console.log('compiled ' + name + ' with solc ' + version + ' for ' + EVM_VERSION + ': '
        + c.evm.deployedBytecode.object.length / 2 + ' bytes deployed');
  }
}
