import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/git-repo.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('the npm pack tarball installs into an empty prefix as the Dockerfile does and runs', { timeout: 300_000 }, (t) => {
  const work = tempDir('lambda-sync-pack-');
  t.after(() => rmSync(work, { recursive: true, force: true }));
  // The suite has just built dist/, so skip prepack's rebuild.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.equal(tarball, `lambda-sync-${version}.tgz`, 'the Dockerfile copies lambda-sync-${VERSION}.tgz');

  const dockerfile = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /npm install --global --omit=dev --no-audit --no-fund \/tmp\/lambda-sync.tgz/);
  assert.match(dockerfile, /^ENTRYPOINT \["lambda-sync"\]$/m);
  assert.match(dockerfile, /^USER node$/m);
  // Python packages need python3 and pip in the image: Debian's, checked at build time with pip --version.
  assert.match(dockerfile, /apt-get install -y --no-install-recommends [^\n]*\bpython3 python3-pip\b/);
  assert.match(dockerfile, /&& pip --version$/m);
  assert.match(execFileSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' }), /^pip \d+\.\d+(\.\d+)? from \S+ \(python 3\.\d+\)$/m, 'the pip lambda-sync runs (python3 -m pip) works here as in the image');

  const prefix = join(work, 'prefix');
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball!)], {
    cwd: work,
    stdio: 'pipe',
  });
  const bin = join(prefix, 'bin', 'lambda-sync');
  const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, NODE_ENV: 'production' };
  assert.equal(execFileSync(bin, ['--version'], { env, encoding: 'utf8' }).trim(), version);
  const help = execFileSync(bin, ['--help'], { env, encoding: 'utf8' });
  for (const command of ['plan', 'bundle', 'deploy', 'sync', 'decision', 'init']) assert.match(help, new RegExp(`^  ${command}\\b`, 'm'), `--help lists ${command}`);

  // The installed tool finds its own schemas (a missing `files` entry shows here).
  const installed = join(prefix, 'lib', 'node_modules', 'lambda-sync');
  assert.ok(readdirSync(join(installed, 'schema')).includes('lambda.schema.json'));
  assert.ok(!readdirSync(installed).includes('test'), 'tests are not shipped');
  assert.ok(!readdirSync(join(installed, 'node_modules')).includes('typescript'), 'dev dependencies are not installed');
});
