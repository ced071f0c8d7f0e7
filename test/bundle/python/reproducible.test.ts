import './pip-offline.js';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GIT_ENV, TestRepo } from '../../support/git-repo.js';
import { emptyOutDir, filesIn } from '../fixtures.js';
import { scratchDir } from '../scratch.js';
import { WHEELHOUSE, WHEELS } from './pip-offline.js';
import { sha256Hex, wheel } from './wheels.js';
import { bundleFn, output, pythonRepo } from './fixtures.js';

const LAMBDA_YML = 'runtime: python3.12\nhandler: app.handler\narchitecture: arm64\n';
const APP = 'import greet\nimport fastcalc\nimport localpkg\n\ndef handler(event, context):\n    return greet.hello("x")\n';
const LOCAL_WHEEL = wheel({ name: 'localpkg', version: '0.1', tag: 'py3-none-any', files: { 'localpkg/__init__.py': 'LOCAL = True\n' } });

describe('Python bundles are reproducible', () => {
  test('two clones at different paths, bundled under umask 022 and 077: same bytes, no machine path inside', async (t) => {
    // A vendored wheel given by path: pip records file:///<clone>/... in direct_url.json for it.
    const repo = pythonRepo({
      'lambda.yml': LAMBDA_YML,
      'requirements.txt': `greet==1.0\nfastcalc==2.0\n./vendor/${LOCAL_WHEEL.file}\n`,
      [`vendor/${LOCAL_WHEEL.file}`]: LOCAL_WHEEL.data,
      'app.py': APP,
    });
    const clones = scratchDir('lambda-sync-clones-');
    const first = join(clones, 'a');
    const second = join(clones, 'a-much-longer-folder-name', 'nested', 'second-clone');
    mkdirSync(join(second, '..'), { recursive: true });
    for (const dir of [first, second]) execFileSync('git', ['clone', '--quiet', repo.dir, dir], { env: GIT_ENV });
    const umask = process.umask();
    t.after(() => {
      process.umask(umask);
      repo.cleanup();
    });

    process.umask(0o022);
    const one = await bundleFn(new TestRepo(first, { init: false }));
    process.umask(0o077);
    const two = await bundleFn(new TestRepo(second, { init: false }));
    process.umask(umask);
    assert.equal(one.code, 0, output(one));
    assert.equal(two.code, 0, output(two));
    const sha = (run: typeof one): string => createHash('sha256').update(Buffer.concat([...run.entries.values()].map((e) => Buffer.concat([Buffer.from(e.name), e.data])))).digest('hex');
    assert.deepEqual([...two.entries.keys()], [...one.entries.keys()]);
    assert.equal(sha(two), sha(one), 'same files, same contents');
    const codeSha = (run: typeof one): string => createHash('sha256').update(readFileSync(run.zip)).digest('base64');
    assert.equal(codeSha(two), codeSha(one), 'same zip bytes, so the same CodeSha256');

    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    for (const [name, entry] of one.entries) {
      const text = entry.data.toString('latin1');
      for (const machinePath of [first, second, clones, WHEELHOUSE, python, tmpdir()]) {
        assert.ok(!text.includes(machinePath), `${name} holds the machine path ${machinePath}`);
      }
      assert.ok(!name.includes('__pycache__') && !(name.endsWith('.pyc') && name !== 'greet/shipped.pyc'), `${name}: no compiled files but those a wheel ships`);
      assert.equal(entry.unixMode & 0o777, name === 'bin/greet' ? 0o755 : 0o644, `${name} mode`);
    }
    assert.ok(!one.entries.has('localpkg-0.1.dist-info/direct_url.json'), 'direct_url.json with a file: URL is dropped');
    assert.ok(one.entries.has('localpkg/__init__.py'));
    const script = one.entries.get('bin/greet')!.data;
    assert.match(script.toString(), /^#!\/usr\/bin\/env python3\n/);
    const record = one.entries.get('greet-1.0.dist-info/RECORD')!.data.toString();
    assert.match(record, new RegExp(`^bin/greet,sha256=${createHash('sha256').update(script).digest('base64url')},${script.length}$`, 'm'), 'RECORD lists the script where it is, with its new hash');
    assert.doesNotMatch(record, /\.\.\//);
    assert.doesNotMatch(one.entries.get('localpkg-0.1.dist-info/RECORD')!.data.toString(), /direct_url/);
  });

  const greetHash = sha256Hex(WHEELS.get('greet-1.0-py3-none-any.whl')!);
  const needsHash = sha256Hex(WHEELS.get('needsgreet-1.0-py3-none-any.whl')!);
  const hashCases: { name: string; requirements: string; code: 0 | 2; message?: RegExp }[] = [
    { name: 'every requirement hash-pinned: installed', requirements: `needsgreet==1.0 \\\n    --hash=sha256:${needsHash}\ngreet==1.0 --hash=sha256:${greetHash}\n`, code: 0 },
    { name: 'a hash that does not match the file', requirements: `greet==1.0 --hash=sha256:${'0'.repeat(64)}\n`, code: 2, message: /fn\/requirements\.txt: pip refused the hashes:[\s\S]*DO NOT MATCH THE HASHES/ },
    { name: 'an indirect dependency without a hash', requirements: `needsgreet==1.0 --hash=sha256:${needsHash}\n`, code: 2, message: /fn\/requirements\.txt: pip refused the hashes:[\s\S]*greet/ },
  ];
  for (const c of hashCases) {
    test(`hashes (--require-hashes): ${c.name}`, async () => {
      const repo = pythonRepo({ 'lambda.yml': LAMBDA_YML, 'requirements.txt': c.requirements, 'app.py': 'import needsgreet\nimport greet\n\ndef handler(event, context):\n    return 1\n' });
      try {
        const out = emptyOutDir();
        const run = await bundleFn(repo, out);
        assert.equal(run.code, c.code, output(run));
        if (c.message) {
          assert.match(run.errors.join('\n'), c.message);
          assert.deepEqual(filesIn(out), []);
        } else assert.ok(run.entries.has('needsgreet/__init__.py') && run.entries.has('greet/__init__.py'));
      } finally {
        repo.cleanup();
      }
    });
  }
});
