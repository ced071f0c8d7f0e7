// Aliases and tags.
import { randomUUID } from 'node:crypto';
import { Problems, conflict, invalidParameter, notFound, preconditionFailed } from './errors.js';
import type { OpContext, OpRequest, Reply } from './functions.js';
import { paginate, readPaging } from './paging.js';
import type { AliasRecord, FunctionRecord } from './state.js';
import { type Json, asObject, checkAliasName, checkTags, checkVersion, functionRef, optString, optStringMap } from './validate.js';

function routing(ctx: OpContext, fn: FunctionRecord, body: Json): Record<string, number> | undefined {
  if (body.RoutingConfig === undefined || body.RoutingConfig === null) return undefined;
  const weights = asObject(asObject(body.RoutingConfig, 'RoutingConfig').AdditionalVersionWeights, 'AdditionalVersionWeights');
  const out: Record<string, number> = {};
  for (const [v, w] of Object.entries(weights)) {
    if (typeof w !== 'number' || w < 0 || w > 1) throw invalidParameter(`Invalid weight for version ${v}: must be between 0.0 and 1.0.`);
    if (!fn.versions.has(v)) throw notFound(`Function not found: ${ctx.store.arn(fn.name, v)}`);
    out[v] = w;
  }
  return Object.keys(out).length ? out : undefined;
}

function assertVersionExists(ctx: OpContext, fn: FunctionRecord, version: string): void {
  if (version !== '$LATEST' && !fn.versions.has(version)) throw notFound(`Function not found: ${ctx.store.arn(fn.name, version)}`);
}

function aliasOf(ctx: OpContext, fn: FunctionRecord, name: string): AliasRecord {
  const a = fn.aliases.get(name);
  if (!a) throw notFound(`Cannot find alias arn: ${ctx.store.arn(fn.name, name)}`);
  return a;
}

export function createAlias(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  const name = optString(req.body, 'Name');
  const version = optString(req.body, 'FunctionVersion');
  const description = optString(req.body, 'Description') ?? '';
  const p = new Problems();
  checkAliasName(name, p);
  checkVersion(version, p);
  p.length('description', description, 0, 256);
  p.throwIfAny();
  const fn = ctx.store.get(ref.name);
  assertVersionExists(ctx, fn, version!);
  if (fn.aliases.has(name!)) throw conflict(`Alias already exists: ${ctx.store.arn(fn.name, name)}`);
  const weights = routing(ctx, fn, req.body);
  const a: AliasRecord = { name: name!, functionVersion: version!, description, revisionId: randomUUID(), ...(weights ? { routing: weights } : {}) };
  fn.aliases.set(a.name, a);
  return { status: 201, body: ctx.store.aliasOut(fn, a) };
}

export function getAlias(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  const fn = ctx.store.get(ref.name);
  return { status: 200, body: ctx.store.aliasOut(fn, aliasOf(ctx, fn, req.params.Name!)) };
}

export function updateAlias(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  const version = optString(req.body, 'FunctionVersion');
  const description = optString(req.body, 'Description');
  const p = new Problems();
  checkAliasName(req.params.Name, p);
  if (version !== undefined) checkVersion(version, p);
  p.length('description', description, 0, 256);
  p.throwIfAny();
  const fn = ctx.store.get(ref.name);
  const a = aliasOf(ctx, fn, req.params.Name!);
  const revision = optString(req.body, 'RevisionId');
  if (revision !== undefined && revision !== a.revisionId) throw preconditionFailed('GetAlias');
  if (version !== undefined) assertVersionExists(ctx, fn, version);
  const weights = routing(ctx, fn, req.body);
  if (version !== undefined) a.functionVersion = version;
  if (description !== undefined) a.description = description;
  if (req.body.RoutingConfig !== undefined) {
    if (weights) a.routing = weights;
    else delete a.routing;
  }
  a.revisionId = randomUUID();
  return { status: 200, body: ctx.store.aliasOut(fn, a) };
}

export function deleteAlias(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  const fn = ctx.store.get(ref.name);
  fn.aliases.delete(req.params.Name!);
  return { status: 204 };
}

export function listAliases(ctx: OpContext, req: OpRequest): Reply {
  const ref = functionRef(req.params.FunctionName, ctx);
  const fn = ctx.store.get(ref.name);
  const only = req.query.get('FunctionVersion');
  const rows = [...fn.aliases.values()]
    .filter((a) => only === null || a.functionVersion === only)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const { page, next } = paginate(rows, (a) => a.name, readPaging(req.query));
  return { status: 200, body: { Aliases: page.map((a) => ctx.store.aliasOut(fn, a)), ...(next ? { NextMarker: next } : {}) } };
}

// ---- tags -----------------------------------------------------------------

const TAGGABLE = /arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?/;

function taggedFunction(ctx: OpContext, raw: string | undefined): FunctionRecord {
  const p = new Problems();
  p.required('resource', raw);
  p.length('resource', raw, 1, 256);
  p.pattern('resource', raw, TAGGABLE);
  p.throwIfAny();
  const ref = functionRef(raw, ctx);
  if (ref.qualifier !== undefined) {
    throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  }
  return ctx.store.get(ref.name);
}

export function tagResource(ctx: OpContext, req: OpRequest): Reply {
  const fn = taggedFunction(ctx, req.params.Resource);
  const tags = optStringMap(req.body, 'Tags');
  const p = new Problems();
  p.required('tags', tags);
  p.throwIfAny();
  const kept = Object.keys(fn.tags).filter((k) => !(k in tags!)).length;
  checkTags(tags!, kept);
  Object.assign(fn.tags, tags);
  return { status: 204 };
}

export function untagResource(ctx: OpContext, req: OpRequest): Reply {
  const fn = taggedFunction(ctx, req.params.Resource);
  const keys = req.query.getAll('tagKeys');
  const p = new Problems();
  p.required('tagKeys', keys.length ? keys : undefined);
  p.throwIfAny();
  for (const k of keys) delete fn.tags[k];
  return { status: 204 };
}

export function listTags(ctx: OpContext, req: OpRequest): Reply {
  const fn = taggedFunction(ctx, req.params.Resource);
  return { status: 200, body: { Tags: { ...fn.tags } } };
}
