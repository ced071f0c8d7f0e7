// Session-policy enforcement for credentials issued by the STS double. A
// session's permissions are the intersection of the role's policies and the
// session policy; the role is taken to allow everything, so the session
// policy alone decides. That is what lambda-sync relies on to scope a task's
// credentials to one function.
import { LambdaError, accessDenied } from './errors.js';

export interface SessionInfo {
  accessKeyId: string;
  assumedRoleArn: string;
  /** Parsed session policy; undefined when AssumeRole had none (role permissions apply). */
  policy?: unknown;
  expiration: Date;
}

export interface SessionDirectory {
  session(accessKeyId: string): SessionInfo | undefined;
}

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function glob(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '').test(value);
}

function matches(st: Statement, action: string, resource: string): boolean {
  const actionOk = st.NotAction !== undefined
    ? !list(st.NotAction).some((a) => glob(a, action, true))
    : list(st.Action).some((a) => glob(a, action, true));
  const resourceOk = st.NotResource !== undefined
    ? !list(st.NotResource).some((r) => glob(r, resource, false))
    : list(st.Resource).some((r) => glob(r, resource, false));
  return actionOk && resourceOk;
}

export function evaluate(policy: unknown, action: string, resource: string): 'allow' | 'explicitDeny' | 'implicitDeny' {
  const doc = (policy ?? {}) as { Statement?: unknown };
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []) as Statement[];
  let allowed = false;
  for (const st of statements) {
    // Conditions are not evaluated: a conditional Deny is taken to apply and
    // a conditional Allow not to, so the double errs towards refusing.
    if (st.Effect === 'Deny' && matches(st, action, resource)) return 'explicitDeny';
    if (st.Effect === 'Allow' && st.Condition === undefined && matches(st, action, resource)) allowed = true;
  }
  return allowed ? 'allow' : 'implicitDeny';
}

/** Throws AccessDeniedException worded like IAM's when the session may not do this. */
export function authorize(session: SessionInfo, action: string, resource: string): void {
  if (session.policy === undefined) return;
  const verdict = evaluate(session.policy, action, resource);
  if (verdict === 'allow') return;
  const why = verdict === 'explicitDeny'
    ? 'with an explicit deny in a session policy'
    : `because no session policy allows the ${action} action`;
  throw accessDenied(`User: ${session.assumedRoleArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`);
}

export const expiredToken = () =>
  new LambdaError(403, 'ExpiredTokenException', 'The security token included in the request is expired', { messageKey: 'message' });
