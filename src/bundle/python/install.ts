import { arch } from 'node:os';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ConfigError, OperationError, UsageError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Package } from '../../packages/package.js';
import { configField } from '../config-field.js';
import { errorLines, runLogged } from '../run-logged.js';
import { normaliseInstall } from './normalise.js';
import { describeTarget, pythonTarget, type PythonTarget } from './platform.js';
import { findDependencySource, normaliseName, type DependencySource } from './requirements.js';

export interface PythonInstallOptions {
  pkg: Package;
  /** The staged package folder; dependencies end up at its root, where Lambda's sys.path has /var/task. */
  packageDir: string;
  /** An empty folder outside the package for pip's target and temporary files. */
  workDir: string;
  logger: Logger;
}

/**
 * Installs a Python package's dependencies (requirements.txt, else
 * pyproject.toml's [project].dependencies) at the root of its staged
 * folder, for Lambda and never for this machine: `pip install --target`
 * with `--platform` (the manylinux tags of the runtime's Amazon Linux, for
 * the function's architecture), `--implementation cp`, `--python-version`
 * of the runtime and `--only-binary=:all:`, so only wheels built for Lambda
 * are used. `--no-compile`: no .pyc files that would differ per machine.
 * Hash-pinned requirements get `--require-hashes`. pip reads its own
 * configuration as usual (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX,
 * pip.conf), so private indexes and offline mirrors work.
 *
 * With `pythonBuildFromSource`, the platform options are dropped (pip
 * refuses source builds for another platform) and pip prefers wheels but
 * may build sdists with this machine's python3.X: a warning says so.
 *
 * Returns the step's summary, or undefined when nothing declares dependencies.
 */
export async function installPythonDependencies(options: PythonInstallOptions): Promise<string | undefined> {
  const { pkg, packageDir, workDir, logger } = options;
  const source = findDependencySource(packageDir, pkg.path, logger);
  if (!source) return undefined;
  const target = pythonTarget(pkg.config.runtime, pkg.config.architecture);
  const fromSource = pkg.config.pythonBuildFromSource;
  const python = fromSource ? await sourceBuildPython(target, pkg, logger) : 'python3';

  mkdirSync(workDir, { recursive: true });
  const installDir = join(workDir, 'target');
  let requirementsFile = source.file;
  if (source.kind === 'pyproject.toml') {
    requirementsFile = join(workDir, 'pyproject-requirements.txt');
    writeFileSync(requirementsFile, source.requirements.map((r) => `${r.text}\n`).join(''));
  }
  const args = ['-m', 'pip', 'install', ...pipArgs(installDir, target, fromSource, source.kind === 'requirements.txt' && source.hashes), '-r', requirementsFile];
  const run = await runLogged(python, args, { cwd: packageDir, logger });
  if (run.exitCode !== 0 || run.notFound) throw pipFailure(run, python, source, target, pkg, fromSource);

  normaliseInstall(installDir);
  const installed = existsSync(installDir) ? readdirSync(installDir).filter((name) => name.endsWith('.dist-info')) : [];
  if (existsSync(installDir)) mergeInto(installDir, packageDir, '', source);
  const how = fromSource ? `this machine's ${python}, source builds allowed` : describeTarget(target);
  return `${installed.length} distributions from ${source.kind} for ${how}`;
}

/** The options of `pip install` besides the requirements file. */
export function pipArgs(installDir: string, target: PythonTarget, fromSource: boolean, requireHashes: boolean): string[] {
  const args = [
    '--target',
    installDir,
    '--no-compile',
    '--disable-pip-version-check',
    '--no-input',
    '--progress-bar',
    'off',
    '--root-user-action=ignore',
  ];
  if (fromSource) args.push('--prefer-binary');
  else {
    args.push('--only-binary=:all:', '--implementation', 'cp', '--python-version', target.version);
    for (const platform of target.platforms) args.push('--platform', platform);
  }
  if (requireHashes) args.push('--require-hashes');
  return args;
}

/** True when `python` runs and has pip (a version manager's shim may exist and still fail). */
async function hasPip(python: string): Promise<boolean> {
  const run = await execa(python, ['-m', 'pip', '--version'], { reject: false, stdin: 'ignore' });
  return run.exitCode === 0;
}

/** python3.X when it is on PATH (extension modules are built for the Python that builds them), else python3 with a warning. */
async function sourceBuildPython(target: PythonTarget, pkg: Package, logger: Logger): Promise<string> {
  const exact = `python${target.version}`;
  const machine = arch() === 'arm64' ? 'arm64' : arch() === 'x64' ? 'x86_64' : arch();
  logger.warn(
    `${pkg.path}: ${configField(pkg, 'pythonBuildFromSource')} is on: pip may build dependencies from source on this machine (${machine}, glibc of this OS), not for Lambda's ${target.os}; ` +
      `bundle on ${target.architecture} Linux with ${exact} so that compiled modules load on Lambda`,
  );
  if (machine !== target.architecture) logger.warn(`${pkg.path}: this machine is ${machine} but the function runs on ${target.architecture}: a dependency built from source here will not load there`);
  if (await hasPip(exact)) return exact;
  logger.warn(`${pkg.path}: ${exact} with pip is not on PATH; building with python3, whose version may differ from the runtime's`);
  return 'python3';
}

