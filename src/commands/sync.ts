import { InvalidArgumentError, Option, type Command } from 'commander';
import { OperationError, UsageError } from '../errors.js';
import { createLogger, formatDuration, silentLogger, type Logger } from '../log.js';
import type { LambdaAccess } from '../lambda/access.js';
import type { CallRecord } from '../lambda/call-log.js';
import type { DeployAction } from '../lambda/deploy.js';
import type { RevisionHistory } from '../lambda/history.js';
import { redactingLogger, redactSecrets } from '../lambda/redact.js';
import type { WaitOptions } from '../lambda/wait.js';
import { leftOut } from '../packages/dirty.js';
import type { Package } from '../packages/package.js';
import { planPackages, type Plan } from '../packages/plan.js';
import { mapWithConcurrency } from '../concurrency.js';
import { addRepositoryOptions, formatTable, type RepositoryOptions } from './common.js';
import { functionLabel } from '../packages/description.js';
import { deployPackage, forcedByEnvironment, historyFor, openAccess, redactingErrors } from './deploy.js';

export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 256;

interface SyncCommandOptions extends RepositoryOptions {
  concurrency: number;
  force?: boolean;
  allowDirty?: boolean;
  json?: boolean;
  verbose?: boolean;
}

/** One function's outcome. */
export interface SyncRow {
  path: string;
  /** The function's key under the package's `functions`; absent for a package's single function. */
  key?: string;
  functionName: string;
  action: DeployAction | 'failed';
  revision: string | null;
  ms: number;
  /** Why (for a deploy or a skip) or what went wrong (for a failure). */
  detail: string;
}

export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  return n;
}

export function registerSync(program: Command, logger: Logger): void {
  addRepositoryOptions(
    program
      .command('sync')
      .description('check-and-deploy every package of the repository from this machine (the local engine), continuing past failures, and print a table')
      .addOption(new Option('--concurrency <n>', 'packages checked and deployed at once (Lambda allows 15 writes per second for the whole account)').argParser(parseConcurrency).default(DEFAULT_CONCURRENCY))
      .option('--force', 'deploy every package even when Lambda runs its revision or a newer one (also LAMBDA_SYNC_FORCE=1)')
      .option('--allow-dirty', 'deploy packages with uncommitted changes: they are left out (and listed), the committed code and config deploy')
      .option('--json', 'print the results as one JSON object on stdout instead of the table')
      .option('-v, --verbose', 'print every step and Lambda API call of every package'),
  ).action(async (options: SyncCommandOptions) => {
    const safe = redactingLogger(logger);
    await redactingErrors(async () => {
      const plan = await planPackages({ root: options.root, repoUrl: options.repoUrl, logger: safe });
      const calls: CallRecord[] = [];
      const access = await openAccess(plan, { logger: safe, printCalls: options.verbose === true, onCall: (c) => calls.push(c) });
      const started = performance.now();
      let rows: SyncRow[];
      try {
        rows = await syncPackages(plan, access, {
          concurrency: options.concurrency,
          force: options.force === true || forcedByEnvironment(),
          allowDirty: options.allowDirty === true,
          history: await historyFor(plan, undefined, safe),
          logger: safe,
          verbose: options.verbose === true,
        });
      } finally {
        access.close();
      }
      const retried = calls.filter((c) => c.attempts > 1).length;
      safe.info(`${summarize(rows)} in ${formatDuration(performance.now() - started)}; ${calls.length} Lambda API calls, ${retried} of them retried`);
      if (options.json) process.stdout.write(`${JSON.stringify({ repository: plan.repository, head: plan.head, packages: rows })}\n`);
      else if (rows.length > 0) process.stdout.write(`${syncTable(rows)}\n`);
      const failed = rows.filter((r) => r.action === 'failed');
      if (failed.length > 0) {
        throw new OperationError(`${failed.length} of ${rows.length} functions failed: ${failed.map((r) => functionLabel(r.path, r.key)).slice(0, 10).join(', ')}${failed.length > 10 ? ', ...' : ''}`);
      }
    });
  });
}

