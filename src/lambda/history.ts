import { commitKnown, git, isAncestor } from '../repo/git.js';
import { changedBetween } from '../repo/revisions.js';
import type { Logger } from '../log.js';

/** How a deployed revision relates to ours. */
export type RevisionOrder = 'newer' | 'not-newer' | 'unknown';

export interface RevisionHistory {
  /** 'newer' when `deployed` descends from `ours`; 'unknown' when the commit cannot be found at all. */
  compare(deployed: string, ours: string): Promise<RevisionOrder>;
  /** True when a commit in `ours..deployed` (deployed descends from ours) changed the code paths. */
  changedBetween(ours: string, deployed: string, code: { paths: readonly string[]; ignore: readonly string[] }): Promise<boolean>;
}

export interface GitHistoryOptions {
  /** Remote to fetch an unknown commit from (a task's clone has `origin`). Absent: no fetch. */
  remote?: string;
  /** A shallow clone's deepen (cloneAtRevision), for a deployed commit older than the clone's history. */
  deepen?: () => Promise<boolean>;
  logger?: Logger;
}

/**
 * Answers from git. A task's clone holds the history up to its own revision
 * only, so a newer deployed commit is unknown to it: fetch that one commit by
 * sha (GitHub and any protocol-v2 server serve it), and when that does not
 * help, the rest of the history.
 */
export function gitHistory(gitRoot: string, options: GitHistoryOptions = {}): RevisionHistory {
  return {
    async compare(deployed, ours) {
      const order = async (): Promise<RevisionOrder> => {
        if (!(await commitKnown(gitRoot, deployed))) return 'unknown';
        const answer = await isAncestor(gitRoot, ours, deployed);
        return answer === undefined ? 'unknown' : answer ? 'newer' : 'not-newer';
      };
      let answer = await order();
      if (answer === 'unknown' && options.remote) {
        const remote = options.remote;
        await git(gitRoot, ['fetch', '--quiet', '--no-tags', remote, deployed]).catch((error: unknown) => {
          options.logger?.warn(`could not fetch the deployed commit ${deployed} from ${remote}: ${error instanceof Error ? error.message : String(error)}`);
        });
        answer = await order();
      }
      if (answer === 'unknown' && options.deepen && (await options.deepen())) answer = await order();
      return answer;
    },
    // compare() came first and fetched what was missing.
    changedBetween: (ours, deployed, code) => changedBetween(gitRoot, ours, deployed, code),
  };
}
