// Reads what machine a native binary is built for, from its first bytes.
//
// API (other bundlers rely on it; keep it this small):
// - readBinaryKind(head): what the first HEAD_BYTES bytes of a file are: an
//   ELF object with its machine and class, macOS's Mach-O (which Lambda's
//   Linux cannot load), or undefined for anything else.
// - readFileBinaryKind(path): the same for a file on disk (reads HEAD_BYTES).
// - LAMBDA_MACHINES: the ELF machine each Lambda architecture runs.
// - fitsArchitecture(kind, architecture): whether Lambda can load it there.
// The check over a whole bundle is in binary-check.ts.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Architecture } from '../config/types.js';

/** Bytes needed to tell an ELF file's class, byte order and machine (e_machine is at 18-19). */
export const HEAD_BYTES = 20;

/** e_machine values (ELF gABI), with the names `file` and readelf print. */
const MACHINE_NAMES: Record<number, string> = {
  3: 'x86 (32-bit)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'S/390',
  40: 'ARM (32-bit)',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

/** The ELF machine (64-bit, little-endian) of each Lambda architecture. */
export const LAMBDA_MACHINES: Record<Architecture, { machine: number; name: string }> = {
  x86_64: { machine: EM_X86_64, name: 'x86-64' },
  arm64: { machine: EM_AARCH64, name: 'AArch64' },
};

export type BinaryKind =
  | { format: 'elf'; machine: number; /** e.g. `x86-64`, `AArch64`, `machine 999` */ machineName: string; bits: 32 | 64; littleEndian: boolean }
  /** A native format of another system: Lambda's Linux never loads it. */
  | { format: 'mach-o'; machineName: string };

/**
 * What `head` (a file's first bytes, HEAD_BYTES or more) is. Undefined for
 * files that are not native binaries (text, JSON, wasm, ...) and for ELF
 * files cut shorter than their header.
 */
export function readBinaryKind(head: Uint8Array): BinaryKind | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= HEAD_BYTES && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) {
    const bits = b[4] === 2 ? 64 : 32;
    const littleEndian = b[5] !== 2;
    const machine = littleEndian ? b.readUInt16LE(18) : b.readUInt16BE(18);
    return { format: 'elf', machine, machineName: MACHINE_NAMES[machine] ?? `machine ${machine}`, bits, littleEndian };
  }
  if (b.length >= 4) {
    const magic = b.readUInt32BE(0);
    // 64- and 32-bit Mach-O in either byte order. (The universal-binary magic
    // 0xcafebabe is left out: Java class files share it.)
    if (magic === 0xcffaedfe || magic === 0xfeedfacf || magic === 0xcefaedfe || magic === 0xfeedface) return { format: 'mach-o', machineName: 'macOS (Mach-O)' };
  }
  return undefined;
}

/** readBinaryKind of a file's first bytes. */
export function readFileBinaryKind(path: string): BinaryKind | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const read = readSync(fd, head, 0, HEAD_BYTES, 0);
    return readBinaryKind(head.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** Whether Lambda can load a binary of this kind on `architecture` (64-bit little-endian ELF of its machine). */
export function fitsArchitecture(kind: BinaryKind, architecture: Architecture): boolean {
  return kind.format === 'elf' && kind.machine === LAMBDA_MACHINES[architecture].machine && kind.bits === 64 && kind.littleEndian;
}

/** How a kind is named in messages: `x86-64`, `AArch64 (32-bit ELF)`, `macOS (Mach-O)`. */
export function describeBinaryKind(kind: BinaryKind): string {
  if (kind.format !== 'elf') return kind.machineName;
  const odd = [kind.bits === 32 && !kind.machineName.includes('32-bit') ? '32-bit' : '', kind.littleEndian ? '' : 'big-endian'].filter(Boolean);
  return odd.length ? `${kind.machineName} (${odd.join(', ')} ELF)` : kind.machineName;
}
