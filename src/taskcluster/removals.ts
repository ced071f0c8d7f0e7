// Which orphans the decision gives a `remove <path>` task (deploy mode,
// after it read Lambda), and what it tells people about the others. Pruning
// is opt-in (`prune: true` in lambda-sync.yml, as for `sync`), and the
// safety valve applies as in `sync --prune`, except that the decision never
// opens it: over the valve, no orphan gets a task, and the notes say why and
// name the setting. The decision itself never fails for it.
import { functionLabel } from '../packages/description.js';
import type { LambdaView, OrphanView } from './verdicts.js';

/** An orphan that gets a remove task, with the decision's one-line reason. */
export interface RemovalVerdict extends OrphanView {
  verdict: 'remove';
  why: string;
}

export interface Removals {
  removals: RemovalVerdict[];
  /** For the summary, the check run and the log: orphans left alone, and why. */
  notes: string[];
}

/** At most this many orphans are named in a note; the count says how many there are. */
const NAMED = 5;

function named(orphans: readonly OrphanView[]): string {
  const shown = orphans.slice(0, NAMED).map((o) => `${o.functionName} (${functionLabel(o.path, o.key)})`);
  return `${shown.join(', ')}${orphans.length > NAMED ? ', ...' : ''}`;
}

export function removalsFor(view: Pick<LambdaView, 'orphans' | 'valve'>, prune: boolean): Removals {
  const { orphans } = view;
  if (orphans.length === 0) return { removals: [], notes: [] };
  const count = `${orphans.length} function${orphans.length === 1 ? '' : 's'} of this repository ${orphans.length === 1 ? 'has' : 'have'} no package at this revision`;
  if (!prune) {
    return { removals: [], notes: [`${count} (orphans, left in Lambda: pruning is off; \`prune: true\` in lambda-sync.yml gives each a remove task): ${named(orphans)}`] };
  }
  if (view.valve !== undefined) {
    return {
      removals: [],
      notes: [
        `pruning: no remove task: ${view.valve}. The decision never passes the safety valve: check \`lambda-sync status\` ` +
          '(a renamed repository, a changed namePrefix or root makes every function look orphaned); if the deletions are meant, ' +
          'raise pruneMaxDeletes in lambda-sync.yml, or run `lambda-sync sync --prune --allow-mass-delete`',
      ],
    };
  }
  return {
    removals: orphans.map((o) => ({ ...o, verdict: 'remove', why: `orphan: ${o.detail}; deployed from ${o.deployedRevision.slice(0, 12)}` })),
    notes: [],
  };
}
