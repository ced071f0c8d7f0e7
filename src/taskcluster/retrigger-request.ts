// What a retrigger action asks the action task's `decision --retrigger` to
// re-create: Treeherder's retrigger-multiple input
// (`{requests: [{tasks: [<label>], times}]}`) plus our `force` switch.
import { UsageError } from '../errors.js';

export interface RetriggerRequest {
  requests: Array<{ tasks: string[]; times: number }>;
  force: boolean;
}

/** Most copies of one task one request may ask for (the action's input schema says the same). */
export const MAX_TIMES = 100;

/** Parses and checks the JSON text given to `--retrigger`. */
export function parseRetriggerRequest(text: string): RetriggerRequest {
  const fail = (why: string): never => {
    throw new UsageError(`--retrigger: ${why}`, 'expected {"requests": [{"tasks": ["deploy <path>"], "times": 1}], "force": false}');
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) return fail('must be a JSON object');
  const { requests, force } = value;
  if (force !== undefined && typeof force !== 'boolean') fail('force must be true or false');
  if (!Array.isArray(requests) || requests.length === 0) return fail('requests must be a non-empty array');
  const parsed = requests.map((request: unknown, i) => {
    if (!isObject(request)) return fail(`requests[${i}] must be an object`);
    const { tasks, times = 1 } = request;
    if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === 'string')) {
      return fail(`requests[${i}].tasks must be a non-empty array of task labels`);
    }
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > MAX_TIMES) {
      return fail(`requests[${i}].times must be an integer from 1 to ${MAX_TIMES}`);
    }
    return { tasks: tasks as string[], times };
  });
  return { requests: parsed, force: force === true };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
