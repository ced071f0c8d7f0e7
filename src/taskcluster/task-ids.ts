// TaskIds of the graph: "nice" slugids (a v4 UUID whose first bit is clear,
// so the id never starts with `-`), derived from the creating task's own id
// and the task's label instead of drawn at random. The creator's id is
// unique (Taskcluster gave it), so the derived ids are unique too, and a
// rerun of the same decision task computes the same ids again: the queue
// then recognises tasks an earlier run already created instead of a second
// copy of every deploy being added to the group.
import { createHash } from 'node:crypto';
import slugid from 'slugid';

/** The queue's taskId / taskGroupId pattern (a v4 UUID in url-safe base64). */
export const SLUGID_PATTERN = /^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$/;

export function isSlugId(value: string): boolean {
  return SLUGID_PATTERN.test(value);
}

/** A fresh random nice slugid. */
export function freshTaskId(): string {
  return slugid.nice();
}

/**
 * The taskId of the `copy`-th task labelled `label` created by `creatorTaskId`
 * (copy 0 for a decision's own graph; retrigger actions ask for several).
 */
export function deriveTaskId(creatorTaskId: string, label: string, copy = 0): string {
  const bytes = createHash('sha256').update(`lambda-sync task\n${creatorTaskId}\n${label}\n${copy}`).digest().subarray(0, 16);
  bytes[0]! &= 0x7f; // "nice": the first base64 character is then A-Z or a-f
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return slugid.encode(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
}
