// A function's configuration as two things: what reaches Lambda (compared
// through a digest stored with the function), and what shapes its bundle
// (part of the code's identity, with the code revision). Code and
// configuration are compared apart, so a configuration change updates the
// configuration and never rebuilds the bundle.
import { createHash } from 'node:crypto';
import type { Architecture, PackageConfig } from '../config/types.js';

/** The effective settings one function gets from Lambda's configuration API, after every default. */
export interface FunctionSettings {
  runtime: string;
  handler: string;
  memory: number;
  timeout: number;
  environment: Record<string, string>;
  /** Execution role ARN; needed to create the function, sent on every update when set. */
  role: string | undefined;
  /** Sent with the code (UpdateFunctionCode), so a change of it is a code change too. */
  architecture: Architecture;
  /** When set, each deploy publishes a version and points this alias at it. */
  alias: string | undefined;
}

/** The settings of a package's function from its resolved config. */
export function settingsOf(config: Pick<PackageConfig, keyof FunctionSettings>): FunctionSettings {
  return {
    runtime: config.runtime,
    handler: config.handler,
    memory: config.memory,
    timeout: config.timeout,
    environment: config.environment,
    role: config.role,
    architecture: config.architecture,
    alias: config.alias,
  };
}

/** JSON with object keys sorted at every level: equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function digest(kind: string, value: unknown): string {
  return createHash('sha256').update(`${kind}\n${canonicalJson(value)}`).digest('hex');
}

/**
 * The configuration digest: 64 hex digits of SHA-256 over the canonical JSON
 * of the effective settings. Stored with the function (tag
 * `lambda-sync:config`); equal digests mean Lambda already has this
 * configuration. The same function everywhere (check-and-deploy, the
 * decision, status), so that they agree.
 */
export function configDigest(settings: FunctionSettings): string {
  return digest('lambda-sync config v1', settings);
}

/** The settings that decide what the bundle holds, besides the files: a change to one of them is a code change. */
export type BundleSettings = Pick<PackageConfig, 'build' | 'include' | 'exclude' | 'dependsOn'>;

/** Digest of the bundle settings (tag `lambda-sync:bundle`): with the code revision, the identity of the code. */
export function bundleDigest(config: BundleSettings): string {
  return digest('lambda-sync bundle v1', { build: config.build, include: config.include, exclude: config.exclude, dependsOn: config.dependsOn });
}
