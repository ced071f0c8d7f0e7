// Taskcluster scope satisfaction, as taskcluster-lib-scopes does it. The
// decision command uses it to check up front that its own scopes cover what
// createTask will demand (a clear error before submitting anything, instead
// of a 403 halfway through a graph); the queue double uses it to enforce.

/** A Taskcluster scope expression: a scope, or AllOf / AnyOf of expressions. */
export type ScopeExpression = string | { AllOf: ScopeExpression[] } | { AnyOf: ScopeExpression[] };

/**
 * True when one held scope satisfies `required`: an exact match, or a held
 * scope ending in `*` whose prefix (without the `*`) starts `required`.
 * Only a trailing `*` is special; a `*` elsewhere is an ordinary character,
 * and a required scope is never treated as a pattern.
 */
export function scopeSatisfies(held: readonly string[], required: string): boolean {
  return held.some((scope) =>
    scope === required || (scope.endsWith('*') && required.startsWith(scope.slice(0, -1))),
  );
}

export function satisfiesExpression(held: readonly string[], expr: ScopeExpression): boolean {
  if (typeof expr === 'string') return scopeSatisfies(held, expr);
  if ('AllOf' in expr) return expr.AllOf.every((e) => satisfiesExpression(held, e));
  return expr.AnyOf.some((e) => satisfiesExpression(held, e));
}

/**
 * The part of `expr` that `held` does not satisfy, simplified the way
 * taskcluster-lib-scopes' removeGivenScopes reports "missing scopes":
 * satisfied branches of an AllOf are dropped, a one-element AllOf collapses
 * to its element, an unsatisfied AnyOf is kept whole. Undefined if satisfied.
 */
export function unsatisfiedPart(held: readonly string[], expr: ScopeExpression): ScopeExpression | undefined {
  if (satisfiesExpression(held, expr)) return undefined;
  if (typeof expr === 'string' || 'AnyOf' in expr) return expr;
  const missing = expr.AllOf.map((e) => unsatisfiedPart(held, e)).filter((e): e is ScopeExpression => e !== undefined);
  return missing.length === 1 ? missing[0] : { AllOf: missing };
}

/** Every scope a taskcluster-lib-scopes validScope accepts: printable ASCII. */
export function isValidScope(scope: string): boolean {
  return /^[\x20-\x7e]*$/.test(scope);
}
