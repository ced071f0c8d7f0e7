import { AsyncLocalStorage } from 'node:async_hooks';
// Type-only import: @smithy/types is a direct dependency of @aws-sdk/client-lambda.
import type { InitializeHandlerOptions, InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { awsErrorFacts } from './errors.js';

/** One API call as the caller saw it: after every retry the SDK made. */
export interface CallRecord {
  operation: string;
  functionName: string | undefined;
  ms: number;
  attempts: number;
  /** HTTP status of the last attempt. */
  status: number | undefined;
  /** The error's wire name when the call failed (ResourceNotFoundException, ...). */
  error: string | undefined;
  /** Made inside `quietly` (a waiter's poll): counted, usually not printed. */
  quiet: boolean;
}

export type CallObserver = (call: CallRecord) => void;

export const callLogOptions: InitializeHandlerOptions & { name: string; override: boolean } = {
  step: 'initialize',
  name: 'lambdaSyncCallLog',
  override: true,
};

/**
 * Times every call at the outermost step, so the duration and the attempt
 * count (from `$metadata`, which the retry middleware fills) include every
 * retry. Only the operation and the function name are recorded: inputs hold
 * code and environment variables, which are never logged.
 */
export function callLogMiddleware(observe: CallObserver): InitializeMiddleware<object, MetadataBearer> {
  return (next, context) => async (args) => {
    const started = performance.now();
    const operation = (context.commandName ?? 'Call').replace(/Command$/, '');
    const input = args.input as { FunctionName?: unknown; Resource?: unknown };
    const functionName = typeof input.FunctionName === 'string' ? input.FunctionName : typeof input.Resource === 'string' ? input.Resource : undefined;
    try {
      const result = await next(args);
      const meta = result.output.$metadata;
      observe({ operation, functionName, ms: performance.now() - started, attempts: meta.attempts ?? 1, status: meta.httpStatusCode, error: undefined, quiet: isQuiet() });
      return result;
    } catch (error) {
      const facts = awsErrorFacts(error);
      observe({ operation, functionName, ms: performance.now() - started, attempts: facts.attempts ?? 1, status: facts.status, error: facts.name, quiet: isQuiet() });
      throw error;
    }
  };
}

/** `GetFunction my-fn: 200 (35 ms)`, `UpdateFunctionCode my-fn: TooManyRequestsException 429 (2.1 s, 4 attempts)`. */
export function formatCall(call: CallRecord, formatMs: (ms: number) => string): string {
  const outcome = call.error ? `${call.error}${call.status ? ` ${call.status}` : ''}` : String(call.status ?? 'ok');
  const attempts = call.attempts > 1 ? `, ${call.attempts} attempts` : '';
  return `${call.operation}${call.functionName ? ` ${call.functionName}` : ''}: ${outcome} (${formatMs(call.ms)}${attempts})`;
}

const quiet = new AsyncLocalStorage<true>();

/** Runs `work` with its calls marked quiet (a waiter's polls), so observers can leave them out of the log. */
export function quietly<T>(work: () => Promise<T>): Promise<T> {
  return quiet.run(true, work);
}

/** True inside `quietly`. */
export const isQuiet = (): boolean => quiet.getStore() === true;
