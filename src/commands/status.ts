import type { Command } from 'commander';
import { NotInSyncError } from '../errors.js';
import { counted, formatDuration, type Logger } from '../log.js';
import type { CallRecord } from '../lambda/call-log.js';
import type { Classification, LambdaAccess, PackageState } from '../lambda/index.js';
import { redactingLogger } from '../lambda/redact.js';
import { functionLabel } from '../packages/description.js';
import { planPackages, type Plan } from '../packages/plan.js';
import { addRepositoryOptions, formatTable, type RepositoryOptions } from './common.js';
import { historyFor, openAccess, redactingErrors } from './deploy.js';

const lambda = () => import('../lambda/index.js');

interface StatusCommandOptions extends RepositoryOptions {
  json?: boolean;
  exitCode?: boolean;
  verifyCode?: boolean;
  verbose?: boolean;
}

/** `status --json`: the classification, plus counts. */
export interface StatusJson extends Classification {
  summary: Partial<Record<PackageState, number>> & { orphans: number };
  calls: number;
}

export function registerStatus(program: Command, logger: Logger): void {
  addRepositoryOptions(
    program
      .command('status')
      .description('compare the packages at HEAD with what Lambda runs, from one listing of the account: each package\'s state, and the functions the repository no longer has (orphans)')
      .option('--json', 'print one JSON object on stdout instead of the tables')
      .option('--exit-code', 'exit 3 when anything is not in sync (0 when all is), for cron jobs')
      .option('--verify-code', 'also read each in-sync function (GetFunction) to catch code uploaded by hand and failed creations')
      .option('-v, --verbose', 'print every Lambda API call'),
  ).action(async (options: StatusCommandOptions) => {
    const safe = redactingLogger(logger);
    await redactingErrors(async () => {
      const started = performance.now();
      const plan = await planPackages({ root: options.root, repoUrl: options.repoUrl, logger: safe });
      const calls: CallRecord[] = [];
      const access = await openAccess(plan, { logger: safe, printCalls: options.verbose === true, onCall: (c) => calls.push(c) });
      let result: Classification;
      try {
        result = await readStatus(plan, access, { logger: safe, verifyCode: options.verifyCode === true });
      } finally {
        access.close();
      }
      const summary = summarizeStatus(result);
      safe.info(`${describeSummary(result)}; ${counted(calls.length, 'Lambda API call')} in ${formatDuration(performance.now() - started)}`);
      for (const kept of result.kept) safe.warn(`${kept.functionName}${kept.path ? ` (${functionLabel(kept.path, kept.key)})` : ''} is not removable: ${kept.why}`);
      if (options.json) {
        const out: StatusJson = { ...result, summary, calls: calls.length };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        process.stdout.write(`${statusTables(result)}\n`);
      }
      const off = result.packages.filter((p) => p.state !== 'in-sync').length;
      if (options.exitCode && (off > 0 || result.orphans.length > 0)) {
        throw new NotInSyncError(`not in sync: ${describeSummary(result)}`);
      }
    });
  });
}

export interface ReadStatusOptions {
  logger: Logger;
  verifyCode?: boolean;
}

/** One listing of the account, then the classification (shared by status, sync --prune and --dry-run). */
export async function readStatus(plan: Plan, access: LambdaAccess, options: ReadStatusOptions): Promise<Classification> {
  const { classify, lambdaReads, listAllFunctions, LIST_PAGE_SIZE } = await lambda();
  const client = access.forListing();
  const functions = await options.logger.step('list the account\'s functions', () => listAllFunctions(client), (list) => `${list.length} in ${counted(Math.max(1, Math.ceil(list.length / LIST_PAGE_SIZE)), 'page')}`);
  const history = await historyFor(plan, undefined, options.logger);
  return options.logger.step(`compare ${counted(plan.packages.length, 'package')} with Lambda`, () =>
    classify(plan, lambdaReads(client, functions), { history, verifyCode: options.verifyCode === true }));
}

const STATE_ORDER: PackageState[] = ['in-sync', 'behind', 'newer-deployed', 'missing', 'config-drift', 'code-drift', 'failed', 'unknown-revision', 'foreign'];

export function summarizeStatus(result: Classification): StatusJson['summary'] {
  const summary: StatusJson['summary'] = { orphans: result.orphans.length };
  for (const state of STATE_ORDER) {
    const n = result.packages.filter((p) => p.state === state).length;
    if (n > 0) summary[state] = n;
  }
  return summary;
}

/** `12 packages: 10 in-sync, 1 behind, 1 missing; 2 orphans` (`14 functions of 12 packages: ...` when some declare `functions`, as sync counts) */
export function describeSummary(result: Classification): string {
  const counts = STATE_ORDER.map((s) => [s, result.packages.filter((p) => p.state === s).length] as const).filter(([, n]) => n > 0);
  const n = result.packages.length;
  // Counted per function once a package declares `functions` (its rows are path#key), even only one.
  const packages = counted(new Set(result.packages.map((p) => p.path)).size, 'package');
  const what = result.packages.some((p) => p.key !== undefined) ? `${counted(n, 'function')} of ${packages}` : packages;
  return `${what}${counts.length ? `: ${counts.map(([s, c]) => `${c} ${s}`).join(', ')}` : ''}; ${counted(result.orphans.length, 'orphan')}`;
}

const short = (sha: string | null): string => (sha ? sha.slice(0, 12) : '-');

export function statusTables(result: Classification): string {
  const packages = formatTable(
    ['PACKAGE', 'STATE', 'REVISION', 'DEPLOYED', 'FUNCTION', 'DETAIL'],
    result.packages.map((p) => [functionLabel(p.path, p.key), p.state === 'behind' && p.commitsBehind !== null ? `behind (${p.commitsBehind})` : p.state, short(p.revision), short(p.deployedRevision), p.functionName, p.detail]),
  );
  if (result.orphans.length === 0) return packages;
  const orphans = formatTable(
    ['ORPHAN', 'DEPLOYED', 'FUNCTION', 'DETAIL'],
    result.orphans.map((o) => [functionLabel(o.path, o.key), short(o.deployedRevision), o.functionName, `${o.detail}${o.renamedTo.length ? `; renamed? ${o.renamedTo.join(', ')}` : ''}`]),
  );
  return `${packages}\n\n${orphans}`;
}
