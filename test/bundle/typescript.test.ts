import './npm-offline.js';
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { TestRepo } from '../support/git-repo.js';
import { emptyOutDir, filesIn, functionsRepo, REPO_URL, runBundleCli } from './fixtures.js';
import { names } from './read-zip.js';

// The real TypeScript compiler of this project: a package's build would run
// it from its own devDependencies (npm run build); the tests have no registry.
const TSC = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

/** A TypeScript package built with tsc into dist/, shipping dist and its production dependencies. */
function typescriptPackage(repo: TestRepo, handlerSource: string): void {
  repo.writeJson('ts-fn/package.json', {
    name: 'ts-fn',
    version: '1.0.0',
    private: true,
    scripts: { build: 'tsc -p tsconfig.json' },
    dependencies: { greeting: 'file:../shared/greeting' },
    devDependencies: { 'test-helper': 'file:../shared/test-helper' },
  });
  repo.writeJson('ts-fn/tsconfig.json', { compilerOptions: { target: 'es2022', module: 'commonjs', rootDir: 'src', outDir: 'dist', strict: true, skipLibCheck: true, types: [] } });
  repo.write('ts-fn/src/modules.d.ts', "declare module 'greeting' { export function greet(name: string): string; }\ndeclare module 'test-helper' { export const helper: boolean; }\n");
  repo.write('ts-fn/src/format.ts', 'export const shout = (text: string): string => text.toUpperCase();\n');
  repo.write('ts-fn/src/handler.ts', handlerSource);
  repo.write('ts-fn/lambda.yml', `handler: dist/handler.handler\nbuild: ${JSON.stringify(`"${process.execPath}" "${TSC}" -p tsconfig.json`)}\ndependsOn: [shared/greeting]\ninclude: [dist, node_modules, package.json]\n`);
  repo.commit('ts-fn');
}

describe('a TypeScript package is checked on its build output', () => {
  test('dist/handler.js and its imports resolve: the bundle is written', async () => {
    const repo = functionsRepo();
    try {
      typescriptPackage(repo, "import { greet } from 'greeting';\nimport { shout } from './format';\n\nexport const handler = async (event: { name: string }) => shout(greet(event.name));\n");
      const out = emptyOutDir();
      const result = await runBundleCli(['ts-fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'ts-fn.zip')]);
      assert.equal(result.code, 0, `${result.errors.join('\n')}\n${result.log.join('\n')}`);
      assert.ok(result.log.some((l) => /^check the handler dist\/handler\.handler of ts-fn: dist\/handler\.js found; 3 modules, 2 imports resolved \(\d+/.test(l)), result.log.join('\n'));
      assert.deepEqual(names(join(out, 'ts-fn.zip')).filter((n) => n.startsWith('dist/')), ['dist/format.js', 'dist/handler.js']);
    } finally {
      repo.cleanup();
    }
  });

  test('an import of a dev dependency in the TypeScript source fails at its line in the compiled file: exit 2, no zip', async () => {
    const repo = functionsRepo();
    try {
      typescriptPackage(repo, "import { greet } from 'greeting';\nimport { helper } from 'test-helper';\n\nexport const handler = async () => greet(String(helper));\n");
      const out = emptyOutDir();
      const result = await runBundleCli(['ts-fn', '--root', repo.dir, '--repo-url', REPO_URL, '-o', join(out, 'ts-fn.zip')]);
      assert.equal(result.code, 2, result.errors.join('\n'));
      const text = result.errors.join('\n');
      assert.match(text, /1 import of handler dist\/handler\.handler \(ts-fn\/lambda\.yml: handler\) does not resolve in the bundle of ts-fn:/);
      assert.match(text, /ts-fn\/dist\/handler\.js:\d+: require\("test-helper"\) does not resolve: test-helper is not in the bundle's node_modules; test-helper is only in "devDependencies" of ts-fn\/package\.json/);
      assert.deepEqual(filesIn(out), []);
    } finally {
      repo.cleanup();
    }
  });
});
