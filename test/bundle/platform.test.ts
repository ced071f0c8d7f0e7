// Dependencies are installed for Lambda's platform and the function's
// architecture, with dependencies' install scripts off unless allowed, and
// every native file of the bundle is checked against the architecture.
import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { NpmRegistry } from '../support/npm-registry.js';
import { fakeElf, fakeMachO } from '../support/elf.js';
import { TestRepo } from '../support/git-repo.js';
import { entryText, names } from './read-zip.js';
import { scratchDir } from './scratch.js';
import { emptyOutDir, filesIn, REPO_URL, runBundleCli, type CliRun } from './fixtures.js';
import { nativeRegistryPackages, npmLockfileFor } from './native-fixtures.js';

let registry: NpmRegistry;
before(async () => {
  registry = await NpmRegistry.start(nativeRegistryPackages());
  Object.assign(process.env, registry.env(scratchDir('lambda-sync-registry-cache-')));
});
after(() => registry.close());

const lockfiles = new Map<string, Promise<string>>();

interface FnOptions {
  dependencies?: Record<string, string>;
  /** lambda.yml lines after the handler. */
  yml?: string;
  lockfile?: boolean;
  files?: Record<string, string | Buffer>;
}

/** A repository with one package `fn`, its npm lockfile made against the registry stand-in. */
async function fnRepo(options: FnOptions): Promise<TestRepo> {
  const repo = new TestRepo();
  const manifest = { name: 'fn', version: '1.0.0', private: true, dependencies: options.dependencies ?? {} };
  repo.write('fn/lambda.yml', `${/^handler:/m.test(options.yml ?? '') ? '' : 'handler: main.handler\n'}${options.yml ?? ''}`);
  repo.writeJson('fn/package.json', manifest);
  repo.write('fn/main.js', 'exports.handler = async () => 1;\n');
  if (options.lockfile !== false && options.dependencies) {
    const key = JSON.stringify(manifest);
    if (!lockfiles.has(key)) lockfiles.set(key, npmLockfileFor(registry, manifest));
    repo.write('fn/package-lock.json', await lockfiles.get(key)!);
  }
  for (const [path, content] of Object.entries(options.files ?? {})) repo.write(`fn/${path}`, content, path === 'bootstrap' ? 0o755 : undefined);
  repo.commit('fn');
  return repo;
}

async function bundleFn(repo: TestRepo): Promise<CliRun & { zip: string; out: string }> {
  const out = emptyOutDir();
  const zip = join(out, 'fn.zip');
  const result = await runBundleCli(['fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', zip]);
  return { ...result, zip, out };
}

function nativeFiles(zip: string): string[] {
  return names(zip).filter((n) => n.endsWith('.node') || n.includes('.so'));
}

describe('sharp 0.33: the variant of the function\'s architecture, and only it, from this x64 machine', () => {
  for (const [architecture, variant] of [['x86_64', 'linux-x64'], ['arm64', 'linux-arm64']] as const) {
    for (const lockfile of [true, false]) {
      test(`${architecture}, ${lockfile ? 'npm ci' : 'no lockfile'}`, async () => {
        const repo = await fnRepo({ dependencies: { sharp: '0.33.5' }, yml: `architecture: ${architecture}\n`, lockfile });
        try {
          const run = await bundleFn(repo);
          assert.equal(run.code, 0, run.errors.join('\n'));
          // glibc only: the linuxmusl build is left out too, and darwin's
          assert.deepEqual(nativeFiles(run.zip), [`node_modules/@img/sharp-libvips-${variant}/lib/libvips-cpp.so.42`, `node_modules/@img/sharp-${variant}/lib/sharp-${variant}.node`]);
          assert.ok(run.log.some((l) => l.includes(`for linux-${variant.split('-')[1]}-glibc: npm ${lockfile ? 'ci' : 'install'} `) && l.includes(`--cpu=${variant.split('-')[1]}`) && l.includes('--ignore-scripts')), run.log.join('\n'));
        } finally {
          repo.cleanup();
        }
      });
    }
  }

  test('with a build: the build gets this machine\'s variant, the zip the function\'s, and what the build wrote into node_modules stays', async () => {
    const build = "node -e \"require('fs').writeFileSync('node_modules/.generated.js', require('fs').readdirSync('node_modules/@img').sort().join(','))\"";
    const repo = await fnRepo({ dependencies: { sharp: '0.33.5' }, yml: `architecture: arm64\nbuild: ${JSON.stringify(build)}\n` });
    try {
      const run = await bundleFn(repo);
      assert.equal(run.code, 0, run.errors.join('\n'));
      assert.equal(entryText(run.zip, 'node_modules/.generated.js'), 'sharp-libvips-linux-x64,sharp-linux-x64');
      assert.deepEqual(nativeFiles(run.zip), ['node_modules/@img/sharp-libvips-linux-arm64/lib/libvips-cpp.so.42', 'node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64.node'].sort());
    } finally {
      repo.cleanup();
    }
  });
});

