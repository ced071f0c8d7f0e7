// Registry packages shaped like the native ones people bundle for Lambda:
// sharp 0.33 (a JavaScript package whose optional dependencies carry the
// binaries, one per os/cpu/libc, each with its libvips), a dependency whose
// install script builds its addon (as node-gyp does, for the machine it runs
// on), and one that ships a prebuilt x86-64 addon only.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeElf, fakeMachO } from '../support/elf.js';
import type { NpmRegistry, RegistryPackage } from '../support/npm-registry.js';
import { scratchDir } from './scratch.js';

const SHARP = '0.33.5';
const LIBVIPS = '1.0.4';

interface Variant {
  id: string;
  os: string;
  cpu: string;
  libc?: string;
  binary: Buffer;
}

const VARIANTS: Variant[] = [
  { id: 'linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc', binary: fakeElf('x86-64', 'sharp linux-x64') },
  { id: 'linux-arm64', os: 'linux', cpu: 'arm64', libc: 'glibc', binary: fakeElf('AArch64', 'sharp linux-arm64') },
  { id: 'linuxmusl-x64', os: 'linux', cpu: 'x64', libc: 'musl', binary: fakeElf('x86-64', 'sharp linuxmusl-x64') },
  { id: 'darwin-arm64', os: 'darwin', cpu: 'arm64', binary: fakeMachO('sharp darwin-arm64') },
];

function sharpPackages(): RegistryPackage[] {
  const packages: RegistryPackage[] = [];
  for (const v of VARIANTS) {
    const platform = { os: [v.os], cpu: [v.cpu], ...(v.libc ? { libc: [v.libc] } : {}) };
    packages.push({
      manifest: { name: `@img/sharp-libvips-${v.id}`, version: LIBVIPS, ...platform, files: ['lib'] },
      files: [{ path: 'lib/libvips-cpp.so.42', content: v.binary }],
    });
    packages.push({
      manifest: {
        name: `@img/sharp-${v.id}`,
        version: SHARP,
        main: 'lib/sharp.node',
        ...platform,
        optionalDependencies: { [`@img/sharp-libvips-${v.id}`]: LIBVIPS },
      },
      files: [{ path: `lib/sharp-${v.id}.node`, content: v.binary }],
    });
  }
  packages.push({
    manifest: {
      name: 'sharp',
      version: SHARP,
      main: 'lib/index.js',
      optionalDependencies: Object.fromEntries(VARIANTS.flatMap((v) => [[`@img/sharp-${v.id}`, SHARP], [`@img/sharp-libvips-${v.id}`, LIBVIPS]])),
    },
    files: [{ path: 'lib/index.js', content: "module.exports = require(`@img/sharp-${process.platform}-${process.arch}/lib/sharp-${process.platform}-${process.arch}.node`);\n" }],
  });
  return packages;
}

/** Builds its addon in an install script, for the machine it runs on (x86-64 here), like node-gyp. */
export const SCRIPTED: RegistryPackage = {
  manifest: { name: 'native-build', version: '2.1.0', main: 'index.js', scripts: { install: 'node build.js' } },
  files: [
    { path: 'index.js', content: "module.exports = require('./build/Release/addon.node');\n" },
    {
      path: 'build.js',
      content: [
        "const fs = require('fs');",
        "fs.mkdirSync('build/Release', { recursive: true });",
        // the header of an x86-64 shared object, as a compiler on this machine would write
        `fs.writeFileSync('build/Release/addon.node', Buffer.from('${fakeElf('x86-64', 'compiled by the install script').toString('base64')}', 'base64'));`,
        '',
      ].join('\n'),
    },
  ],
};

/** Ships one prebuilt addon, x86-64, whatever machine installs it. */
export const PREBUILT_X64: RegistryPackage = {
  manifest: { name: 'prebuilt-addon', version: '1.4.0', main: 'index.js' },
  files: [
    { path: 'index.js', content: "module.exports = require('./build/Release/addon.node');\n" },
    { path: 'build/Release/addon.node', content: fakeElf('x86-64', 'prebuilt') },
  ],
};

/** Prebuilds for every platform in one package (node-gyp-build's layout); only the function's own loads. */
export const PREBUILDS_ALL: RegistryPackage = {
  manifest: { name: 'ws-native', version: '6.0.0', main: 'index.js' },
  files: [
    { path: 'index.js', content: "module.exports = require('node-gyp-build')(__dirname);\n" },
    { path: 'prebuilds/linux-x64/node.napi.node', content: fakeElf('x86-64', 'prebuild linux-x64') },
    { path: 'prebuilds/linux-arm64/node.napi.node', content: fakeElf('AArch64', 'prebuild linux-arm64') },
    { path: 'prebuilds/darwin-x64+arm64/node.napi.node', content: fakeMachO('prebuild darwin') },
  ],
};

export function nativeRegistryPackages(): RegistryPackage[] {
  return [...sharpPackages(), SCRIPTED, PREBUILT_X64, PREBUILDS_ALL];
}

/**
 * The lockfile npm writes for `manifest` against the registry (all platforms'
 * optional dependencies are in it, as on any machine), made in a scratch
 * folder with npm's own resolver.
 */
export async function npmLockfileFor(registry: NpmRegistry, manifest: Record<string, unknown>): Promise<string> {
  const dir = scratchDir('lambda-sync-lock-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // Asynchronously: the registry answers from this process.
  await promisify(execFile)('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: { ...process.env, ...registry.env(scratchDir('lambda-sync-lock-cache-')) },
  });
  return readFileSync(join(dir, 'package-lock.json'), 'utf8');
}
