// Offsets such as `1 day` or `6 hours`, read with taskcluster-client's own
// parser (the one `fromNowJSON` and json-e's `$fromNow` follow), so that the
// decision and the retrigger actions agree on what an offset means.
import taskcluster from 'taskcluster-client';

/** The queue's maxTaskDeadlineDays default. */
export const MAX_DEADLINE_MS = 5 * 24 * 3600 * 1000;

// A fixed reference: month and year lengths vary, and only the size of the
// offset matters for the checks that use this.
const REFERENCE = new Date('2001-01-01T00:00:00.000Z');

/** The offset's length in ms, measured from a fixed date. */
export function offsetMs(offset: string): number {
  return taskcluster.fromNow(offset, REFERENCE).getTime() - REFERENCE.getTime();
}

/** `reference + offset` as the queue's JSON date-time. */
export function fromReference(offset: string, reference: Date): string {
  return taskcluster.fromNow(offset, reference).toJSON();
}
