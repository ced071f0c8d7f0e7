// Lambda's Runtime enum, copied from @aws-sdk/client-lambda 3.1164.0
// (dist-types/models/enums.d.ts, `Runtime`), deprecated values included:
// the model accepts them, the service then refuses the blocked ones.
export const RUNTIMES = [
  'dotnet10', 'dotnet6', 'dotnet8', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1',
  'go1.x',
  'java11', 'java11.al2023', 'java17', 'java17.al2023', 'java21', 'java25', 'java8', 'java8.al2', 'java8.al2023',
  'nodejs', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x', 'nodejs18.x', 'nodejs20.x', 'nodejs22.x',
  'nodejs24.x', 'nodejs26.x', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10',
  'provided', 'provided.al2', 'provided.al2023',
  'python2.7', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14', 'python3.15', 'python3.6',
  'python3.7', 'python3.8', 'python3.9',
  'ruby2.5', 'ruby2.7', 'ruby3.2', 'ruby3.3', 'ruby3.4', 'ruby4.0',
] as const;

// Runtimes for which Lambda blocks both creating and updating functions, as
// of 2026-11-29 (the date shared/LAMBDA.md was researched).
//
// nodejs20.x is blocked here: it was deprecated on 2026-04-30 and both dates
// LAMBDA.md §1.2 found for blocking create/update (June/July 2026 and
// Aug 31/Sep 30 2026) are in the past. nodejs18.x (block update 2026-03) and
// everything older are blocked too, as are python<=3.9, java8 (AL1), the
// dotnetcore* and dotnet6 runtimes, ruby2.x, go1.x and provided (AL1).
//
// Deprecated but still allowed here because their block dates were not
// verified: java8.al2, java11, java17, provided.al2, python3.10, ruby3.2.
// A test that needs another calendar passes `blockedRuntimes`.
export const DEFAULT_BLOCKED_RUNTIMES: readonly string[] = [
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x',
  'nodejs16.x', 'nodejs18.x', 'nodejs20.x',
  'python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9',
  'java8', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6',
  'ruby2.5', 'ruby2.7', 'go1.x', 'provided',
];

const SUCCESSORS: Array<[RegExp, string]> = [
  [/^nodejs/, 'nodejs24.x'],
  [/^python/, 'python3.14'],
  [/^java/, 'java21'],
  [/^dotnet/, 'dotnet8'],
  [/^ruby/, 'ruby3.4'],
  [/^(go|provided)/, 'provided.al2023'],
];

export function blockedRuntimeMessage(runtime: string): string {
  const next = SUCCESSORS.find(([re]) => re.test(runtime))?.[1] ?? 'nodejs24.x';
  return `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. ` +
    `We recommend you use the new runtime (${next}) while creating or updating functions.`;
}
