import type { Architecture } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Package } from '../packages/package.js';
import { describeBinaryKind, fitsArchitecture, LAMBDA_MACHINES, readFileBinaryKind, HEAD_BYTES, type BinaryKind } from './elf.js';
import { WrongArchitectureError } from './errors.js';
import type { ZipInput } from './zip/writer.js';

export interface ForeignBinary {
  /** Path in the zip. */
  name: string;
  kind: BinaryKind;
  /** The npm package (under node_modules) it belongs to, if any. */
  dependency: string | undefined;
}

// Folder names that say the files below are for another platform or
// architecture than the function's, so the code that loads them picks
// another folder on Lambda: node-gyp-build's prebuilds/<platform>-<arch>/,
// node-pre-gyp's lib/binding/<abi>-<platform>-<arch>/. Only folders count: a
// file name's tag (a wheel's `.cpython-312-x86_64-linux-gnu.so`) is what the
// loader looks for, so a wrong one there is an error. Prisma's engines are
// the one file-name scheme of this kind (libquery_engine-<target>.so.node,
// picked at run time by binaryTargets).
const OTHER_PLATFORMS = ['darwin', 'macos', 'win32', 'windows', 'freebsd', 'openbsd', 'android', 'musl', 'alpine', 'linuxmusl'];
const ARCH_TOKENS: Record<Architecture, string[]> = {
  x86_64: ['x64', 'x86_64', 'amd64'],
  arm64: ['arm64', 'aarch64'],
};
const PER_TARGET_FILES = /^(libquery_engine|query_engine|query-engine|schema-engine)-/;

function otherArchitecture(architecture: Architecture): Architecture {
  return architecture === 'x86_64' ? 'arm64' : 'x86_64';
}

/** Whether the file's folders (or a per-target file name) name another platform or the other architecture, and not the function's own. */
function pathNamesAnotherTarget(name: string, architecture: Architecture): boolean {
  const parts = name.toLowerCase().split('/');
  const base = parts.pop()!;
  const tagged = [...parts, ...(PER_TARGET_FILES.test(base) ? [base] : [])];
  const tokens = new Set(tagged.flatMap((p) => [...p.split(/[-_.+@]+/), ...(p.includes('x86_64') ? ['x86_64'] : [])]));
  const names = (list: string[]): boolean => list.some((t) => tokens.has(t));
  if (names(OTHER_PLATFORMS)) return true;
  return names(ARCH_TOKENS[otherArchitecture(architecture)]) && !names(ARCH_TOKENS[architecture]);
}

/** `node_modules/@img/sharp-linux-x64/lib/x.node` -> `@img/sharp-linux-x64` (the innermost package). */
export function dependencyOf(name: string): string | undefined {
  const parts = name.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length - 1) return undefined;
  const first = parts[at + 1]!;
  return first.startsWith('@') && at + 2 < parts.length - 1 ? `${first}/${parts[at + 2]}` : first;
}

/**
 * Reads the first bytes of every file that ships, whatever the runtime
 * (.node addons, .so libraries, executables, a custom runtime's bootstrap,
 * wheels' extension modules), and fails when a native binary is not for the
 * function's architecture: Lambda would accept the zip and the function would
 * fail when it loads the file. A binary whose path names another platform or
 * architecture (prebuilds for every platform in one package) is only reported
 * as a warning, since the code that loads it picks the function's own file.
 */
export function checkBinaries(pkg: Package, files: readonly ZipInput[], logger: Logger): void {
  const architecture = pkg.config.architecture;
  const wrong: ForeignBinary[] = [];
  const unused: string[] = [];
  for (const file of files) {
    if (file.size < HEAD_BYTES) continue;
    const kind = readFileBinaryKind(file.source);
    if (!kind || fitsArchitecture(kind, architecture)) continue;
    if (pathNamesAnotherTarget(file.name, architecture)) unused.push(`${file.name} (${describeBinaryKind(kind)})`);
    else wrong.push({ name: file.name, kind, dependency: dependencyOf(file.name) });
  }
  if (unused.length > 0) {
    logger.warn(`${pkg.path}: ${unused.length} native file(s) for another platform ship but cannot load on ${architecture} (${LAMBDA_MACHINES[architecture].name}): ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}; exclude them to make the bundle smaller`);
  }
  if (wrong.length > 0) throw new WrongArchitectureError(pkg, wrong);
}