const NO_VERSION = /Could not find a version that satisfies the requirement (\S+) \(from versions: ([^)]*)\)/;
const HASH_PROBLEM = /hash/i;
// Then pip's "no version" only means it saw no index at all.
const UNREACHABLE = /Failed to establish a new connection|Could not fetch URL|Max retries exceeded|Name or service not known|Network is unreachable|Temporary failure in name resolution/;

function pipFailure(
  run: { exitCode: number; lines: string[]; notFound: boolean },
  python: string,
  source: DependencySource,
  target: PythonTarget,
  pkg: Package,
  fromSource: boolean,
): Error {
  if (run.notFound) return new UsageError(`${python} is not installed or not on PATH; it is needed to install the dependencies of ${pkg.path}`, 'install Python 3 and pip (Debian: apt-get install python3 python3-pip)');
  if (run.lines.some((l) => /No module named pip\b/.test(l))) return new UsageError(`pip is not installed for ${python}; it is needed to install the dependencies of ${pkg.path}`, 'install pip (Debian: apt-get install python3-pip)');
  const shown = errorLines(run.lines, /^ERROR:|error:/i);
  const unreachable = run.lines.find((l) => UNREACHABLE.test(l));
  if (unreachable) {
    return new OperationError(
      `pip could not reach its package index for ${pkg.path}: ${unreachable.replace(/^\s*(WARNING|ERROR): /, '').slice(0, 300)}`,
      'check the network, or point pip at a reachable index or folder of wheels (PIP_INDEX_URL, or PIP_FIND_LINKS with PIP_NO_INDEX=1, or pip.conf)',
    );
  }
  const noVersion = run.lines.map((l) => NO_VERSION.exec(l)).find((m) => m !== null);
  if (noVersion && !fromSource) {
    const requirement = noVersion[1]!;
    const versions = noVersion[2]!.trim();
    const name = normaliseName(/^[A-Za-z0-9._-]+/.exec(requirement)?.[0] ?? requirement);
    const declared = source.requirements.find((r) => r.name === name);
    const field = source.kind === 'pyproject.toml' ? 'project.dependencies' : declared ? `line ${declared.line}` : '';
    return new ConfigError(
      source.display,
      field,
      `${requirement}${declared ? '' : ' (an indirect dependency)'}: no wheel for Lambda's ${describeTarget(target)}; versions with such a wheel: ${versions === 'none' ? 'none' : versions}`,
      `require a version that has a wheel for ${target.architecture} (manylinux) and python${target.version}, or set ${configField(pkg, 'pythonBuildFromSource')}: true in ${pkg.configFile} to let pip build it from source on the bundling machine`,
    );
  }
  if (shown.some((l) => HASH_PROBLEM.test(l))) {
    // pip lists the requirements concerned on the lines after its ERROR line
    const first = run.lines.findIndex((l) => l.startsWith('ERROR:'));
    const details = run.lines.slice(Math.max(first, 0)).filter((l) => l.trim() !== '').slice(0, 20);
    return new ConfigError(source.display, '', `pip refused the hashes:\n${details.map((l) => `  ${l}`).join('\n')}`, 'every requirement, indirect ones included, needs a --hash= for the exact file pip picks (pip-compile --generate-hashes writes them)');
  }
  return new OperationError(
    `pip install failed for package ${pkg.path} (exit ${run.exitCode}):\n${shown.map((l) => `  ${l}`).join('\n')}`,
    `reproduce with: cd ${pkg.path} && ${python} -m pip install --target /tmp/x ${fromSource ? '--prefer-binary' : `--only-binary=:all: --implementation cp --python-version ${target.version} --platform ${target.platforms.at(-1)}`} -r ${source.kind === 'requirements.txt' ? 'requirements.txt' : '<the dependencies of pyproject.toml>'}`,
  );
}

/**
 * Moves what pip installed into the package folder. Folders merge (a
 * namespace package, `bin/`); a file the package already has is an error:
 * which one should ship is the user's call, not ours.
 */
function mergeInto(from: string, to: string, rel: string, source: DependencySource): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const src = join(from, entry.name);
    const dest = join(to, entry.name);
    const existing = existsSync(dest) ? lstatSync(dest) : undefined;
    if (!existing) renameSync(src, dest);
    else if (existing.isDirectory() && entry.isDirectory()) mergeInto(src, dest, path, source);
    else throw new ConfigError(source.display, '', `pip installs ${path}, which the package itself has too`, 'remove the file from the package, or the dependency that brings it');
  }
}
