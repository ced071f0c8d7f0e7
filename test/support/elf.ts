// Small fabricated native binaries: a real ELF64 header (what readelf -h
// reads) followed by a few bytes, or a Mach-O header. Enough for any tool
// that tells machines apart by the header, as Lambda's loader first does.

const MACHINES = { 'x86-64': 62, AArch64: 183, 'x86 (32-bit)': 3, 'ARM (32-bit)': 40 } as const;
export type FakeMachine = keyof typeof MACHINES;

/** An ELF shared object (ET_DYN) for `machine`; 32-bit classes for the 32-bit machines. */
export function fakeElf(machine: FakeMachine, payload = 'fabricated for tests'): Buffer {
  const is64 = machine === 'x86-64' || machine === 'AArch64';
  const header = Buffer.alloc(is64 ? 64 : 52);
  header.set([0x7f, 0x45, 0x4c, 0x46], 0);
  header[4] = is64 ? 2 : 1; // EI_CLASS
  header[5] = 1; // EI_DATA: little-endian
  header[6] = 1; // EI_VERSION
  header.writeUInt16LE(3, 16); // e_type: ET_DYN
  header.writeUInt16LE(MACHINES[machine], 18); // e_machine
  header.writeUInt32LE(1, 20); // e_version
  header.writeUInt16LE(is64 ? 64 : 52, is64 ? 52 : 40); // e_ehsize
  return Buffer.concat([header, Buffer.from(payload)]);
}

/** A 64-bit Mach-O header (macOS), as a darwin .node addon starts. */
export function fakeMachO(payload = 'fabricated for tests'): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0); // MH_MAGIC_64, little-endian on disk
  header.writeUInt32LE(0x0100000c, 4); // CPU_TYPE_ARM64
  header.writeUInt32LE(6, 12); // MH_DYLIB... filetype
  return Buffer.concat([header, Buffer.from(payload)]);
}