describe('dependencies\' install scripts', () => {
  test('do not run by default; the bundle says which were skipped and how to allow them', async () => {
    const repo = await fnRepo({ dependencies: { 'native-build': '2.1.0' } });
    try {
      const run = await bundleFn(repo);
      assert.equal(run.code, 0, run.errors.join('\n'));
      assert.ok(!names(run.zip).includes('node_modules/native-build/build/Release/addon.node'));
      assert.ok(run.log.some((l) => /warning: fn: install scripts of native-build did not run .* add them to allowScripts in fn\/lambda\.yml/.test(l)), run.log.join('\n'));
    } finally {
      repo.cleanup();
    }
  });

  test('run for the dependencies named in allowScripts (npm rebuild), and only for them', async () => {
    const repo = await fnRepo({ dependencies: { 'native-build': '2.1.0', sharp: '0.33.5' }, yml: 'allowScripts: [native-build, not-installed]\n' });
    try {
      const run = await bundleFn(repo);
      assert.equal(run.code, 0, run.errors.join('\n'));
      assert.ok(names(run.zip).includes('node_modules/native-build/build/Release/addon.node'));
      assert.ok(run.log.some((l) => /^run the install scripts of native-build \(allowScripts\): npm rebuild native-build /.test(l)), run.log.join('\n'));
      assert.ok(run.log.some((l) => /warning: fn: allowScripts in fn\/lambda\.yml names not-installed, which is not installed/.test(l)), run.log.join('\n'));
      assert.ok(!run.log.some((l) => /install scripts of .* did not run/.test(l)), 'nothing else was skipped');
    } finally {
      repo.cleanup();
    }
  });

  test('prebuilds for every platform in one package: allowed, with a warning about the unused ones', async () => {
    const repo = await fnRepo({ dependencies: { 'ws-native': '6.0.0' } });
    try {
      const run = await bundleFn(repo);
      assert.equal(run.code, 0, run.errors.join('\n'));
      assert.ok(run.log.some((l) => /warning: fn: 2 native file\(s\) for another platform ship but cannot load on x86_64 \(x86-64\): node_modules\/ws-native\/prebuilds\/darwin-x64\+arm64\/node\.napi\.node \(macOS \(Mach-O\)\), node_modules\/ws-native\/prebuilds\/linux-arm64\/node\.napi\.node \(AArch64\)/.test(l)), run.log.join('\n'));
    } finally {
      repo.cleanup();
    }
  });
});

interface NativeCase {
  name: string;
  options: FnOptions;
  message: RegExp[];
}

const cases: NativeCase[] = [
  {
    name: 'a prebuilt x86-64 addon on arm64',
    options: { dependencies: { 'prebuilt-addon': '1.4.0' }, yml: 'architecture: arm64\n' },
    message: [/fn\/lambda\.yml: architecture: the function's architecture is arm64 \(Lambda runs it on AArch64\)/, /node_modules\/prebuilt-addon\/build\/Release\/addon\.node is built for x86-64/, /add "prebuilt-addon" to allowScripts in fn\/lambda\.yml/],
  },
  {
    name: 'an allowed install script that builds for this machine, on arm64',
    options: { dependencies: { 'native-build': '2.1.0' }, yml: 'architecture: arm64\nallowScripts: [native-build]\n' },
    message: [/node_modules\/native-build\/build\/Release\/addon\.node is built for x86-64/, /native-build ran its install script on this machine/],
  },
  {
    name: 'a custom runtime\'s bootstrap for x86-64, on arm64',
    options: { yml: 'runtime: provided.al2023\nhandler: bootstrap.handler\narchitecture: arm64\n', files: { bootstrap: fakeElf('x86-64', 'a Go binary') } },
    message: [/fn\/lambda\.yml: architecture: the function's architecture is arm64/, /bootstrap is built for x86-64/],
  },
  {
    name: 'a Python extension module for AArch64, on x86_64',
    options: { yml: 'runtime: python3.12\nhandler: app.handler\n', files: { 'app.py': 'def handler(e, c): return 1\n', 'fast/_speedups.cpython-312-aarch64-linux-gnu.so': fakeElf('AArch64') } },
    message: [/architecture is x86_64 \(Lambda runs it on x86-64\)/, /fast\/_speedups\.cpython-312-aarch64-linux-gnu\.so is built for AArch64/],
  },
  {
    name: 'a 32-bit x86 library, on x86_64',
    options: { files: { 'lib/libold.so': fakeElf('x86 (32-bit)') } },
    message: [/lib\/libold\.so is built for x86 \(32-bit\)/],
  },
  {
    name: 'a macOS addon',
    options: { files: { 'addon.node': fakeMachO() } },
    message: [/addon\.node is built for macOS \(Mach-O\)/],
  },
  {
    name: 'allowScripts with something that is not a package name',
    options: { yml: 'allowScripts: ["Not A Name"]\n' },
    message: [/fn\/lambda\.yml: allowScripts\[0\]: "Not A Name" is not an npm package name/],
  },
];

describe('native code the function cannot load: exit 2, the file, what it is built for, the architecture; no zip', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const repo = await fnRepo(c.options);
      try {
        const run = await bundleFn(repo);
        const text = run.errors.join('\n');
        assert.equal(run.code, 2, `${text}\n${run.log.join('\n')}`);
        for (const pattern of c.message) assert.match(text, pattern);
        assert.deepEqual(filesIn(run.out), []);
      } finally {
        repo.cleanup();
      }
    });
  }
});
