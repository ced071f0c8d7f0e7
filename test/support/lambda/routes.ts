// The restJson1 routes of @aws-sdk/client-lambda 3.1164.0 (LAMBDA.md §1.9),
// and what each call is about, for call records, faults and IAM.
import * as A from './aliases.js';
import * as F from './functions.js';
import type { OpContext, OpRequest, Reply } from './functions.js';
import { type Json, optString, parseFunctionName } from './validate.js';

export interface Route {
  operation: string;
  method: string;
  segments: string[];
  /** Which account-wide quota the call counts against (LAMBDA.md §1.10). */
  bucket: 'getFunction' | 'control';
  handle(ctx: OpContext, req: OpRequest): Reply;
}

const route = (method: string, path: string, operation: string, handle: Route['handle'], bucket: Route['bucket'] = 'control'): Route =>
  ({ method, segments: path.split('/').filter(Boolean), operation, handle, bucket });

// GetFunction alone has the 100 rps quota: GetFunctionConfiguration counts
// against the 15 rps "remainder of the control plane", so the non-V2 waiters
// (which poll it) compete with deploys.
export const ROUTES: Route[] = [
  route('GET', '/2015-03-31/functions', 'ListFunctions', F.listFunctions),
  route('POST', '/2015-03-31/functions', 'CreateFunction', (c, r) => F.createFunction(c, r)),
  route('GET', '/2015-03-31/functions/{FunctionName}', 'GetFunction', F.getFunction, 'getFunction'),
  route('DELETE', '/2015-03-31/functions/{FunctionName}', 'DeleteFunction', F.deleteFunction),
  route('GET', '/2015-03-31/functions/{FunctionName}/configuration', 'GetFunctionConfiguration', F.getFunctionConfiguration),
  route('PUT', '/2015-03-31/functions/{FunctionName}/configuration', 'UpdateFunctionConfiguration', F.updateFunctionConfiguration),
  route('PUT', '/2015-03-31/functions/{FunctionName}/code', 'UpdateFunctionCode', F.updateFunctionCode),
  route('POST', '/2015-03-31/functions/{FunctionName}/versions', 'PublishVersion', F.publishVersion),
  route('GET', '/2015-03-31/functions/{FunctionName}/versions', 'ListVersionsByFunction', F.listVersionsByFunction),
  route('POST', '/2015-03-31/functions/{FunctionName}/aliases', 'CreateAlias', A.createAlias),
  route('GET', '/2015-03-31/functions/{FunctionName}/aliases', 'ListAliases', A.listAliases),
  route('GET', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'GetAlias', A.getAlias),
  route('PUT', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'UpdateAlias', A.updateAlias),
  route('DELETE', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'DeleteAlias', A.deleteAlias),
  route('POST', '/2017-03-31/tags/{Resource}', 'TagResource', A.tagResource),
  route('DELETE', '/2017-03-31/tags/{Resource}', 'UntagResource', A.untagResource),
  route('GET', '/2017-03-31/tags/{Resource}', 'ListTags', A.listTags),
];

export function matchRoute(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname.split('/').filter(Boolean);
  for (const r of ROUTES) {
    if (r.method !== method || r.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = r.segments[i]!;
      if (seg.startsWith('{')) {
        try {
          params[seg.slice(1, -1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
        }
      } else ok = seg === parts[i];
    }
    if (ok) return { route: r, params };
  }
  return undefined;
}

export interface Target {
  functionName?: string;
  /** IAM actions and resources the call needs. */
  permissions: Array<[action: string, resource: string]>;
}

/** Best effort: a malformed name yields no target, and the handler reports it. */
export function targetOf(ctx: OpContext, route: Route, params: Record<string, string>, query: URLSearchParams, body: Json): Target {
  const action = `lambda:${route.operation}`;
  if (route.operation === 'ListFunctions') return { permissions: [[action, '*']] };
  const raw = route.operation === 'CreateFunction' ? safe(() => optString(body, 'FunctionName')) : params.FunctionName ?? params.Resource;
  const ref = safe(() => parseFunctionName(raw, ctx, { namespaced: true }));
  if (!ref) return { permissions: [] };
  const qualified = ['GetFunction', 'GetFunctionConfiguration', 'DeleteFunction'].includes(route.operation)
    ? query.get('Qualifier') ?? ref.qualifier
    : ref.qualifier;
  const permissions: Target['permissions'] = [[action, ctx.store.arn(ref.name, qualified)]];
  const role = route.operation === 'CreateFunction' || route.operation === 'UpdateFunctionConfiguration'
    ? safe(() => optString(body, 'Role'))
    : undefined;
  // Handing a role to Lambda is itself a permission the caller needs.
  if (role) permissions.push(['iam:PassRole', role]);
  return { functionName: ref.name, permissions };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
