import type { Architecture } from '../../config/types.js';

/** What pip must install for: Lambda's OS, the function's architecture and the runtime's Python. */
export interface PythonTarget {
  /** `3.12` for python3.12. */
  version: string;
  architecture: Architecture;
  /** pip `--platform` values, most preferred first. */
  platforms: string[];
  /** Amazon Linux release of the runtime, for messages. */
  os: 'Amazon Linux 2' | 'Amazon Linux 2023';
}

/** `python3.12` -> `3.12`; undefined for other runtimes. */
export function pythonVersion(runtime: string): string | undefined {
  return /^python(3\.\d+)$/.exec(runtime)?.[1];
}

export function isPythonRuntime(runtime: string): boolean {
  return pythonVersion(runtime) !== undefined;
}

/**
 * glibc of the runtime's OS: python3.11 runs on Amazon Linux 2 (glibc 2.26),
 * python3.12 and later on Amazon Linux 2023 (glibc 2.34). A wheel tagged for
 * a newer glibc would fail to load there.
 */
function osOf(version: string): { os: PythonTarget['os']; glibcMinor: number } {
  const minor = Number(version.split('.')[1]);
  return minor <= 11 ? { os: 'Amazon Linux 2', glibcMinor: 26 } : { os: 'Amazon Linux 2023', glibcMinor: 34 };
}

/**
 * The manylinux tags a system with that glibc accepts, newest first (pip
 * prefers earlier ones): the PEP 600 names down to 2.17, with their legacy
 * aliases (manylinux2014 = 2.17, manylinux2010 = 2.12, manylinux1 = 2.5).
 * pip compares tags as strings, so both spellings must be listed. aarch64
 * has no manylinux tag older than 2014.
 */
export function manylinuxPlatforms(architecture: Architecture, glibcMinor: number): string[] {
  const arch = architecture === 'arm64' ? 'aarch64' : 'x86_64';
  const tags: string[] = [];
  for (let minor = glibcMinor; minor >= 17; minor--) tags.push(`manylinux_2_${minor}_${arch}`);
  tags.push(`manylinux2014_${arch}`);
  if (arch === 'x86_64') tags.push('manylinux_2_12_x86_64', 'manylinux2010_x86_64', 'manylinux_2_5_x86_64', 'manylinux1_x86_64');
  return tags;
}

export function pythonTarget(runtime: string, architecture: Architecture): PythonTarget {
  const version = pythonVersion(runtime);
  if (!version) throw new Error(`not a Python runtime: ${runtime}`);
  const { os, glibcMinor } = osOf(version);
  return { version, architecture, platforms: manylinuxPlatforms(architecture, glibcMinor), os };
}

/** `python3.12 on arm64 (Amazon Linux 2023, manylinux_2_34_aarch64 ... manylinux2014_aarch64)` */
export function describeTarget(target: PythonTarget): string {
  return `python${target.version} on ${target.architecture} (${target.os}: ${target.platforms[0]} ... ${target.platforms.at(-1)})`;
}