export interface SyncOptions {
  concurrency: number;
  force: boolean;
  allowDirty: boolean;
  history: RevisionHistory;
  logger: Logger;
  /** Each package's steps too, prefixed with its path. */
  verbose?: boolean;
  wait?: WaitOptions;
}

/**
 * Check-and-deploy for every package, `concurrency` at a time, in plan order.
 * A failed package is recorded and the others go on. Lambda's write quota is
 * shared by the whole account, so concurrency beyond a few dozen only adds
 * throttling (which the shared client's adaptive retries absorb).
 */
export async function syncPackages(plan: Plan, access: LambdaAccess, options: SyncOptions): Promise<SyncRow[]> {
  let done = 0;
  const total = plan.packages.reduce((n, p) => n + p.functions.length, 0);
  const perPackage = await mapWithConcurrency(plan.packages, options.concurrency, async (pkg) => {
    const rows = await syncOne(plan, pkg, access, options);
    for (const row of rows) {
      done++;
      const what = row.action === 'failed' ? `failed: ${row.detail}` : row.action;
      options.logger.info(`[${done}/${total}] ${functionLabel(row.path, row.key)}: ${what} (${formatDuration(row.ms)})`);
    }
    return rows;
  });
  return perPackage.flat();
}

/** The rows of one package's functions, which share one bundle. */
async function syncOne(plan: Plan, pkg: Package, access: LambdaAccess, options: SyncOptions): Promise<SyncRow[]> {
  const started = performance.now();
  const row = (fn: { key: string | undefined; functionName: string }, action: SyncRow['action'], detail: string, ms = performance.now() - started): SyncRow => ({
    path: pkg.path, ...(fn.key === undefined ? {} : { key: fn.key }), functionName: fn.functionName, action, revision: pkg.revision ?? null, ms, detail,
  });
  const message = (error: unknown): string => redactSecrets(error instanceof Error ? error.message : String(error));
  try {
    if (pkg.uncommittedFiles.length > 0) {
      if (!options.allowDirty) throw new UsageError(`${pkg.path} has uncommitted changes`, 'commit them, or pass --allow-dirty');
      options.logger.warn(leftOut(pkg, pkg.revision));
    }
    const logger = options.verbose ? prefixed(options.logger, pkg.path) : silentLogger;
    const times = new Map<string, number>();
    const results = await deployPackage(plan, pkg, access, {
      force: options.force, history: options.history, logger, ...(options.wait ? { wait: options.wait } : {}),
      onResult: (result, ms) => times.set(result.functionName, ms),
    });
    return results.map((r) => (r.action === 'failed' ? row(r, 'failed', message(r.error)) : row(r, r.action, r.detail, times.get(r.functionName))));
  } catch (error) {
    return pkg.functions.map((fn) => row(fn, 'failed', message(error)));
  }
}

function prefixed(logger: Logger, path: string): Logger {
  return createLogger((line) => logger.info(line), `[${path}] `);
}

const ORDER: SyncRow['action'][] = ['created', 'updated', 'configured', 'skipped', 'skipped-newer', 'failed'];

/** `3 functions of 2 packages: 1 updated, 2 skipped`: sync counts functions, since a package may have several. */
export function summarize(rows: SyncRow[]): string {
  const counts = ORDER.map((action) => [action, rows.filter((r) => r.action === action).length] as const).filter(([, n]) => n > 0);
  const packages = new Set(rows.map((r) => r.path)).size;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(rows.length, 'function')} of ${plural(packages, 'package')}${counts.length ? `: ${counts.map(([a, n]) => `${n} ${a}`).join(', ')}` : ''}`;
}

export function syncTable(rows: SyncRow[]): string {
  return formatTable(
    ['PACKAGE', 'ACTION', 'TIME', 'DETAIL'],
    rows.map((r) => [functionLabel(r.path, r.key), r.action, formatDuration(r.ms), r.detail.split('\n')[0]!]),
  );
}
