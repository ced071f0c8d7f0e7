// Operations on functions, their code and configuration, and versions.
import { type Code, type S3Object, codeSourceFromCreate, readCodeSource, resolveCode } from './code.js';
import { Problems, conflict, invalidParameter, notFound } from './errors.js';
import { paginate, readPaging } from './paging.js';
import { type FunctionRecord, type StoredConfig, type Store, type VersionRecord } from './state.js';
import {
  type ConfigInput, type Json, checkArchitectures, checkConfigModel, checkConfigService, checkTags, functionRef,
  optBool, optString, optStringList, optStringMap, parseFunctionName, readConfig,
} from './validate.js';

export interface OpContext {
  store: Store;
  region: string;
  accountId: string;
  s3: Map<string, S3Object>;
  blockedRuntimes: ReadonlySet<string>;
  codeUrl(name: string, version: string): string;
}
export interface OpRequest { params: Record<string, string>; query: URLSearchParams; body: Json }
export interface Reply { status: number; body?: unknown }

const DEFAULTS: Omit<StoredConfig, 'Role' | 'Runtime' | 'Handler'> = {
  Description: '',
  Timeout: 3,
  MemorySize: 128,
  Environment: {},
  Architectures: ['x86_64'],
  EphemeralStorageSize: 512,
  TracingMode: 'PassThrough',
};

function merge(base: StoredConfig, c: ConfigInput): StoredConfig {
  const { EphemeralStorageSize, TracingMode, Environment, ...rest } = c;
  return {
    ...base,
    ...rest,
    ...(Environment !== undefined ? { Environment } : {}),
    ...(EphemeralStorageSize !== undefined ? { EphemeralStorageSize } : {}),
    ...(TracingMode !== undefined ? { TracingMode } : {}),
  };
}

function noQualifier(ref: { qualifier?: string }, op: string): void {
  if (ref.qualifier !== undefined) throw invalidParameter(`${op} does not accept a qualified function name (got qualifier ${ref.qualifier}).`);
}

/** Resolves `name:q` and `?Qualifier=q` to one qualifier, as GetFunction does. */
function qualifierOf(ref: { qualifier?: string }, query: URLSearchParams): string | undefined {
  const q = query.get('Qualifier') ?? undefined;
  const p = new Problems();
  p.length('qualifier', q, 1, 128);
  p.pattern('qualifier', q, /(|[a-zA-Z0-9$_-]+)/);
  p.throwIfAny();
  if (q !== undefined && ref.qualifier !== undefined && q !== ref.qualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return q ?? ref.qualifier;
}

/** Configuration for $LATEST, a version number or an alias. */
function configFor(ctx: OpContext, fn: FunctionRecord, qualifier: string | undefined): Record<string, unknown> {
  if (qualifier === undefined || qualifier === '$LATEST') return ctx.store.configuration(fn);
  const alias = fn.aliases.get(qualifier);
  const version = alias ? alias.functionVersion : qualifier;
  if (version === '$LATEST') return ctx.store.configuration(fn, undefined, { arnQualifier: qualifier });
  const v = fn.versions.get(version);
  if (!v) throw notFound(`Function not found: ${ctx.store.arn(fn.name, qualifier)}`);
  return ctx.store.configuration(fn, v, alias ? { arnQualifier: qualifier } : {});
}

function withPublished(ctx: OpContext, fn: FunctionRecord, out: Record<string, unknown>): Record<string, unknown> {
  // With Publish: true the response describes the version being published.
  const v = fn.pending?.publishAs;
  return v ? { ...out, Version: v, FunctionArn: ctx.store.arn(fn.name, v) } : out;
}

export function getFunction(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx, true);
  const qualifier = qualifierOf(ref, req.query);
  const fn = ctx.store.get(ref.name, qualifier);
  const Configuration = configFor(ctx, fn, qualifier);
  const body: Record<string, unknown> = {
    Configuration,
    Code: { RepositoryType: 'S3', Location: ctx.codeUrl(fn.name, String(Configuration.Version)) },
  };
  if (qualifier === undefined && Object.keys(fn.tags).length) body.Tags = { ...fn.tags };
  return { status: 200, body };
}

export function getFunctionConfiguration(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx, true);
  const qualifier = qualifierOf(ref, req.query);
  return { status: 200, body: configFor(ctx, ctx.store.get(ref.name, qualifier), qualifier) };
}

export function createFunction(ctx: OpContext, req: OpRequest, seeded = false): Reply {
  const body = req.body;
  const p = new Problems();
  const ref = parseFunctionName(optString(body, 'FunctionName'), ctx, { problems: p });
  p.required('role', body.Role);
  const src = codeSourceFromCreate(body, p);
  const cfg = readConfig(body);
  checkConfigModel(cfg, p);
  const arch = optStringList(body, 'Architectures');
  checkArchitectures(arch, p);
  p.throwIfAny();
  noQualifier(ref!, 'CreateFunction');
  if (!cfg.Runtime || !cfg.Handler) {
    throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  }
  checkConfigService(cfg, ctx.blockedRuntimes);
  const tags = optStringMap(body, 'Tags') ?? {};
  checkTags(tags);
  const code = resolveCode(src!, 'CreateFunction', ctx);
  const config = merge({ ...DEFAULTS, Role: cfg.Role!, Runtime: cfg.Runtime, Handler: cfg.Handler }, cfg);
  if (arch) config.Architectures = arch;
  const fn = ctx.store.create(ref!.name, config, code, tags, optBool(body, 'Publish') ?? false);
  if (seeded) ctx.store.settle(fn, Infinity);
  return { status: 201, body: withPublished(ctx, fn, ctx.store.configuration(fn)) };
}

