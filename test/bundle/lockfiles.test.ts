// The lockfile a package has is the one honoured: pnpm-lock.yaml through
// pnpm, yarn.lock through yarn classic or berry (by its format), each with
// the same policies as npm (production only, Lambda's platform, no
// dependency scripts), and the zip the same bytes from any clone.
import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { buildBundle } from '../../src/bundle/index.js';
import { bundledEntry } from '../../src/bundle/install/managers.js';
import { planPackages } from '../../src/packages/plan.js';
import { runCli } from '../support/cli.js';
import { GIT_ENV, TestRepo } from '../support/git-repo.js';
import { NpmRegistry } from '../support/npm-registry.js';
import { names } from './read-zip.js';
import { scratchDir } from './scratch.js';
import { emptyOutDir, filesIn, REPO_URL, runBundleCli } from './fixtures.js';
import { nativeRegistryPackages } from './native-fixtures.js';

const run = promisify(execFile);
const PNPM = bundledEntry('pnpm')!;
const YARN_CLASSIC = bundledEntry('yarn-classic')!;
const YARN_BERRY = bundledEntry('yarn-berry')!;

let registry: NpmRegistry;
let env: NodeJS.ProcessEnv;
before(async () => {
  registry = await NpmRegistry.start(nativeRegistryPackages());
  Object.assign(process.env, registry.env(scratchDir('lambda-sync-registry-cache-')));
  env = { ...process.env, YARN_ENABLE_TELEMETRY: '0', YARN_ENABLE_GLOBAL_CACHE: 'true' };
});
after(() => registry.close());

const MANIFEST = {
  name: 'fn',
  version: '1.0.0',
  private: true,
  dependencies: { sharp: '0.33.5', 'native-build': '2.1.0' },
  devDependencies: { 'prebuilt-addon': '1.4.0' },
};

type Kind = 'pnpm' | 'yarn classic' | 'yarn berry';

const lockfiles = new Map<Kind, Promise<{ name: string; text: string }>>();

/** The lockfile each manager writes for MANIFEST against the registry stand-in, made by that manager (once per kind). */
function lockfile(kind: Kind): Promise<{ name: string; text: string }> {
  if (!lockfiles.has(kind)) lockfiles.set(kind, makeLockfile(kind));
  return lockfiles.get(kind)!;
}

