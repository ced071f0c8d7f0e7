/**
 * Python bundling benchmark (issue 13): a python3.12 package whose
 * requirements.txt pulls 10 distributions, 50 MiB of wheels (each a 5 MiB
 * extension module of incompressible bytes plus 100 Python modules), served
 * offline through PIP_FIND_LINKS. Compared, each in its own process, rounds
 * interleaved, medians:
 *   - baseline: what one does by hand, as AWS documents it:
 *     `pip install --target build --platform manylinux2014_x86_64
 *     --only-binary=:all: --implementation cp --python-version 3.12 -r
 *     requirements.txt` then `zip -qrX` of the folder (no reproducibility:
 *     .pyc-free only because of --no-compile, machine paths left in);
 *   - ours: `lambda-sync bundle` (stage from git, the same pip install with
 *     every manylinux tag of AL2023, normalisation, handler check, the
 *     reproducible zip).
 * Target: at most 1.5x the baseline.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestRepo } from '../test/support/git-repo.js';
import { fakeElf } from '../test/support/elf.js';
import { writeWheels, type WheelSpec } from '../test/bundle/python/wheels.js';

const ROUNDS = 3;
const DISTRIBUTIONS = 10;
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function specs(): WheelSpec[] {
  return Array.from({ length: DISTRIBUTIONS }, (_, i) => {
    const name = `benchdist${i}`;
    const files: Record<string, string | Buffer> = {
      [`${name}/__init__.py`]: 'from ._native import *\n',
      [`${name}/_native.cpython-312-x86_64-linux-gnu.so`]: Buffer.concat([fakeElf('x86-64', name), randomBytes(5 * 1024 * 1024)]),
    };
    for (let m = 0; m < 100; m++) files[`${name}/module_${m}.py`] = `# ${name} module ${m}\n${`def f${m}(x):\n    return x * ${m} + ${i}\n\n`.repeat(60)}`;
    return { name, version: '1.0', tag: 'cp312-cp312-manylinux2014_x86_64', files };
  });
}

function pipAvailable(): boolean {
  return spawnSync('python3', ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0 && spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
}

export async function run(): Promise<void> {
  if (!pipAvailable()) {
    console.log('python: needs python3 with pip and Info-ZIP zip (apt-get install -y python3-pip zip); skipped');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'lambda-sync-bench-python-'));
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIP_'))), PIP_CONFIG_FILE: devNull, PIP_NO_INDEX: '1', PIP_FIND_LINKS: join(work, 'wheels'), PIP_NO_CACHE_DIR: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  try {
    mkdirSync(env.PIP_FIND_LINKS);
    const wheels = writeWheels(env.PIP_FIND_LINKS, specs());
    const wheelBytes = [...wheels.values()].reduce((sum, data) => sum + data.length, 0);
    const requirements = specs().map((s) => `${s.name}==1.0\n`).join('');
    const repo = new TestRepo(join(work, 'repo'));
    // 50 MiB of wheels zip to just over Lambda's direct-upload limit: such a bundle goes through S3.
    repo.write('lambda-sync.yml', 'aws:\n  s3Bucket: bench-bundles\n');
    repo.write('fn/lambda.yml', 'runtime: python3.12\nhandler: app.handler\n');
    repo.write('fn/requirements.txt', requirements);
    repo.write('fn/app.py', `${specs().map((s) => `import ${s.name}\n`).join('')}\ndef handler(event, context):\n    return 1\n`);
    repo.commit('fn');
    console.log(`python: ${DISTRIBUTIONS} distributions, ${mib(wheelBytes)} of wheels; median of ${ROUNDS} rounds, each run in its own process`);

    const baseline: number[] = [];
    const ours: number[] = [];
    const sizes = { baseline: 0, ours: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const build = join(work, 'build');
      const byHand = join(work, 'by-hand.zip');
      rmSync(build, { recursive: true, force: true });
      rmSync(byHand, { force: true });
      let started = performance.now();
      execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--target', build, '--no-compile', '--platform', 'manylinux2014_x86_64', '--only-binary=:all:', '--implementation', 'cp', '--python-version', '3.12', '-r', join(repo.dir, 'fn', 'requirements.txt')], { env, stdio: 'ignore' });
      execFileSync('cp', [join(repo.dir, 'fn', 'app.py'), build]);
      execFileSync('zip', ['-qrX', byHand, '.'], { cwd: build });
      baseline.push(performance.now() - started);
      sizes.baseline = statSync(byHand).size;

      const out = join(work, 'ours.zip');
      rmSync(out, { force: true });
      started = performance.now();
      execFileSync(process.execPath, [CLI, 'bundle', 'fn', '--root', repo.dir, '--repo-url', 'https://github.com/example/bench', '-o', out], { env, stdio: 'ignore' });
      ours.push(performance.now() - started);
      sizes.ours = statSync(out).size;
    }
    const files = readdirSync(join(work, 'build'), { recursive: true }).length;
    const base = median(baseline);
    const mine = median(ours);
    console.log(`python: pip install --target + zip -qrX (baseline) ${seconds(base).padStart(8)}  zip ${mib(sizes.baseline)}  (${files} paths)`);
    console.log(`python: lambda-sync bundle                        ${seconds(mine).padStart(8)}  zip ${mib(sizes.ours)}  ${(mine / base).toFixed(2)}x the baseline   (target: <= 1.50x)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
