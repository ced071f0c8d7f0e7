// How a task shows in Treeherder: its route and task.extra.treeherder.
// Treeherder ingests a task only with exactly one `tc-treeherder.*` route
// and an extra.treeherder that passes its schema (else it is silently
// dropped), so both are built here and nowhere else.
import type { TreeherderConfig } from './schemas.js';
import type { DecisionSettings } from './settings.js';

/** Treeherder's route format: `tc-treeherder.v2.<project>.<revision>` (the push's head sha). */
export function treeherderRoute(project: string, revision: string): string {
  return `tc-treeherder.v2.${project}.${revision}`;
}

export function treeherderConfig(settings: DecisionSettings['treeherder'], symbol: string, groupSymbol = settings.groupSymbol, groupName = settings.groupName): TreeherderConfig {
  return {
    symbol,
    groupSymbol,
    groupName,
    machine: { platform: settings.platform },
    // `other` shows a failed task red, as a failed deploy should be.
    jobKind: 'other',
    tier: settings.tier,
  };
}
