import { InvalidArgumentError, Option, type Command } from 'commander';
import { OperationError, UsageError } from '../errors.js';
import { counted, createLogger, formatDuration, silentLogger, type Logger } from '../log.js';
import type { LambdaAccess } from '../lambda/access.js';
import type { CallRecord } from '../lambda/call-log.js';
import type { Classification, PackageState } from '../lambda/classify.js';
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
import { deployPackage, DIRTY_HINT, errorText, forcedByEnvironment, historyFor, openAccess, redactingErrors } from './deploy.js';
import { readStatus } from './status.js';

const lambda = () => import('../lambda/index.js');

export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 256;

interface SyncCommandOptions extends RepositoryOptions {
  concurrency: number;
  force?: boolean;
  allowDirty?: boolean;
  json?: boolean;
  verbose?: boolean;
  prune?: boolean;
  dryRun?: boolean;
  allowMassDelete?: boolean;
  maxDeletes?: number;
}

/** What --dry-run says a sync would do. */
export type PlannedAction = 'would-create' | 'would-update' | 'would-configure' | 'would-skip' | 'would-skip-newer' | 'would-leave' | 'would-delete';

/** One function's (or, with pruning, one orphan's) outcome. */
export interface SyncRow {
  path: string;
  /** The function's key under the package's `functions`; absent for a package's single function. */
  key?: string;
  /** True for an orphan's row (deleted, left, would-delete, or a failed removal). */
  removal?: true;
  functionName: string;
  action: DeployAction | 'failed' | 'deleted' | 'left' | PlannedAction;
  revision: string | null;
  ms: number;
  /** Why (for a deploy or a skip) or what went wrong (for a failure). */
  detail: string;
  /** What Lambda runs after this sync (our bundle's, or for a skip the function's); null when it failed. */
  codeSha256: string | null;
  /** The package's warnings (bundle, handler check, uncommitted files), as printed. */
  warnings: string[];
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
      .option('--force', 'deploy every package even when Lambda runs its revision or a newer one (also LAMBDA_SYNC_FORCE=1); never over a function that is not the package\'s')
      .option('--allow-dirty', 'deploy packages with uncommitted changes: they are left out (and listed), the committed code and config deploy')
      .option('--json', 'print the results as one JSON object on stdout instead of the table')
      .option('-v, --verbose', 'print every step and Lambda API call of every package')
      .option('--prune', 'after every package deployed without failure, delete the functions whose package HEAD no longer has (also `prune: true` in lambda-sync.yml)')
      .option('--dry-run', 'show what would be created, updated, skipped and (with pruning) deleted, from one listing of the account; change nothing')
      .option('--allow-mass-delete', 'let pruning delete more than --max-deletes functions, or every function the repository owns under the root')
      .addOption(new Option('--max-deletes <n>', `the safety valve: most functions pruning deletes without --allow-mass-delete (default: pruneMaxDeletes, else 5)`).argParser(parseCount)),
  ).action(async (options: SyncCommandOptions) => {
    const safe = redactingLogger(logger);
    await redactingErrors(async () => {
      const plan = await planPackages({ root: options.root, repoUrl: options.repoUrl, logger: safe });
      const prune = options.prune === true || plan.rootConfig.prune === true;
      if (prune && plan.packages.length === 0) {
        throw new UsageError(
          `there is no package under ${plan.scope === '' ? 'the repository' : plan.scope}, so pruning would take every function it owns there for an orphan; nothing was changed`,
          'check --root (it must be a folder that holds packages), or delete the functions by hand if the repository really has none left',
        );
      }
      const calls: CallRecord[] = [];
      const access = await openAccess(plan, { logger: safe, printCalls: options.verbose === true, onCall: (c) => calls.push(c) });
      const started = performance.now();
      let rows: SyncRow[];
      try {
        if (options.dryRun) {
          const status = await readStatus(plan, access, { logger: safe });
          rows = dryRunRows(status, prune);
          if (prune) await warnValve(status, options, plan.rootConfig.pruneMaxDeletes, safe);
        } else {
          rows = await syncPackages(plan, access, {
            concurrency: options.concurrency,
            force: options.force === true || forcedByEnvironment(),
            allowDirty: options.allowDirty === true,
            history: await historyFor(plan, undefined, safe),
            logger: safe,
            verbose: options.verbose === true,
          });
          const failedDeploys = rows.filter((r) => r.action === 'failed').length;
          if (prune && failedDeploys > 0) safe.warn(`${failedDeploys} package${failedDeploys === 1 ? '' : 's'} failed: pruning deletes nothing this run`);
          if (prune && failedDeploys === 0) rows.push(...(await pruneOrphans(plan, access, options, safe)));
        }
      } finally {
        access.close();
      }
      const retried = calls.filter((c) => c.attempts > 1).length;
      safe.info(`${summarize(rows)} in ${formatDuration(performance.now() - started)}; ${counted(calls.length, 'Lambda API call')}, ${retried} of them retried`);
      if (options.json) process.stdout.write(`${JSON.stringify({ repository: plan.repository, head: plan.head, packages: rows })}\n`);
      else if (rows.length > 0) process.stdout.write(`${syncTable(rows)}\n`);
      const failed = rows.filter((r) => r.action === 'failed');
      if (failed.length > 0) {
        throw new OperationError(`${failed.length} of ${rows.length} ${prune ? 'functions and removals' : 'functions'} failed: ${failed.map((r) => functionLabel(r.path, r.key)).slice(0, 10).join(', ')}${failed.length > 10 ? ', ...' : ''}`);
      }
    });
  });
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n > 10000) throw new InvalidArgumentError('must be a whole number from 0 to 10000');
  return n;
}

