// pnpm and yarn (classic and berry) for packages whose lockfile is theirs.
// The same policies as npm (install/index.ts), in each manager's words:
// frozen lockfile, production only, a plain node_modules (no symlinks, no
// Plug'n'Play), Lambda's platform, no dependency scripts.
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { errorLines, runLogged } from '../run-logged.js';
import type { ManagerCommand } from './managers.js';
import type { InstallTarget } from './platform.js';
import { installedPackages } from './scripts.js';
import type { NpmPhase } from './npm.js';

export interface ManagerInstall {
  command: ManagerCommand;
  /** The package's staged folder. */
  dir: string;
  packagePath: string;
  lockfile: string;
  /** A folder above the package, outside it: yarn berry's settings file and install state go there. */
  outside: string;
  phase: NpmPhase;
  target: InstallTarget;
  logger: Logger;
}

// The managers' own bookkeeping in node_modules: dates, machine details and
// absolute paths that would make the zip differ between machines, and that
// nothing reads at run time.
const STATE_FILES = ['.modules.yaml', '.pnpm', '.pnpm-workspace-state-v1.json', '.yarn-integrity', '.yarn-state.yml', '.package-map.json'];

/** Runs the install; returns the command line for the step line. */
export async function managerInstall(options: ManagerInstall): Promise<string> {
  const { command, dir, phase, target } = options;
  // A build may need dev dependencies: NODE_ENV=production (the Docker image's) would make pnpm and yarn classic leave them out.
  const env: Record<string, string> = { npm_config_update_notifier: 'false', ...(phase === 'build' ? { NODE_ENV: 'development' } : {}) };
  let args: string[];
  switch (command.manager) {
    case 'pnpm':
      args = ['install', '--frozen-lockfile', '--config.node-linker=hoisted', '--config.package-import-method=copy', '--config.confirm-modules-purge=false', '--config.manage-package-manager-versions=false', '--ignore-scripts', '--reporter=append-only'];
      if (phase === 'lambda') args.push('--prod', `--os=${target.os}`, `--cpu=${target.cpu}`, `--libc=${target.libc}`);
      break;
    case 'yarn-classic':
      // yarn classic checks os/cpu against this machine only: --ignore-platform
      // installs every platform's packages, and removeOtherPlatforms keeps Lambda's.
      args = ['install', '--frozen-lockfile', '--ignore-scripts', '--non-interactive', '--no-progress'];
      if (phase === 'lambda') args.push('--production', '--ignore-platform');
      break;
    case 'yarn-berry':
      Object.assign(env, {
        YARN_NODE_LINKER: 'node-modules',
        YARN_ENABLE_SCRIPTS: 'false',
        YARN_ENABLE_IMMUTABLE_INSTALLS: 'true',
        YARN_ENABLE_GLOBAL_CACHE: 'true',
        YARN_ENABLE_TELEMETRY: '0',
        YARN_ENABLE_PROGRESS_BARS: 'false',
        YARN_INSTALL_STATE_PATH: join(options.outside, 'yarn-install-state.gz'),
      });
      if (phase === 'lambda') {
        // supportedArchitectures has no environment variable (it is a map):
        // a settings file in a folder above the package (yarn reads every
        // .yarnrc.yml up the tree; the package's own keeps precedence).
        await writeFile(join(options.outside, '.yarnrc.yml'), `supportedArchitectures:\n  os: [${target.os}]\n  cpu: [${target.cpu}]\n  libc: [${target.libc}]\n`);
        // production only: `workspaces focus --production` (built into yarn 4)
        args = ['workspaces', 'focus', '--production'];
      } else {
        args = ['install', '--immutable'];
      }
      break;
  }
  const shown = `${command.label}: ${[command.manager === 'pnpm' ? 'pnpm' : 'yarn', ...args].join(' ')}`;
  const run = await runLogged(command.file, [...command.prefix, ...args], { cwd: dir, logger: options.logger, env });
  if (run.exitCode !== 0) {
    const lines = errorLines(run.lines, /ERR|error|YN0028|YN0001|Your lockfile needs to be updated|frozen|not found/i, 15);
    throw new OperationError(
      `${command.label} failed for package ${options.packagePath} (exit ${run.exitCode}):\n${lines.map((l) => `  ${l}`).join('\n')}`,
      `reproduce with: cd ${options.packagePath} && ${shown.slice(shown.indexOf(': ') + 2)} (if ${options.lockfile} is out of date: install there and commit it)`,
    );
  }
  if (command.manager === 'yarn-classic' && phase === 'lambda') await removeOtherPlatforms(dir, target);
  await Promise.all(STATE_FILES.map((name) => rm(join(dir, 'node_modules', name), { recursive: true, force: true })));
  return shown;
}

/** npm's rule for package.json's os/cpu/libc lists: `!x` excludes x; positive entries must include the value. */
function allows(list: unknown, value: string): boolean {
  if (!Array.isArray(list) || list.length === 0) return true;
  const entries = list.filter((e): e is string => typeof e === 'string');
  if (entries.includes(`!${value}`)) return false;
  const positive = entries.filter((e) => !e.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/** Deletes installed packages whose os, cpu or libc exclude the target (what npm's and pnpm's --os/--cpu/--libc skip). */
async function removeOtherPlatforms(dir: string, target: InstallTarget): Promise<void> {
  for (const pkg of installedPackages(dir)) {
    if (!allows(pkg.os, target.os) || !allows(pkg.cpu, target.cpu) || !allows(pkg.libc, target.libc)) {
      if (existsSync(pkg.dir)) await rm(pkg.dir, { recursive: true, force: true });
    }
  }
}

