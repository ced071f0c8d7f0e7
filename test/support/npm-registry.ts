// A local stand-in for the npm registry: serves packuments and tarballs of
// packages the test describes, over HTTP on 127.0.0.1, the way
// registry.npmjs.org does (full packuments, scoped names as @scope%2fname,
// dist.tarball/integrity/shasum), so npm, pnpm and yarn install from it as
// from the real one, with no network.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface RegistryFile {
  /** Path inside the package. */
  path: string;
  content: string | Buffer;
  /** Default 0644. */
  mode?: number;
}

export interface RegistryPackage {
  /** package.json of the version (name and version required). */
  manifest: { name: string; version: string } & Record<string, unknown>;
  files?: RegistryFile[];
}

// npm packs every entry with this date; so do we, so tarballs are stable.
const PACK_DATE = new Date('1985-10-26T08:15:00Z');

async function tarball(pkg: RegistryPackage): Promise<Buffer> {
  const stream = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  const entries: RegistryFile[] = [{ path: 'package.json', content: `${JSON.stringify(pkg.manifest, null, 2)}\n` }, ...(pkg.files ?? [])];
  for (const file of entries) {
    stream.entry({ name: `package/${file.path}`, mode: file.mode ?? 0o644, mtime: PACK_DATE }, Buffer.from(file.content));
  }
  stream.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

export class NpmRegistry {
  private readonly packuments = new Map<string, Record<string, unknown>>();
  private readonly tarballs = new Map<string, Buffer>();
  /** Every path requested, for tests that check what was fetched. */
  readonly requests: string[] = [];
  private server: Server | undefined;
  url = '';

  static async start(packages: readonly RegistryPackage[]): Promise<NpmRegistry> {
    const registry = new NpmRegistry();
    await registry.listen();
    for (const pkg of packages) await registry.publish(pkg);
    return registry;
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
      this.requests.push(path);
      const body = this.tarballs.get(path) ?? (this.packuments.has(path.slice(1)) ? Buffer.from(JSON.stringify(this.packuments.get(path.slice(1)))) : undefined);
      if (!body || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
        return;
      }
      res.writeHead(200, { 'content-type': path.endsWith('.tgz') ? 'application/octet-stream' : 'application/json', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Adds a version (its tarball built now). */
  async publish(pkg: RegistryPackage): Promise<void> {
    const { name, version } = pkg.manifest;
    const data = await tarball(pkg);
    const file = `/${name}/-/${name.split('/').pop()}-${version}.tgz`;
    this.tarballs.set(file, data);
    const packument = this.packuments.get(name) ?? { name, 'dist-tags': {}, versions: {}, time: {} };
    (packument.versions as Record<string, unknown>)[version] = {
      ...pkg.manifest,
      _id: `${name}@${version}`,
      dist: {
        tarball: `${this.url}${name}/-/${name.split('/').pop()}-${version}.tgz`,
        shasum: createHash('sha1').update(data).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
      },
    };
    (packument['dist-tags'] as Record<string, string>).latest = version;
    (packument.time as Record<string, string>)[version] = PACK_DATE.toISOString();
    this.packuments.set(name, packument);
  }

  /**
   * Environment that points npm, pnpm and yarn (classic and berry) at this
   * registry and nowhere else, with caches in `cacheDir`.
   */
  env(cacheDir: string): Record<string, string> {
    const host = new URL(this.url).host;
    return {
      npm_config_registry: this.url,
      npm_config_offline: 'false',
      npm_config_prefer_online: 'true',
      npm_config_cache: `${cacheDir}/npm`,
      npm_config_store_dir: `${cacheDir}/pnpm-store`,
      YARN_CACHE_FOLDER: `${cacheDir}/yarn`,
      YARN_NPM_REGISTRY_SERVER: this.url.replace(/\/$/, ''),
      YARN_UNSAFE_HTTP_WHITELIST: host.split(':')[0]!,
      YARN_GLOBAL_FOLDER: `${cacheDir}/berry`,
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
