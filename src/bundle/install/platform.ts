import type { Architecture } from '../../config/types.js';

/** The platform a package manager installs for, in npm's words (package.json `os`, `cpu`, `libc`). */
export interface InstallTarget {
  os: 'linux';
  cpu: 'x64' | 'arm64';
  libc: 'glibc';
}

/** Lambda runs Linux with glibc (Amazon Linux), on x86_64 or arm64, whatever machine bundles. */
export function lambdaTarget(architecture: Architecture): InstallTarget {
  return { os: 'linux', cpu: architecture === 'arm64' ? 'arm64' : 'x64', libc: 'glibc' };
}

/** How the target is shown in step lines: `linux-arm64-glibc`. */
export function describeTarget(target: InstallTarget): string {
  return `${target.os}-${target.cpu}-${target.libc}`;
}
