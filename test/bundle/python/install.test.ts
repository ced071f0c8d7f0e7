import './pip-offline.js';
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scratchDir } from '../scratch.js';
import { emptyOutDir, filesIn } from '../fixtures.js';
import { FASTCALC_SO, PIP_ENV, WHEELHOUSE } from './pip-offline.js';
import { EM_AARCH64, EM_X86_64 } from './wheels.js';
import { bundleFn, output, pythonRepo } from './fixtures.js';

const APP = 'import fastcalc\nimport greet\nimport generated\n\ndef handler(event, context):\n    return greet.hello(generated.NAME)\n';

describe('Python dependencies are installed for Lambda, not for this machine', () => {
  for (const [architecture, machine, tag] of [
    ['x86_64', EM_X86_64, 'cp312-cp312-manylinux2014_x86_64'],
    ['arm64', EM_AARCH64, 'cp312-cp312-manylinux_2_28_aarch64'],
  ] as const) {
    test(`${architecture}: the wheel of that architecture and python3.12, and the build step's output`, async () => {
      const repo = pythonRepo({
        'lambda.yml': `runtime: python3.12\nhandler: app.handler\narchitecture: ${architecture}\nbuild: echo "NAME = 'built'" > generated.py\n`,
        'requirements.txt': '# pinned\nfastcalc==2.0\ngreet==1.0\n',
        'app.py': APP,
      });
      try {
        const run = await bundleFn(repo);
        assert.equal(run.code, 0, output(run));
        const so = [...run.entries.keys()].filter((name) => name.endsWith('.so'));
        assert.equal(so.length, 1, `one extension module: ${so.join(', ')}`);
        const data = run.entries.get(so[0]!)!.data;
        assert.equal(data.readUInt16LE(18), machine, 'the .so is built for the function\'s architecture');
        assert.deepEqual(data, architecture === 'x86_64' ? FASTCALC_SO.x86_64 : FASTCALC_SO.aarch64);
        assert.match(run.entries.get('fastcalc-2.0.dist-info/WHEEL')!.data.toString(), new RegExp(`^Tag: ${tag}$`, 'm'));
        assert.equal(run.entries.get('generated.py')?.data.toString(), "NAME = 'built'\n", 'the build ran after pip, in the package folder');
        assert.ok(run.entries.has('greet/__init__.py') && run.entries.has('app.py') && run.entries.has('requirements.txt'));
        assert.ok(![...run.entries.keys()].some((n) => n.includes('__pycache__')), 'pip compiled nothing');
        assert.ok(run.entries.has('greet/shipped.pyc'), 'a .pyc the wheel ships is kept');
        assert.match(run.log.join('\n'), new RegExp(`install the Python dependencies of fn: 2 distributions from requirements\\.txt for python3\\.12 on ${architecture}`));
      } finally {
        repo.cleanup();
      }
    });
  }

  interface NoWheelCase {
    name: string;
    files: Record<string, string>;
    message: RegExp[];
  }
  const noWheel: NoWheelCase[] = [
    {
      name: 'a version with wheels for x86_64 only, on arm64',
      files: { 'lambda.yml': 'runtime: python3.12\nhandler: app.handler\narchitecture: arm64\n', 'requirements.txt': 'greet==1.0\nfastcalc==2.1\n' },
      message: [/fn\/requirements\.txt: line 2: fastcalc==2\.1: no wheel for Lambda's python3\.12 on arm64 \(Amazon Linux 2023: manylinux_2_34_aarch64 \.\.\. manylinux2014_aarch64\); versions with such a wheel: 1\.0, 2\.0/],
    },
    {
      name: 'python3.11 runs on Amazon Linux 2, whose glibc is older than manylinux_2_28',
      files: { 'lambda.yml': 'runtime: python3.11\nhandler: app.handler\n', 'requirements.txt': 'fastcalc==2.0\n' },
      message: [/fn\/requirements\.txt: line 1: fastcalc==2\.0: no wheel for Lambda's python3\.11 on x86_64 \(Amazon Linux 2: manylinux_2_26_x86_64 \.\.\. manylinux1_x86_64\); versions with such a wheel: 1\.0/],
    },
    {
      name: 'a dependency published as an sdist only',
      files: { 'lambda.yml': 'runtime: python3.13\nhandler: app.handler\n', 'requirements.txt': 'srconly\n' },
      message: [/fn\/requirements\.txt: line 1: srconly: no wheel for Lambda's python3\.13 on x86_64 .*; versions with such a wheel: none/],
    },
    {
      name: 'the same, declared in pyproject.toml',
      files: { 'lambda.yml': 'runtime: python3.12\nhandler: app.handler\n', 'pyproject.toml': '[project]\nname = "fn"\nversion = "1"\ndependencies = ["srconly>=1"]\n' },
      message: [/fn\/pyproject\.toml: project\.dependencies: srconly>=1: no wheel for Lambda's python3\.12/],
    },
  ];
  for (const c of noWheel) {
    test(`no wheel: ${c.name} -> exit 2 naming it, its versions and pythonBuildFromSource; no zip`, async () => {
      const repo = pythonRepo({ 'app.py': 'def handler(event, context):\n    return 1\n', ...c.files });
      try {
        const out = emptyOutDir();
        const run = await bundleFn(repo, out);
        assert.equal(run.code, 2, output(run));
        const text = run.errors.join('\n');
        for (const pattern of c.message) assert.match(text, pattern);
        assert.match(text, /set pythonBuildFromSource: true in fn\/lambda\.yml to let pip build it from source/);
        assert.deepEqual(filesIn(out), []);
      } finally {
        repo.cleanup();
      }
    });
  }

  test('a wheel whose tag says aarch64 but whose extension module is x86-64: the machine check over the bundle stops it (exit 2, no zip)', async () => {
    const repo = pythonRepo({ 'lambda.yml': 'runtime: python3.12\nhandler: app.handler\narchitecture: arm64\n', 'requirements.txt': 'mislabeled==1.0\n', 'app.py': 'import mislabeled\n\ndef handler(event, context):\n    return 1\n' });
    try {
      const out = emptyOutDir();
      const run = await bundleFn(repo, out);
      assert.equal(run.code, 2, output(run));
      assert.match(run.errors.join('\n'), /fn\/lambda\.yml: architecture: the function's architecture is arm64/);
      assert.match(run.errors.join('\n'), /mislabeled\/_core\.cpython-312-aarch64-linux-gnu\.so is built for x86-64/);
      assert.deepEqual(filesIn(out), []);
    } finally {
      repo.cleanup();
    }
  });

  test('pythonBuildFromSource: an sdist-only dependency is built on this machine, with a warning', async () => {
    const repo = pythonRepo({
      'lambda.yml': 'runtime: python3.12\nhandler: app.handler\npythonBuildFromSource: true\n',
      'requirements.txt': 'srconly==1.0\n',
      'app.py': 'import srconly\n\ndef handler(event, context):\n    return srconly.BUILT\n',
    });
    try {
      const run = await bundleFn(repo);
      assert.equal(run.code, 0, output(run));
      assert.equal(run.entries.get('srconly/__init__.py')?.data.toString(), 'BUILT = True\n', 'the wheel the sdist\'s backend built');
      assert.ok(run.entries.has('srconly-1.0.dist-info/RECORD'));
      assert.match(run.log.join('\n'), /warning: fn: pythonBuildFromSource is on: pip may build dependencies from source on this machine/);
    } finally {
      repo.cleanup();
    }
  });

  test('requirements.txt wins over pyproject.toml; without it, [project].dependencies are installed', async () => {
    const pyproject = '[project]\nname = "fn"\nversion = "1.0"\ndependencies = [\n  "greet>=1",\n  "needsgreet",\n]\n';
    const repo = pythonRepo({
      'lambda.yml': 'runtime: python3.14\nhandler: app.handler\n',
      'requirements.txt': 'greet==1.0\n',
      'pyproject.toml': pyproject,
      'app.py': 'import greet\n\ndef handler(event, context):\n    return greet.hello("x")\n',
    });
    try {
      const both = await bundleFn(repo);
      assert.equal(both.code, 0, output(both));
      assert.ok(both.entries.has('greet/__init__.py'));
      assert.ok(!both.entries.has('needsgreet/__init__.py'), 'only requirements.txt is installed');
      const log = both.log.join('\n');
      assert.match(log, /fn: dependencies from requirements\.txt; it wins over pyproject\.toml's \[project\]\.dependencies/);
      assert.match(log, /warning: fn\/pyproject\.toml: \[project\]\.dependencies lists needsgreet, which requirements\.txt does not; they are not installed/);

      repo.remove('fn/requirements.txt').commit();
      const only = await bundleFn(repo);
      assert.equal(only.code, 0, output(only));
      assert.ok(only.entries.has('needsgreet/__init__.py') && only.entries.has('greet/__init__.py'), 'pyproject\'s dependencies and theirs');
      assert.match(only.log.join('\n'), /2 distributions from pyproject\.toml for python3\.14 on x86_64/);
    } finally {
      repo.cleanup();
    }
  });

  test('an index pip cannot reach is reported as such (exit 1), not as a missing wheel', async (t) => {
    delete process.env.PIP_NO_INDEX;
    delete process.env.PIP_FIND_LINKS;
    Object.assign(process.env, { PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '1', PIP_TIMEOUT: '2' });
    t.after(() => {
      for (const name of ['PIP_INDEX_URL', 'PIP_RETRIES', 'PIP_TIMEOUT']) delete process.env[name];
      Object.assign(process.env, PIP_ENV);
    });
    const repo = pythonRepo({ 'lambda.yml': 'runtime: python3.12\nhandler: app.handler\n', 'requirements.txt': 'greet==1.0\n', 'app.py': 'def handler(event, context):\n    return 1\n' });
    try {
      const run = await bundleFn(repo);
      assert.equal(run.code, 1, output(run));
      assert.match(run.errors.join('\n'), /pip could not reach its package index for fn: .*(Failed to establish a new connection|Max retries exceeded)/);
      assert.match(run.errors.join('\n'), /PIP_INDEX_URL, or PIP_FIND_LINKS with PIP_NO_INDEX=1/);
    } finally {
      repo.cleanup();
    }
  });

  test("pip's own configuration is honoured: a pip.conf (PIP_CONFIG_FILE) names the wheelhouse", async (t) => {
    const conf = join(scratchDir('lambda-sync-pipconf-'), 'pip.conf');
    writeFileSync(conf, `[global]\nno-index = true\nfind-links = ${WHEELHOUSE}\n`);
    delete process.env.PIP_FIND_LINKS;
    delete process.env.PIP_NO_INDEX;
    process.env.PIP_CONFIG_FILE = conf;
    t.after(() => Object.assign(process.env, PIP_ENV));
    const repo = pythonRepo({
      'lambda.yml': 'runtime: python3.12\nhandler: app.handler\n',
      'requirements.txt': 'greet==1.0\n',
      'app.py': 'from greet import hello\n\ndef handler(event, context):\n    return hello("x")\n',
    });
    try {
      const run = await bundleFn(repo);
      assert.equal(run.code, 0, output(run));
      assert.ok(run.entries.has('greet/__init__.py'));
    } finally {
      repo.cleanup();
    }
  });
});
