/**
 * Runtimes Lambda has deprecated and no longer lets us create or update
 * functions with (see shared LAMBDA.md 1.2: nodejs20.x was deprecated on
 * 2026-04-30). The schema's enum holds the usable ones; these get a message
 * that says what to use instead rather than a bare "not allowed".
 */
export const DEPRECATED_RUNTIMES: Readonly<Record<string, string>> = {
  nodejs: 'nodejs24.x',
  'nodejs4.3': 'nodejs24.x',
  'nodejs4.3-edge': 'nodejs24.x',
  'nodejs6.10': 'nodejs24.x',
  'nodejs8.10': 'nodejs24.x',
  'nodejs10.x': 'nodejs24.x',
  'nodejs12.x': 'nodejs24.x',
  'nodejs14.x': 'nodejs24.x',
  'nodejs16.x': 'nodejs24.x',
  'nodejs18.x': 'nodejs24.x',
  'nodejs20.x': 'nodejs24.x',
  'python2.7': 'python3.13',
  'python3.6': 'python3.13',
  'python3.7': 'python3.13',
  'python3.8': 'python3.13',
  'python3.9': 'python3.13',
  'python3.10': 'python3.13',
  'java8': 'java21',
  'java8.al2': 'java21',
  'java8.al2023': 'java21',
  'java11': 'java21',
  'java11.al2023': 'java21',
  'dotnet6': 'dotnet8',
  'dotnetcore1.0': 'dotnet8',
  'dotnetcore2.0': 'dotnet8',
  'dotnetcore2.1': 'dotnet8',
  'dotnetcore3.1': 'dotnet8',
  'go1.x': 'provided.al2023',
  provided: 'provided.al2023',
  'ruby2.5': 'ruby3.4',
  'ruby2.7': 'ruby3.4',
  'ruby3.2': 'ruby3.4',
};