export function updateFunctionCode(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  noQualifier(ref, 'UpdateFunctionCode');
  const body = req.body;
  const p = new Problems();
  const arch = optStringList(body, 'Architectures');
  checkArchitectures(arch, p);
  p.throwIfAny();
  const fn = ctx.store.get(ref.name);
  ctx.store.assertRevision(fn, optString(body, 'RevisionId'));
  const code: Code = resolveCode(readCodeSource(body), 'UpdateFunctionCode', ctx);
  checkConfigService({ Runtime: fn.config.Runtime }, ctx.blockedRuntimes);
  if (optBool(body, 'DryRun')) return { status: 200, body: ctx.store.configuration(fn) };
  ctx.store.assertChangeable(fn);
  ctx.store.update(fn, { code, ...(arch ? { config: { ...fn.config, Architectures: arch } } : {}) }, optBool(body, 'Publish') ?? false);
  return { status: 200, body: withPublished(ctx, fn, ctx.store.configuration(fn)) };
}

export function updateFunctionConfiguration(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  noQualifier(ref, 'UpdateFunctionConfiguration');
  const cfg = readConfig(req.body);
  const p = new Problems();
  checkConfigModel(cfg, p);
  p.throwIfAny();
  const fn = ctx.store.get(ref.name);
  ctx.store.assertRevision(fn, optString(req.body, 'RevisionId'));
  const next = merge(fn.config, cfg);
  checkConfigService({ ...cfg, Runtime: next.Runtime }, ctx.blockedRuntimes);
  ctx.store.assertChangeable(fn);
  ctx.store.update(fn, { config: next });
  return { status: 200, body: ctx.store.configuration(fn) };
}

export function deleteFunction(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx, true);
  const qualifier = qualifierOf(ref, req.query);
  const fn = ctx.store.get(ref.name, qualifier);
  if (qualifier === undefined) {
    ctx.store.functions.delete(fn.name);
    // The model says 200, but the API reference documents 204 with an empty
    // body for a deleted function; the SDK accepts either.
    return { status: 204 };
  }
  if (qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  if (fn.aliases.has(qualifier)) throw invalidParameter(`Deletion of aliases is not supported by DeleteFunction; use DeleteAlias for ${qualifier}.`);
  if (!fn.versions.has(qualifier)) throw notFound(`Function not found: ${ctx.store.arn(fn.name, qualifier)}`);
  const users = [...fn.aliases.values()]
    .filter((a) => a.functionVersion === qualifier || (a.routing && qualifier in a.routing))
    .map((a) => a.name);
  if (users.length) throw conflict(`Unable to delete version because the following aliases reference it: [${users.join(', ')}]`);
  fn.versions.delete(qualifier);
  return { status: 204 };
}

export function listFunctions(ctx: OpContext, req: OpRequest): Reply {
  const all = req.query.get('FunctionVersion');
  if (all !== null && all !== 'ALL') {
    const p = new Problems();
    p.oneOf('functionVersion', all, ['ALL']);
    p.throwIfAny();
  }
  const fns = ctx.store.all().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows: Array<{ key: string; fn: FunctionRecord; v?: VersionRecord }> = [];
  for (const fn of fns) {
    rows.push({ key: `${fn.name}\u0000`, fn });
    if (all) for (const v of fn.versions.values()) rows.push({ key: `${fn.name}\u0000${v.version.padStart(10, '0')}`, fn, v });
  }
  const { page, next } = paginate(rows, (r) => r.key, readPaging(req.query));
  const Functions = page.map((r) => ctx.store.configuration(r.fn, r.v, { forList: true }));
  return { status: 200, body: { Functions, ...(next ? { NextMarker: next } : {}) } };
}

export function publishVersion(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  noQualifier(ref, 'PublishVersion');
  const description = optString(req.body, 'Description');
  const p = new Problems();
  p.length('description', description, 0, 256);
  p.throwIfAny();
  const fn = ctx.store.get(ref.name);
  ctx.store.assertRevision(fn, optString(req.body, 'RevisionId'));
  ctx.store.assertChangeable(fn);
  const sha = optString(req.body, 'CodeSha256');
  if (sha !== undefined && sha !== fn.code.sha256) {
    throw invalidParameter(`CodeSHA256 (${sha}) is different from current CodeSHA256 in $LATEST (${fn.code.sha256}). Please try publish again.`);
  }
  const v = ctx.store.publish(fn, description);
  return { status: 201, body: ctx.store.configuration(fn, v) };
}

export function listVersionsByFunction(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  const fn = ctx.store.get(ref.name);
  const rows: Array<{ key: string; v?: VersionRecord }> = [{ key: '' }];
  for (const v of fn.versions.values()) rows.push({ key: v.version.padStart(10, '0'), v });
  const { page, next } = paginate(rows, (r) => r.key, readPaging(req.query));
  const Versions = page.map((r) => ctx.store.configuration(fn, r.v));
  return { status: 200, body: { Versions, ...(next ? { NextMarker: next } : {}) } };
}
