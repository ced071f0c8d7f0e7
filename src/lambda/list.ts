import { GetFunctionCommand, ListTagsCommand, paginateListFunctions, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaSyncError, OperationError } from '../errors.js';
import type { LambdaReads } from './classify.js';
import { describeAwsError, failedCall, isNotFound } from './errors.js';

/** Lambda returns at most 50 functions a page, whatever MaxItems asks (LAMBDA.md §1.1). */
export const LIST_PAGE_SIZE = 50;

/**
 * Every function of the account in the client's region ($LATEST only), read
 * with ListFunctions page by page. The entries are the subset of
 * FunctionConfiguration that ListFunctions returns: Description, CodeSha256
 * and the configuration, but no State, no LastUpdateStatus and no Tags.
 *
 * All or nothing: a page that fails after the SDK's retries fails the whole
 * listing, so that no caller ever decides (least of all deletes) from part of
 * the account.
 */
export async function listAllFunctions(client: LambdaClient, onPage?: (count: number) => void): Promise<FunctionConfiguration[]> {
  const functions: FunctionConfiguration[] = [];
  let pages = 0;
  try {
    for await (const page of paginateListFunctions({ client, pageSize: LIST_PAGE_SIZE }, {})) {
      pages++;
      functions.push(...(page.Functions ?? []));
      onPage?.(functions.length);
    }
  } catch (error) {
    // No credentials (the secret unreadable, the deploy role refused): no call was made, and
    // that error says what to do; "could not list ... may call lambda:ListFunctions" would mislead.
    if (error instanceof LambdaSyncError) throw error;
    throw new OperationError(
      `could not list the account's functions (page ${pages + 1}, after ${functions.length} functions): ${describeAwsError('ListFunctions', error)}`,
      'nothing was changed; run it again, and check that the credentials may call lambda:ListFunctions',
    );
  }
  return functions;
}

/** ListTags of one function (tags are not in ListFunctions' entries). */
export async function readTags(client: LambdaClient, functionArn: string, functionName: string): Promise<Record<string, string>> {
  try {
    return (await client.send(new ListTagsCommand({ Resource: functionArn }))).Tags ?? {};
  } catch (error) {
    throw failedCall('ListTags', functionName, error);
  }
}

/** The reads classify makes, through one client, over a listing already made. */
export function lambdaReads(client: LambdaClient, functions: FunctionConfiguration[]): LambdaReads {
  return {
    functions,
    tags: (fn) => readTags(client, fn.FunctionArn ?? '', fn.FunctionName ?? ''),
    async getFunction(functionName) {
      try {
        const out = await client.send(new GetFunctionCommand({ FunctionName: functionName }));
        return { configuration: out.Configuration ?? {}, tags: out.Tags ?? {} };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw failedCall('GetFunction', functionName, error);
      }
    },
  };
}
