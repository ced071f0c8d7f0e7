import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatDuration, type Logger } from '../log.js';
import { redactingLogger } from '../lambda/redact.js';
import type { Package } from '../packages/package.js';
import { planPackages, type Plan } from '../packages/plan.js';
import { git, isAncestor, resolveRevision } from '../repo/git.js';
import { functionLabel } from '../packages/description.js';
import { missingPackageError } from './common.js';
import { deployPackage, errorText, historyFor, openAccess, packageAt, redactingErrors, type FailedFunction, type FunctionResult } from './deploy.js';

const lambda = () => import('../lambda/index.js');

interface RollbackCommandOptions {
  to?: string;
  repoUrl?: string;
  json?: boolean;
  quiet?: boolean;
}

/** `rollback --json`: like deploy's, with where it came from. */
export interface RollbackJson {
  action: 'rolled-back';
  functionName: string;
  /** The revision Lambda runs now. */
  revision: string;
  codeSha256: string | null;
  /** The version the alias points at now (alias packages), or the one published by the redeploy. */
  version: string | null;
  /** The revision it ran before. */
  from: string | null;
}

export function registerRollback(program: Command, logger: Logger): void {
  program
    .command('rollback')
    .description('move a package back to an older revision: its alias to the newest published version of that revision (no bundling), or, without an alias, a deploy of the package as it was at that revision')
    .argument('<path>', 'the package folder, from the current folder')
    .option('--to <revision>', 'the revision to go back to (default: the package\'s revision before the one Lambda runs)')
    .option('--repo-url <url>', 'the repository\'s URL, source of the repository id (default: the origin remote)')
    .option('--json', 'print one JSON object on stdout: {action, functionName, revision, codeSha256, version, from}')
    .option('-q, --quiet', 'leave out the per-call lines')
    .action(async (path: string, options: RollbackCommandOptions) => {
      const out = await redactingErrors(() => rollbackCommand(path, options, redactingLogger(logger)));
      if (options.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    });
}

async function rollbackCommand(path: string, options: RollbackCommandOptions, logger: Logger): Promise<RollbackJson | { path: string; functions: Array<RollbackJson & { key: string }> }> {
  const root = resolve(path);
  if (!existsSync(root)) throw missingPackageError('rollback', path);
  const plan = await planPackages({ root, repoUrl: options.repoUrl, logger });
  const pkg = await packageAt(plan, await realpath(root), path);
  const to = options.to === undefined ? undefined : await resolveRevision(plan.gitRoot, options.to);
  const access = await openAccess(plan, { logger, printCalls: !options.quiet });
  const started = performance.now();
  try {
    const { rollbackAlias, deployedRevision } = await lambda();
    const fns = pkg.functions;
    // Functions with an alias move it back without bundling, each on its own.
    if (fns.every((fn) => fn.settings.alias)) {
      const isOlder = async (older: string, newer: string) => older !== newer && (await isAncestor(plan.gitRoot, older, newer)) === true;
      const out: Array<RollbackJson & { key: string | undefined }> = [];
      for (const fn of fns) {
        const { client } = access.forFunction({ functionName: fn.functionName, executionRoleArn: fn.settings.role });
        const moved = await rollbackAlias(client, fn.functionName, fn.settings.alias!, to, isOlder);
        logger.info(`rolled back ${fn.functionName} (${functionLabel(pkg.path, fn.key)}): alias ${moved.alias} from version ${moved.from.version} (${moved.from.revision?.slice(0, 12) ?? 'no revision'}) to version ${moved.to.version} (${moved.to.revision.slice(0, 12)}), nothing bundled (${formatDuration(performance.now() - started)})`);
        out.push({ key: fn.key, action: 'rolled-back', functionName: fn.functionName, revision: moved.to.revision, codeSha256: moved.to.codeSha256 ?? null, version: moved.to.version, from: moved.from.revision ?? null });
      }
      return shaped(pkg, out);
    }
    // Otherwise the package is redeployed as it was: one bundle for all its functions.
    // Each function's own revision: one added since (never deployed) names none, and the others still tell where to go back from.
    const deployed = new Map<string, string | undefined>();
    for (const fn of fns) deployed.set(fn.functionName, await deployedRevision(access.forFunction({ functionName: fn.functionName, executionRoleArn: fn.settings.role }).client, fn.functionName));
    const from = fns.map((fn) => deployed.get(fn.functionName)).find((revision) => revision !== undefined);
    const target = to ?? (await previousRevision(plan, pkg, from));
    const old = await planPackages({ root, repoUrl: options.repoUrl, logger, from: { commit: target } });
    const found = old.packages.find((p) => p.path === pkg.path);
    if (!found) throw new UsageError(`${pkg.path} is not a package at ${target.slice(0, 12)}, so there is nothing to roll back to there`);
    const oldPkg = functionsOfHead(found, pkg, target, logger);
    logger.info(`rollback of ${pkg.path} to ${target.slice(0, 12)}: deploying the package as it was there, past the guard that an older revision never overwrites a newer one`);
    const results = await deployPackage(old, oldPkg, access, {
      force: true, history: await historyFor(old, undefined, logger), logger,
      onFailure: (failure) => logger.info(`failed to roll back ${failure.functionName} (${functionLabel(pkg.path, failure.key)}): ${errorText(failure.error).split('\n')[0]}`),
    });
    // Each function that did roll back says so, also when another one failed.
    const out = results.filter((r): r is FunctionResult => r.action !== 'failed').map((result) => {
      const from = deployed.get(result.functionName);
      logger.info(`rolled back ${result.functionName} (${functionLabel(pkg.path, result.key)}) from ${from?.slice(0, 12) ?? 'nothing'} to ${result.revision.slice(0, 12)} (${formatDuration(performance.now() - started)}); the next push deploys as usual`);
      return { key: result.key, action: 'rolled-back' as const, functionName: result.functionName, revision: result.revision, codeSha256: result.codeSha256, version: result.version, from: from ?? null };
    });
    const failed = results.find((r): r is FailedFunction => r.action === 'failed');
    if (failed) throw failed.error;
    return shaped(oldPkg, out);
  } finally {
    access.close();
  }
}

/** As deploy --json: one object for a package's single function, `{path, functions}` for a package with `functions`. */
function shaped(pkg: Package, out: Array<RollbackJson & { key: string | undefined }>): RollbackJson | { path: string; functions: Array<RollbackJson & { key: string }> } {
  if (pkg.functions[0]!.key === undefined) {
    const { key: _key, ...only } = out[0]!;
    return only;
  }
  return { path: pkg.path, functions: out.map((r) => ({ ...r, key: r.key! })) };
}

/** The package's revision before `deployed`: the newest first-parent commit before it that changed the package. */
async function previousRevision(plan: Plan, pkg: Package, deployed: string | undefined): Promise<string> {
  if (deployed === undefined) {
    const what = pkg.functions.length === 1 ? pkg.functionName : `none of ${pkg.path}'s functions (${pkg.functions.map((fn) => fn.functionName).join(', ')})`;
    throw new UsageError(`${what} names no deployed revision (missing, or its Description was edited)`, 'pass --to <revision>');
  }
  const known = await isAncestor(plan.gitRoot, deployed, deployed);
  if (!known) throw new UsageError(`Lambda runs ${deployed.slice(0, 12)}, which this clone does not have`, 'fetch it (git fetch origin), or pass --to <revision>');
  const { stdout } = await git(plan.gitRoot, ['log', '-1', '--first-parent', '--format=%H', `${deployed}^`, '--', ...pkg.watchedPaths, ...pkg.ignoredPaths.map((p) => `:(exclude)${p}`)], { okExitCodes: [128] });
  const previous = stdout.trim();
  if (!previous) throw new UsageError(`${pkg.path} has no revision before ${deployed.slice(0, 12)} to roll back to`, 'pass --to <revision>');
  return previous;
}

/**
 * The functions a rollback redeploys: those HEAD's package declares that the
 * package had at the target too. One HEAD dropped is not recreated (pruning
 * would only delete it again), and one added since is left as it is.
 */
function functionsOfHead(old: Package, head: Package, target: string, logger: Logger): Package {
  const atHead = new Set(head.functions.map((fn) => fn.functionName));
  const then = new Set(old.functions.map((fn) => fn.functionName));
  const at = target.slice(0, 12);
  for (const fn of old.functions) if (!atHead.has(fn.functionName)) logger.info(`${functionLabel(old.path, fn.key)} (${fn.functionName}) was a function of ${old.path} at ${at}, but HEAD does not declare it: not recreated`);
  for (const fn of head.functions) if (!then.has(fn.functionName)) logger.info(`${functionLabel(head.path, fn.key)} (${fn.functionName}) was not a function of ${head.path} at ${at}: left as it is`);
  const functions = old.functions.filter((fn) => atHead.has(fn.functionName));
  if (functions.length === 0) {
    throw new UsageError(
      `none of ${head.path}'s functions at HEAD (${head.functions.map((fn) => functionLabel(head.path, fn.key)).join(', ')}) was a function of it at ${at}, so there is nothing to roll back`,
      'pass --to a revision where the package declares these functions',
    );
  }
  return functions.length === old.functions.length ? old : { ...old, functions, functionName: functions[0]!.functionName };
}
