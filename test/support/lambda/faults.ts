// Account-wide rate limits and injected faults.
import { LambdaError, conflict, serviceError, throttled } from './errors.js';

/**
 * A token bucket that refills continuously, so a burst drains it and retries
 * spread over time succeed as they would against the real quota. Capacity is
 * one second's worth of requests (Lambda does not publish its burst size).
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private rps: number) {
    this.tokens = rps;
  }

  get enabled(): boolean {
    return this.rps > 0 && Number.isFinite(this.rps);
  }

  take(now = Date.now()): boolean {
    if (!this.enabled) return true;
    this.tokens = Math.min(this.rps, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface FaultFilter {
  /** Only calls of this operation (e.g. 'UpdateFunctionCode'). */
  operation?: string;
  /** Only calls about this function (bare name). */
  functionName?: string;
  /** Let this many matching calls through first (a listing that fails on its third page: `after: 2`). */
  after?: number;
}

interface Fault extends FaultFilter {
  remaining: number;
  passed: number;
  make: (functionName: string | undefined) => LambdaError;
}

export class Faults {
  private queue: Fault[] = [];
  private drops: Array<FaultFilter & { remaining: number }> = [];

  /** The next `n` matching calls are carried out, and their answers never sent (a lost response). */
  dropResponses(n: number, filter: FaultFilter = {}): void {
    if (n > 0) this.drops.push({ remaining: n, ...filter });
  }

  /** Whether this call's answer is to be lost; consumes one occurrence. */
  takeDrop(operation: string, functionName: string | undefined): boolean {
    const d = this.drops.find((q) => (!q.operation || q.operation === operation) && (!q.functionName || q.functionName === functionName));
    if (!d) return false;
    if (--d.remaining <= 0) this.drops.splice(this.drops.indexOf(d), 1);
    return true;
  }

  add(n: number, make: (functionName: string | undefined) => LambdaError, filter: FaultFilter = {}): void {
    if (n > 0) this.queue.push({ remaining: n, passed: 0, make, ...filter });
  }

  throttle(n: number, filter?: FaultFilter & { retryAfterSeconds?: number }): void {
    const after = filter?.retryAfterSeconds ?? 1;
    this.add(n, () => throttled(after), filter);
  }

  serverError(n: number, filter?: FaultFilter & { message?: string }): void {
    this.add(n, () => serviceError(filter?.message), filter);
  }

  conflict(n: number, filter?: FaultFilter, arn = (name: string) => name): void {
    this.add(n, (fn) =>
      conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${arn(fn ?? 'unknown')}`), filter);
  }

  /** The error for this call, if one is injected; consumes one occurrence. */
  next(operation: string, functionName: string | undefined): LambdaError | undefined {
    const f = this.queue.find((q) =>
      (!q.operation || q.operation === operation) && (!q.functionName || q.functionName === functionName));
    if (!f) return undefined;
    if (f.passed < (f.after ?? 0)) {
      f.passed++;
      return undefined;
    }
    if (--f.remaining <= 0) this.queue.splice(this.queue.indexOf(f), 1);
    return f.make(functionName);
  }

  clear(): void {
    this.queue = [];
    this.drops = [];
  }
}
