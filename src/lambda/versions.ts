// A function's published versions and aliases, every page of them, through
// the SDK's paginators (Marker/NextMarker). A page that fails after the
// client's retries fails the whole read: callers act on all or nothing.
import { paginateListAliases, paginateListVersionsByFunction, type AliasConfiguration, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { failedCall } from './errors.js';

/** Every published version of the function ($LATEST left out), oldest first as Lambda lists them. */
export async function listPublishedVersions(client: LambdaClient, functionName: string): Promise<FunctionConfiguration[]> {
  const versions: FunctionConfiguration[] = [];
  try {
    for await (const page of paginateListVersionsByFunction({ client }, { FunctionName: functionName })) {
      versions.push(...(page.Versions ?? []).filter((v) => v.Version && v.Version !== '$LATEST'));
    }
  } catch (error) {
    throw failedCall('ListVersionsByFunction', functionName, error);
  }
  return versions;
}

/** Every alias of the function. */
export async function listAliases(client: LambdaClient, functionName: string): Promise<AliasConfiguration[]> {
  const aliases: AliasConfiguration[] = [];
  try {
    for await (const page of paginateListAliases({ client }, { FunctionName: functionName })) aliases.push(...(page.Aliases ?? []));
  } catch (error) {
    throw failedCall('ListAliases', functionName, error);
  }
  return aliases;
}
