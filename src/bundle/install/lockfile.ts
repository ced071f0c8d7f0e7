import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ConfigError } from '../../errors.js';
import { hasProductionDependencies, readManifest, type Manifest } from './npm.js';

/** The package managers whose lockfiles are honoured. yarn's two lines have different lockfiles and commands. */
export type NodeManager = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry';

/** Each lockfile name and the manager that writes it (yarn.lock's line is read from its format). */
const LOCKFILES: readonly { file: string; manager: NodeManager | 'yarn' }[] = [
  { file: 'npm-shrinkwrap.json', manager: 'npm' },
  { file: 'package-lock.json', manager: 'npm' },
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
  { file: 'yarn.lock', manager: 'yarn' },
];

export interface ManagerChoice {
  manager: NodeManager;
  /** The lockfile it follows (a name in the package folder); undefined: none, so the install is unpinned (npm). */
  lockfile: string | undefined;
  /** The version package.json's `packageManager` asks for, when it names this manager. */
  version: string | undefined;
}

/** yarn berry's lockfile is YAML with a `__metadata:` block; classic's starts with `# yarn lockfile v1`. */
function yarnLine(file: string): NodeManager {
  const head = readFileSync(file, 'utf8').slice(0, 2000);
  return /^__metadata:/m.test(head) ? 'yarn-berry' : 'yarn-classic';
}

/** `pnpm@10.34.9+sha512.abc` -> { name: 'pnpm', version: '10.34.9' }. */
export function parsePackageManager(value: unknown): { name: string; version: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(npm|pnpm|yarn)@(\d+\.\d+\.\d+[^+]*)(\+.*)?$/.exec(value.trim());
  return match ? { name: match[1]!, version: match[2]! } : undefined;
}

function managerName(manager: NodeManager): string {
  return manager.startsWith('yarn') ? 'yarn' : manager;
}

/**
 * Which manager installs the package in `dir` (its staged folder): the one
 * whose lockfile it has. Lockfiles of two managers, or a `packageManager`
 * that names another manager than the lockfile's, are configuration errors
 * naming both, since one of them would be silently ignored.
 */
export function chooseManager(dir: string, packagePath: string, manifest: Manifest): ManagerChoice {
  const present = LOCKFILES.filter((l) => existsSync(join(dir, l.file))).map((l) => ({ ...l, manager: l.manager === 'yarn' ? yarnLine(join(dir, l.file)) : l.manager }));
  const managers = [...new Set(present.map((l) => managerName(l.manager)))];
  if (managers.length > 1) {
    const [a, b] = present.filter((l, i) => present.findIndex((o) => managerName(o.manager) === managerName(l.manager)) === i);
    throw new ConfigError(
      posix.join(packagePath, a!.file),
      '',
      `${packagePath} has lockfiles of two package managers: ${a!.file} (${managerName(a!.manager)}) and ${b!.file} (${managerName(b!.manager)}); lambda-sync cannot tell which one the package uses`,
      'delete the one the package does not use, and commit',
    );
  }
  const requested = parsePackageManager(manifest.packageManager);
  const lock = present[0]; // npm-shrinkwrap.json before package-lock.json, as npm reads them
  if (!lock) return { manager: 'npm', lockfile: undefined, version: undefined };
  if (requested && requested.name !== managerName(lock.manager)) {
    throw new ConfigError(
      posix.join(packagePath, 'package.json'),
      'packageManager',
      `is ${JSON.stringify(manifest.packageManager)}, but the package's lockfile is ${lock.file} (${managerName(lock.manager)})`,
      'make packageManager name the manager that wrote the lockfile, or replace the lockfile',
    );
  }
  return { manager: lock.manager, lockfile: lock.file, version: requested?.version };
}

/**
 * Whether the package folder `dir` on disk installs dependencies without a
 * lockfile (npm resolves the newest matching versions at each bundle).
 */
export function isUnpinned(dir: string, packagePath: string): boolean {
  let manifest: Manifest | undefined;
  try {
    manifest = readManifest(dir, packagePath);
  } catch {
    return false;
  }
  if (!manifest || !hasProductionDependencies(manifest)) return false;
  return !LOCKFILES.some((l) => existsSync(join(dir, l.file)));
}
