import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeBinaryKind, fitsArchitecture, readBinaryKind } from '../../src/bundle/elf.js';
import { fakeElf, fakeMachO } from '../support/elf.js';

test('reads the machine of ELF headers and tells which Lambda architecture can load them', () => {
  const table = [
    { bytes: fakeElf('x86-64'), name: 'x86-64', x86_64: true, arm64: false },
    { bytes: fakeElf('AArch64'), name: 'AArch64', x86_64: false, arm64: true },
    { bytes: fakeElf('x86 (32-bit)'), name: 'x86 (32-bit)', x86_64: false, arm64: false },
    { bytes: fakeElf('ARM (32-bit)'), name: 'ARM (32-bit)', x86_64: false, arm64: false },
    { bytes: fakeMachO(), name: 'macOS (Mach-O)', x86_64: false, arm64: false },
  ];
  for (const row of table) {
    const kind = readBinaryKind(row.bytes);
    assert.ok(kind, row.name);
    assert.equal(describeBinaryKind(kind), row.name);
    assert.equal(fitsArchitecture(kind, 'x86_64'), row.x86_64, row.name);
    assert.equal(fitsArchitecture(kind, 'arm64'), row.arm64, row.name);
  }
});

test('a big-endian ELF is named so, and fits no Lambda architecture', () => {
  const bytes = fakeElf('AArch64');
  bytes[5] = 2;
  bytes.writeUInt16BE(183, 18);
  const kind = readBinaryKind(bytes)!;
  assert.equal(describeBinaryKind(kind), 'AArch64 (big-endian ELF)');
  assert.equal(fitsArchitecture(kind, 'arm64'), false);
});

test('text, JSON, wasm, a cut-off ELF magic and Java classes are not native binaries', () => {
  for (const text of ['#!/bin/sh\necho hello world\n', '{"name": "x", "version": "1"}', '\x7fELF', '\0asm\x01\0\0\0 and some more bytes', '\xca\xfe\xba\xbe\0\0\0\x34 java class file']) {
    assert.equal(readBinaryKind(Buffer.from(text, 'latin1')), undefined, JSON.stringify(text));
  }
});
