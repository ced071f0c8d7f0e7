/**
 * Revision pass benchmark: a repository of 1,000 packages and 10,000 commits
 * (built once with git fast-import into .bench/), our one-pass revision
 * search against
 *   - the floor: one plain `git log --name-only --format=%H` over the same history,
 *   - the naive way: `git log -1 -- <path>` per package (sampled, extrapolated).
 * A tenth of the packages is only touched by the first commit, so the pass
 * must read the whole history, like the floor.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRevisions } from '../src/repo/revisions.js';

const PACKAGES = 1000;
const COMMITS = 10_000;
const NAIVE_SAMPLE = 100;
const ROOT = fileURLToPath(new URL('../../.bench/revisions-repo', import.meta.url));

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function buildRepo(): void {
  if (existsSync(join(ROOT, '.git'))) return;
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(ROOT, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: ROOT });
  const random = rng(42);
  const lines: string[] = [];
  const hot = Math.floor(PACKAGES * 0.9);
  for (let c = 0; c < COMMITS; c++) {
    const files: string[] = [];
    if (c === 0) {
      for (let p = 0; p < PACKAGES; p++) files.push(`functions/pkg-${p}/package.json`, `functions/pkg-${p}/main.js`);
    } else if (random() < 0.2) {
      files.push(`docs/page-${Math.floor(random() * 200)}.md`);
    } else {
      const n = 1 + Math.floor(random() * 3);
      for (let i = 0; i < n; i++) files.push(`functions/pkg-${Math.floor(random() * hot)}/src/file-${Math.floor(random() * 5)}.js`);
    }
    const message = `commit ${c}`;
    lines.push('commit refs/heads/main', `mark :${c + 1}`, `committer Bench <bench@example.com> ${1_600_000_000 + c} +0000`, `data ${message.length}`, message);
    if (c > 0) lines.push(`from :${c}`);
    for (const file of files) {
      const content = `// ${file} at ${c}\n`;
      lines.push(`M 100644 inline ${file}`, `data ${Buffer.byteLength(content)}`, content);
    }
    lines.push('');
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: ROOT, input: lines.join('\n'), maxBuffer: 1 << 30 });
  execFileSync('git', ['checkout', '--quiet', 'main'], { cwd: ROOT });
}

function time<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

async function timeAsync<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<void> {
  const [, buildMs] = time(buildRepo);
  console.log(`repository: ${PACKAGES} packages, ${COMMITS} commits (${buildMs > 1000 ? `built in ${(buildMs / 1000).toFixed(1)} s` : 'cached'})`);
  const watches = Array.from({ length: PACKAGES }, (_, p) => ({ key: `functions/pkg-${p}`, paths: [`functions/pkg-${p}`, 'lambda-sync.yml'] }));

  const floor: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < 5; round++) {
    floor.push(time(() => spawnSync('git', ['log', '--name-only', '--format=%H'], { cwd: ROOT, maxBuffer: 1 << 30 }))[1]);
    const [results, ms] = await timeAsync(() => findRevisions(ROOT, watches));
    if ([...results.values()].some((r) => r.kind !== 'found')) throw new Error('benchmark repository lost a package');
    ours.push(ms);
  }
  const sample = watches.filter((_, i) => i % (PACKAGES / NAIVE_SAMPLE) === 0);
  const [, naiveSampleMs] = time(() => {
    for (const w of sample) spawnSync('git', ['log', '-1', '--format=%H', '--', ...w.paths], { cwd: ROOT });
  });
  const naive = (naiveSampleMs / sample.length) * PACKAGES;

  const f = median(floor);
  const o = median(ours);
  console.log(`floor  git log --name-only:            ${f.toFixed(0)} ms (median of 5)`);
  console.log(`ours   one-pass revisions (1,000 pkgs): ${o.toFixed(0)} ms (median of 5)  ratio to floor ${(o / f).toFixed(2)}x (target <= 1.5x)`);
  console.log(`naive  git log -1 -- <path> per pkg:    ${(naive / 1000).toFixed(1)} s (${NAIVE_SAMPLE} sampled, x${PACKAGES / NAIVE_SAMPLE})  ratio to floor ${(naive / f).toFixed(1)}x, ours is ${(naive / o).toFixed(0)}x faster`);
}
