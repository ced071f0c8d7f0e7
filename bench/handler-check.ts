/**
 * Import check benchmark (issue 9): a package whose bundle holds ~1,000
 * JavaScript modules, all reachable from its handler: 50 dependencies
 * (`file:` folders of the repository, installed by npm as copies), half
 * CommonJS with "main", half ES modules with an "exports" map, 20 modules
 * of ~3 KB each, requiring each other, builtins and JSON. buildBundle runs
 * as a deploy would (stage from git, npm install, collect, check, zip);
 * the check's own step is timed by the bundler's step log, and the ratio
 * printed is check / (build without the check). Target: <= 0.10.
 */
import '../test/bundle/npm-offline.js';
import { buildBundle, disposeBundle } from '../src/bundle/index.js';
import { createLogger } from '../src/log.js';
import { planPackages } from '../src/packages/plan.js';
import { TestRepo } from '../test/support/git-repo.js';

const DEPENDENCIES = 50;
const MODULES_PER_DEPENDENCY = 20;
const ROUNDS = 3;

/** ~3 KB of ordinary JavaScript: functions, objects, strings, loops. */
function body(seed: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 12; i++) {
    parts.push(`function step${i}(input, options = {}) {
  const values = Array.isArray(input) ? input : [input];
  let total = ${seed % 97};
  for (const value of values) {
    if (typeof value === 'number' && value > ${i}) total += value * ${i + 1};
    else if (value && typeof value === 'object') total += Object.keys(value).length;
  }
  return { total, label: \`step ${i} of ${seed}\`, ...options };
}`);
  }
  return parts.join('\n\n');
}

function writeDependency(repo: TestRepo, index: number): string {
  const name = `dep-${String(index).padStart(2, '0')}`;
  const esm = index % 2 === 1;
  const dir = `shared/${name}`;
  const ext = '.js';
  const manifest = esm
    ? { name, version: '1.0.0', type: 'module', exports: { '.': { import: './lib/index.js', default: './lib/index.js' }, './package.json': './package.json' } }
    : { name, version: '1.0.0', main: 'lib/index.js' };
  repo.writeJson(`${dir}/package.json`, manifest);
  repo.writeJson(`${dir}/lib/data.json`, { name, values: Array.from({ length: 50 }, (_, i) => i) });
  for (let m = 1; m < MODULES_PER_DEPENDENCY; m++) {
    const next = m + 1 < MODULES_PER_DEPENDENCY ? `./m${m + 1}${ext}` : undefined;
    const text = esm
      ? `import { join } from 'node:path';\n${next ? `import * as next from '${next}';\n` : ''}${body(index * 100 + m)}\nexport const name = join('${name}', 'm${m}');\n${next ? 'export { next };\n' : ''}`
      : `'use strict';\nconst { join } = require('path');\n${next ? `const next = require('./m${m + 1}');\n` : ''}${body(index * 100 + m)}\nmodule.exports = { name: join('${name}', 'm${m}')${next ? ', next' : ''} };\n`;
    repo.write(`${dir}/lib/m${m}${ext}`, text);
  }
  repo.write(
    `${dir}/lib/index.js`,
    esm
      ? `import data from './data.json' with { type: 'json' };\nimport * as first from './m1.js';\nexport { data, first };\n`
      : `'use strict';\nmodule.exports = { data: require('./data.json'), first: require('./m1') };\n`,
  );
  return name;
}

function benchRepo(): TestRepo {
  const repo = new TestRepo();
  const names = Array.from({ length: DEPENDENCIES }, (_, i) => writeDependency(repo, i));
  repo.writeJson('fn/package.json', { name: 'fn', version: '1.0.0', private: true, dependencies: Object.fromEntries(names.map((n) => [n, `file:../shared/${n}`])) });
  repo.write('fn/lambda.yml', 'handler: main.handler\ndependsOn: [shared]\n');
  repo.write('fn/main.js', `'use strict';\n${names.map((n, i) => (i % 2 === 1 ? `const d${i} = import('${n}');` : `const d${i} = require('${n}');`)).join('\n')}\nexports.handler = async () => [${names.map((_, i) => `d${i}`).join(', ')}];\n`);
  repo.commit('bench');
  return repo;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

export async function run(): Promise<void> {
  const repo = benchRepo();
  try {
    const plan = await planPackages({ root: `${repo.dir}/fn`, repoUrl: 'https://github.com/example/bench' });
    const pkg = plan.packages[0]!;
    const builds: number[] = [];
    const checks: number[] = [];
    let summary = '';
    for (let round = 0; round < ROUNDS; round++) {
      const lines: string[] = [];
      const started = performance.now();
      const bundle = await buildBundle({ gitRoot: plan.gitRoot, pkg, revision: pkg.revision!, logger: createLogger((l) => lines.push(l)) });
      builds.push(performance.now() - started);
      await disposeBundle(bundle);
      const line = lines.find((l) => l.startsWith('check the handler'))!;
      const match = /\(([\d.]+) (m?s)\)$/.exec(line)!;
      checks.push(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
      summary = line;
    }
    const check = median(checks);
    const build = median(builds);
    console.log(`handler-check: ${summary}`);
    console.log(`handler-check: build without the check ${(build - check).toFixed(0)} ms, check ${check.toFixed(0)} ms (medians of ${ROUNDS}): ratio ${(check / (build - check)).toFixed(3)} (target: <= 0.10)`);
  } finally {
    repo.cleanup();
  }
}