function valveOf(options: SyncCommandOptions, configured: number | undefined, fallback: number) {
  return { maxDeletes: options.maxDeletes ?? configured ?? fallback, allowMassDelete: options.allowMassDelete === true };
}

/** --dry-run tells the valve's verdict without acting on it. */
async function warnValve(status: Classification, options: SyncCommandOptions, configured: number | undefined, logger: Logger): Promise<void> {
  const { checkValve, DEFAULT_MAX_DELETES } = await lambda();
  try {
    checkValve(status, valveOf(options, configured, DEFAULT_MAX_DELETES));
  } catch (error) {
    logger.warn(`a real run would stop here: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * After a sync without failures: one listing, the orphans, the valve, and
 * then one removal per orphan, each with credentials that may delete only
 * that function. A listing that fails part-way fails the whole step, so
 * nothing is deleted from a partial view.
 */
async function pruneOrphans(plan: Plan, access: LambdaAccess, options: SyncCommandOptions, logger: Logger): Promise<SyncRow[]> {
  const { checkValve, removeOrphan, DEFAULT_MAX_DELETES } = await lambda();
  const status = await readStatus(plan, access, { logger });
  for (const kept of status.kept) logger.warn(`${kept.functionName}${kept.path ? ` (${functionLabel(kept.path, kept.key)})` : ''} is not removed: ${kept.why}`);
  checkValve(status, valveOf(options, plan.rootConfig.pruneMaxDeletes, DEFAULT_MAX_DELETES));
  return mapWithConcurrency(status.orphans, 4, async (orphan): Promise<SyncRow> => {
    const started = performance.now();
    const row = (action: SyncRow['action'], detail: string): SyncRow => ({ path: orphan.path, ...(orphan.key === undefined ? {} : { key: orphan.key }), removal: true, functionName: orphan.functionName, action, revision: orphan.deployedRevision, ms: performance.now() - started, detail, codeSha256: null, warnings: [] });
    try {
      const client = access.forFunction({ functionName: orphan.functionName, executionRoleArn: undefined, purpose: 'remove' }).client;
      const removal = await removeOrphan(client, orphan, plan.repository);
      const result = row(removal.outcome, removal.detail);
      logger.info(`${removal.outcome === 'deleted' ? 'deleted' : 'left'} ${orphan.functionName} (${functionLabel(orphan.path, orphan.key)}): ${removal.detail} (${formatDuration(result.ms)})`);
      return result;
    } catch (error) {
      return row('failed', redactSecrets(error instanceof Error ? error.message : String(error)));
    }
  });
}

const WOULD: Record<PackageState, PlannedAction> = {
  'in-sync': 'would-skip',
  'newer-deployed': 'would-skip-newer',
  missing: 'would-create',
  behind: 'would-update',
  'config-drift': 'would-configure',
  'code-drift': 'would-update',
  failed: 'would-update',
  'unknown-revision': 'would-update',
  foreign: 'would-leave',
};

/** What a sync would do, read from the classification: no bundle, no write. */
export function dryRunRows(status: Classification, prune: boolean): SyncRow[] {
  const rows: SyncRow[] = status.packages.map((p) => ({ path: p.path, ...(p.key === undefined ? {} : { key: p.key }), functionName: p.functionName, action: WOULD[p.state], revision: p.revision, ms: 0, detail: `${p.state}: ${p.detail}`, codeSha256: null, warnings: [] }));
  if (prune) {
    for (const o of status.orphans) {
      rows.push({ path: o.path, ...(o.key === undefined ? {} : { key: o.key }), removal: true, functionName: o.functionName, action: 'would-delete', revision: o.deployedRevision, ms: 0, detail: `orphan: ${o.detail}${o.renamedTo.length ? `; renamed? ${o.renamedTo.join(', ')}` : ''}`, codeSha256: null, warnings: [] });
    }
  }
  return rows;
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
      // A failure's first line is what went wrong; what to do follows on its own line, as the CLI prints errors.
      const [first, ...hint] = row.detail.split('\n');
      const what = row.action === 'failed' ? `failed: ${first}` : row.action;
      const warned = row.warnings.length ? `, ${row.warnings.length} warning${row.warnings.length === 1 ? '' : 's'}` : '';
      options.logger.info(`[${done}/${total}] ${functionLabel(row.path, row.key)}: ${what} (${formatDuration(row.ms)}${warned})${row.action === 'failed' && hint.length ? `\n  ${hint.join('\n  ')}` : ''}`);
    }
    // With --verbose they were printed among the package's steps already; the package's rows share them.
    if (!options.verbose) for (const warning of rows[0]?.warnings ?? []) options.logger.warn(warning);
    return rows;
  });
  return perPackage.flat();
}

/** The rows of one package's functions, which share one bundle. */
async function syncOne(plan: Plan, pkg: Package, access: LambdaAccess, options: SyncOptions): Promise<SyncRow[]> {
  const started = performance.now();
  const warnings: string[] = [];
  const row = (fn: { key: string | undefined; functionName: string }, action: SyncRow['action'], detail: string, codeSha256: string | null, ms = performance.now() - started): SyncRow => ({
    path: pkg.path, ...(fn.key === undefined ? {} : { key: fn.key }), functionName: fn.functionName, action, revision: pkg.revision ?? null, ms, detail, codeSha256, warnings,
  });
  // What to do goes on a second line: in --json and in the package's log line, while the table shows the first.
  const message = (error: unknown): string => redactSecrets(errorText(error));
  try {
    const logger = collectingWarnings(options.verbose ? prefixed(options.logger, pkg.path) : silentLogger, warnings);
    if (pkg.uncommittedFiles.length > 0) {
      // The same refusal as deploy's, naming the files.
      if (!options.allowDirty) throw new UsageError(leftOut(pkg, pkg.revision), DIRTY_HINT);
      logger.warn(leftOut(pkg, pkg.revision));
    }
    const times = new Map<string, number>();
    const results = await deployPackage(plan, pkg, access, {
      force: options.force, history: options.history, logger, ...(options.wait ? { wait: options.wait } : {}),
      onResult: (result, ms) => times.set(result.functionName, ms),
    });
    return results.map((r) => (r.action === 'failed' ? row(r, 'failed', message(r.error), null) : row(r, r.action, r.detail, r.codeSha256, times.get(r.functionName))));
  } catch (error) {
    return pkg.functions.map((fn) => row(fn, 'failed', message(error), null));
  }
}

/** Passes everything on to `inner`, keeping the warnings for the package's row. */
function collectingWarnings(inner: Logger, warnings: string[]): Logger {
  return {
    info: (message) => inner.info(message),
    warn: (message) => {
      warnings.push(redactSecrets(message));
      inner.warn(message);
    },
    step: (label, work, describe) => inner.step(label, work, describe),
  };
}

function prefixed(logger: Logger, path: string): Logger {
  return createLogger((line) => logger.info(line), `[${path}] `);
}

const ORDER: SyncRow['action'][] = [
  'created', 'updated', 'configured', 'skipped', 'skipped-newer', 'deleted', 'left', 'failed',
  'would-create', 'would-update', 'would-configure', 'would-skip', 'would-skip-newer', 'would-leave', 'would-delete',
];

function isRemoval(row: SyncRow): boolean {
  return row.removal === true;
}

/** `3 functions of 2 packages: 1 updated, 2 skipped`: sync counts functions, since a package may have several. */
export function summarize(rows: SyncRow[]): string {
  const counts = ORDER.map((action) => [action, rows.filter((r) => r.action === action).length] as const).filter(([, n]) => n > 0);
  const warnings = new Set(rows.flatMap((r) => r.warnings)).size;
  const removals = rows.filter(isRemoval).length;
  const functions = rows.length - removals;
  const packages = new Set(rows.filter((r) => !isRemoval(r)).map((r) => r.path)).size;
  return `${counted(functions, 'function')} of ${counted(packages, 'package')}${removals ? ` and ${counted(removals, 'removal')}` : ''}${counts.length ? `: ${counts.map(([a, n]) => `${n} ${a}`).join(', ')}` : ''}${warnings ? `; ${counted(warnings, 'warning')}` : ''}`;
}

export function syncTable(rows: SyncRow[]): string {
  return formatTable(
    ['PACKAGE', 'ACTION', 'TIME', 'WARNINGS', 'DETAIL'],
    rows.map((r) => [functionLabel(r.path, r.key), r.action, formatDuration(r.ms), String(r.warnings.length), r.detail.split('\n')[0]!]),
  );
}
