// Where pnpm and yarn come from. lambda-sync depends on pinned versions of
// them (npm packages: `pnpm`, `yarn` for classic, `@yarnpkg/cli-dist` for
// berry), so they run with no download: offline, in CI that reaches only the
// npm registry, and in the Docker image, which installs lambda-sync's
// dependencies. (corepack would fetch yarn berry from repo.yarnpkg.com.)
// A package whose `packageManager` names another version gets that version
// through `npm exec` from the npm registry, like its dependencies.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { runLogged } from '../run-logged.js';
import type { NodeManager } from './lockfile.js';

type OtherManager = Exclude<NodeManager, 'npm'>;

const PACKAGES: Record<OtherManager, { npmPackage: string; bin: string; entry: string; shown: string }> = {
  pnpm: { npmPackage: 'pnpm', bin: 'pnpm', entry: 'bin/pnpm.cjs', shown: 'pnpm' },
  'yarn-classic': { npmPackage: 'yarn', bin: 'yarn', entry: 'bin/yarn.js', shown: 'yarn' },
  'yarn-berry': { npmPackage: '@yarnpkg/cli-dist', bin: 'yarn', entry: 'bin/yarn.js', shown: 'yarn' },
};

/** Oldest versions that can install for another platform: pnpm's --os/--cpu/--libc came in 10.14. */
const MINIMUM: Partial<Record<OtherManager, [number, number]>> = { pnpm: [10, 14] };

const require = createRequire(import.meta.url);

/** The folder of an installed dependency of lambda-sync, found as Node finds it (not through `exports`, which pnpm's leaves package.json out of). */
export function dependencyFolder(name: string): string | undefined {
  for (const modules of require.resolve.paths(name) ?? []) {
    if (existsSync(join(modules, name, 'package.json'))) return join(modules, name);
  }
  return undefined;
}

/** The version lambda-sync brings, read from the installed package; undefined when it is missing. */
export function bundledVersion(manager: OtherManager): string | undefined {
  const folder = dependencyFolder(PACKAGES[manager].npmPackage);
  return folder ? (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version : undefined;
}

/** The file that runs the version of `manager` lambda-sync brings. */
export function bundledEntry(manager: OtherManager): string | undefined {
  const folder = dependencyFolder(PACKAGES[manager].npmPackage);
  return folder ? join(folder, PACKAGES[manager].entry) : undefined;
}

export interface ManagerCommand {
  manager: OtherManager;
  version: string;
  /** Program and leading arguments; the manager's own arguments follow. */
  file: string;
  prefix: string[];
  /** `pnpm 10.34.9`, for step lines and messages. */
  label: string;
}

function atLeast(version: string, minimum: [number, number]): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

/**
 * The command that runs `manager` at `requested` (package.json's
 * packageManager) or, without one, at the version lambda-sync brings. One
 * that cannot run is a UsageError (exit 2) naming it and how to get it.
 */
export async function managerCommand(manager: OtherManager, requested: string | undefined, dir: string, logger: Logger): Promise<ManagerCommand> {
  const spec = PACKAGES[manager];
  const bundled = bundledVersion(manager);
  const version = requested ?? bundled;
  const name = manager === 'yarn-berry' ? 'yarn (berry)' : manager === 'yarn-classic' ? 'yarn (classic)' : 'pnpm';
  if (version === undefined) {
    throw new UsageError(`${name} cannot run: lambda-sync's own copy (the ${spec.npmPackage} package) is missing`, `reinstall lambda-sync (npm install --global lambda-sync), which brings ${spec.npmPackage}`);
  }
  const minimum = MINIMUM[manager];
  if (minimum && !atLeast(version, minimum)) {
    throw new UsageError(
      `${spec.shown}@${version} (package.json packageManager) cannot install dependencies for Lambda's platform: --os, --cpu and --libc need ${spec.shown} ${minimum.join('.')} or newer`,
      `set packageManager to "${spec.shown}@${bundled ?? `${minimum.join('.')}.0`}" (its lockfile format is the same) and commit`,
    );
  }
  if (version === bundled) {
    return { manager, version, file: process.execPath, prefix: [bundledEntry(manager)!], label: `${spec.shown} ${version}` };
  }
  const command: ManagerCommand = { manager, version, file: 'npm', prefix: ['exec', '--yes', `--package=${spec.npmPackage}@${version}`, '--', spec.bin], label: `${spec.shown} ${version}` };
  const probe = await runLogged(command.file, [...command.prefix, '--version'], { cwd: dir, logger: { ...logger, info: () => {} }, env: { npm_config_update_notifier: 'false' } });
  if (probe.exitCode !== 0 || probe.lines.at(-1)?.trim() !== version) {
    const why = probe.lines.filter((l) => /error|ERR/i.test(l)).slice(0, 3).join('; ') || probe.lines.slice(-2).join('; ');
    throw new UsageError(
      `${spec.shown}@${version} (package.json packageManager) cannot run: npm could not get ${spec.npmPackage}@${version}${why ? ` (${why})` : ''}`,
      `make the npm registry reachable for ${spec.npmPackage}@${version}, or set packageManager to "${spec.shown}@${bundled}", the version lambda-sync brings`,
    );
  }
  return command;
}