async function makeLockfile(kind: Kind): Promise<{ name: string; text: string }> {
  const dir = scratchDir('lambda-sync-lock-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify(MANIFEST));
  if (kind === 'pnpm') {
    await run(process.execPath, [PNPM, 'install', '--lockfile-only', '--ignore-scripts'], { cwd: dir, env });
    return { name: 'pnpm-lock.yaml', text: readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8') };
  }
  if (kind === 'yarn classic') {
    await run(process.execPath, [YARN_CLASSIC, 'install', '--ignore-scripts', '--ignore-platform', '--non-interactive'], { cwd: dir, env });
    return { name: 'yarn.lock', text: readFileSync(join(dir, 'yarn.lock'), 'utf8') };
  }
  writeFileSync(join(dir, 'yarn.lock'), '');
  await run(process.execPath, [YARN_BERRY, 'install', '--mode=update-lockfile'], { cwd: dir, env: { ...env, YARN_NODE_LINKER: 'node-modules', YARN_ENABLE_SCRIPTS: 'false' } });
  return { name: 'yarn.lock', text: readFileSync(join(dir, 'yarn.lock'), 'utf8') };
}

function fnRepo(lock: { name: string; text: string }, yml = 'architecture: arm64\n', manifest: Record<string, unknown> = MANIFEST): TestRepo {
  const repo = new TestRepo();
  repo.write('fn/lambda.yml', `handler: main.handler\n${yml}`);
  repo.writeJson('fn/package.json', manifest);
  repo.write(`fn/${lock.name}`, lock.text);
  repo.write('fn/main.js', 'exports.handler = async () => 1;\n');
  repo.commit('fn');
  return repo;
}

async function bundleClone(source: string, into: string, out: string): Promise<{ file: string; log: string[] }> {
  await run('git', ['clone', '--quiet', source, into], { env: GIT_ENV });
  const plan = await planPackages({ root: join(into, 'fn'), repoUrl: REPO_URL });
  const log: string[] = [];
  const logger = { info: (l: string) => log.push(l), warn: (l: string) => log.push(`warning: ${l}`), step: async <T>(label: string, work: () => Promise<T>, describe?: (r: T) => string) => {
    const result = await work();
    log.push(`${label}${describe ? `: ${describe(result)}` : ''}`);
    return result;
  } };
  const bundle = await buildBundle({ gitRoot: into, pkg: plan.packages[0]!, revision: 'HEAD', outFile: out, logger });
  return { file: bundle.file, log };
}

describe('each lockfile through its manager: arm64 variant only, no dev dependency, no scripts, same bytes from two clones', { concurrency: true }, () => {
  for (const kind of ['pnpm', 'yarn classic', 'yarn berry'] as const) {
    test(kind, async () => {
      const repo = fnRepo(await lockfile(kind));
      try {
        const work = scratchDir();
        const first = await bundleClone(repo.dir, join(work, 'clone-a'), join(work, 'a.zip'));
        const second = await bundleClone(repo.dir, join(work, 'somewhere', 'else', 'clone-b'), join(work, 'b.zip'));
        const zipNames = names(first.file);
        assert.ok(first.log.some((l) => l.startsWith(`install the dependencies of fn for linux-arm64-glibc: ${kind === 'pnpm' ? 'pnpm' : 'yarn'} `)), first.log.join('\n'));
        assert.deepEqual(zipNames.filter((n) => /\.(node|so\.42)$/.test(n)), ['node_modules/@img/sharp-libvips-linux-arm64/lib/libvips-cpp.so.42', 'node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64.node']);
        assert.ok(zipNames.includes('node_modules/sharp/lib/index.js'));
        assert.ok(!zipNames.some((n) => n.startsWith('node_modules/prebuilt-addon/')), 'no dev dependency');
        assert.ok(!zipNames.some((n) => /node_modules\/(\.modules\.yaml|\.pnpm|\.yarn-integrity|\.yarn-state\.yml|\.package-map\.json)/.test(n) || n.startsWith('.yarn/')), zipNames.join('\n'));
        assert.ok(first.log.some((l) => /install scripts of native-build did not run/.test(l)), first.log.join('\n'));
        assert.ok(readFileSync(first.file).equals(readFileSync(second.file)), 'the two clones give the same bytes');
      } finally {
        repo.cleanup();
      }
    });
  }

  test('allowScripts works with yarn\'s install too (npm rebuild over its node_modules)', async () => {
    const repo = fnRepo(await lockfile('yarn classic'), 'allowScripts: [native-build]\n');
    try {
      const work = scratchDir();
      const bundle = await bundleClone(repo.dir, join(work, 'clone'), join(work, 'fn.zip'));
      assert.ok(names(bundle.file).includes('node_modules/native-build/build/Release/addon.node'));
      assert.deepEqual(names(bundle.file).filter((n) => n.endsWith('sharp-linux-x64.node')), ['node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node']);
    } finally {
      repo.cleanup();
    }
  });
});

describe('lockfile and manager errors: exit 2 naming what, no zip', { concurrency: true }, () => {
  const cases: { name: string; setup: (repo: TestRepo) => void; message: RegExp[]; code?: number }[] = [
    {
      name: 'lockfiles of two managers',
      setup: (repo) => void repo.write('fn/package-lock.json', '{"lockfileVersion": 3, "packages": {}}\n').commit('second lockfile'),
      message: [/fn has lockfiles of two package managers: package-lock\.json \(npm\) and pnpm-lock\.yaml \(pnpm\)/, /delete the one the package does not use/],
    },
    {
      name: 'packageManager naming another manager than the lockfile',
      setup: (repo) => void repo.writeJson('fn/package.json', { ...MANIFEST, packageManager: 'yarn@4.18.1' }).commit('yarn?'),
      message: [/fn\/package\.json: packageManager: is "yarn@4\.18\.1", but the package's lockfile is pnpm-lock\.yaml \(pnpm\)/],
    },
    {
      name: 'a pnpm too old to install for another platform',
      setup: (repo) => void repo.writeJson('fn/package.json', { ...MANIFEST, packageManager: 'pnpm@9.15.0' }).commit('pnpm 9'),
      message: [/pnpm@9\.15\.0 \(package\.json packageManager\) cannot install dependencies for Lambda's platform: --os, --cpu and --libc need pnpm 10\.14 or newer/, /set packageManager to "pnpm@10\.34\.9"/],
    },
    {
      name: 'a pnpm version that cannot be had (not lambda-sync\'s, and npm cannot fetch it)',
      setup: (repo) => void repo.writeJson('fn/package.json', { ...MANIFEST, packageManager: 'pnpm@10.99.0' }).commit('pnpm 10.99'),
      message: [/pnpm@10\.99\.0 \(package\.json packageManager\) cannot run: npm could not get pnpm@10\.99\.0/, /make the npm registry reachable for pnpm@10\.99\.0, or set packageManager to "pnpm@10\.34\.9"/],
    },
    {
      name: 'a pnpm lockfile out of date with package.json (frozen)',
      setup: (repo) => void repo.writeJson('fn/package.json', { ...MANIFEST, dependencies: { ...MANIFEST.dependencies, 'ws-native': '6.0.0' } }).commit('new dependency'),
      code: 1,
      message: [/pnpm 10\.34\.9 failed for package fn/, /ERR_PNPM_OUTDATED_LOCKFILE/, /pnpm-lock\.yaml is out of date/],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const repo = fnRepo(await lockfile('pnpm'));
      try {
        c.setup(repo);
        const out = emptyOutDir();
        const result = await runBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'fn.zip')]);
        const text = result.errors.join('\n');
        assert.equal(result.code, c.code ?? 2, `${text}\n${result.log.join('\n')}`);
        for (const pattern of c.message) assert.match(text, pattern);
        assert.deepEqual(filesIn(out), []);
      } finally {
        repo.cleanup();
      }
    });
  }
});

test('plan marks a package without a lockfile as unpinned', async () => {
  const repo = new TestRepo();
  try {
    repo.write('pinned/lambda.yml', 'handler: main.handler\n').writeJson('pinned/package.json', MANIFEST).write('pinned/pnpm-lock.yaml', 'lockfileVersion: \'9.0\'\n');
    repo.write('loose/lambda.yml', 'handler: main.handler\n').writeJson('loose/package.json', MANIFEST);
    repo.write('plain/lambda.yml', 'handler: main.handler\n').write('plain/main.js', 'exports.handler = 1;\n').commit('three');
    const result = await runCli(['plan', '--json', '--repo-url', REPO_URL], { cwd: repo.dir });
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as { packages: { path: string; unpinned: boolean }[] };
    assert.deepEqual(Object.fromEntries(plan.packages.map((p) => [p.path, p.unpinned])), { loose: true, pinned: false, plain: false });
    const table = await runCli(['plan', '--repo-url', REPO_URL], { cwd: repo.dir });
    assert.match(table.stdout, /^loose .* unpinned\s*$/m);
  } finally {
    repo.cleanup();
  }
});
