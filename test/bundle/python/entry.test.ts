// What Lambda starts: a Python handler (module, function, top-level imports)
// and a custom runtime's bootstrap. No dependency is installed here, so pip
// never runs; the import check reads modules with python3's own parser.
import '../npm-offline.js';
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { fakeElf } from '../../support/elf.js';
import { emptyOutDir, filesIn } from '../fixtures.js';
import { bundleFn, output, pythonRepo } from './fixtures.js';

interface EntryCase {
  name: string;
  files: Record<string, string>;
  modes?: Record<string, number>;
  /** Each must match the error output; none: the bundle succeeds. */
  message?: RegExp[];
  /** Names the zip must hold (success cases), with their modes. */
  ships?: Record<string, number>;
}

const PY = 'runtime: python3.12\n';
const OK = 'def handler(event, context):\n    return 1\n';

const cases: EntryCase[] = [
  {
    name: 'Python handler module missing (the default handler)',
    files: { 'lambda.yml': PY, 'app.py': OK },
    message: [/fn\/lambda\.yml: handler \(the default\): main\.handler needs main\.py or main\/__init__\.py in the bundle of fn, which has neither/],
  },
  {
    name: 'Python handler module left out by exclude',
    files: { 'lambda.yml': `${PY}handler: src/app.handler\nexclude: [src]\n`, 'src/app.py': OK, 'other.py': OK },
    message: [/fn\/lambda\.yml: handler: src\/app\.handler needs src\/app\.py or src\/app\/__init__\.py/],
  },
  {
    name: 'Python handler function not defined',
    files: { 'lambda.yml': `${PY}handler: app.main\n`, 'app.py': 'def handler(event, context):\n    return 1\n\nclass Helper:\n    def main(self):\n        pass\n' },
    message: [/fn\/lambda\.yml: handler: app\.main: app\.py defines no main at its top level/],
  },
  {
    name: 'Python imports that resolve nowhere, with their lines',
    files: {
      'lambda.yml': `${PY}handler: api.routes.handler\n`,
      'api/__init__.py': '',
      'api/routes.py': 'import json\nimport requests\nfrom api import models\nfrom .views import render\n\ndef handler(event, context):\n    return 1\n',
      'api/models.py': '',
    },
    message: [/fn\/api\/routes\.py: line 2: import requests: neither the bundle, python3\.12's standard library nor the runtime \(boto3, botocore\) has requests/, /fn\/api\/routes\.py: line 4: from \.views import \.\.\.: api\/views\.py is not in the bundle/],
  },
  {
    name: 'a module the runtime\'s Python no longer has',
    files: { 'lambda.yml': 'runtime: python3.13\nhandler: app.handler\n', 'app.py': `import cgi\n${OK}` },
    message: [/fn\/app\.py: line 1: import cgi: cgi was removed from the standard library in Python 3\.13, and the bundle does not have it/],
  },
  {
    name: 'Python handler in a folder, with stdlib, runtime, bundled and optional imports',
    files: {
      'lambda.yml': `${PY}handler: jobs/nightly.run\n`,
      'jobs/nightly.py': [
        'from __future__ import annotations',
        'import os, json, tomllib',
        'import boto3',
        'from botocore.exceptions import ClientError',
        'import jobs.shared as shared',
        'from . import shared as again',
        'from .shared import helper',
        'try:',
        '    import ujson',
        'except ImportError:',
        '    ujson = None',
        'def run(event, context):',
        '    import notchecked',
        '    return helper()',
        '',
      ].join('\n'),
      'jobs/shared.py': 'def helper():\n    return 1\n',
    },
    ships: { 'jobs/nightly.py': 0o644 },
  },
  {
    name: 'provided.al2023 without bootstrap',
    files: { 'lambda.yml': 'runtime: provided.al2023\n', 'bin/bootstrap': '#!/bin/sh\n' },
    modes: { 'bin/bootstrap': 0o755 },
    message: [/fn\/lambda\.yml: runtime: provided\.al2023 needs an executable file named bootstrap at the root of the bundle of fn; it has none \(only bin\/bootstrap, which Lambda does not look at\)/],
  },
  {
    name: 'provided.al2 with a bootstrap that is not executable',
    files: { 'lambda.yml': 'runtime: provided.al2\n', bootstrap: '#!/bin/sh\necho hi\n' },
    message: [/fn\/lambda\.yml: runtime: provided\.al2 needs fn\/bootstrap to be executable; it is not/, /git update-index --chmod=\+x bootstrap/],
  },
  {
    name: 'provided.al2023 whose build step makes the bootstrap',
    files: { 'lambda.yml': "runtime: provided.al2023\nbuild: printf '#!/bin/sh\\nexec ./handler.sh\\n' > bootstrap && chmod +x bootstrap\n", 'handler.sh': 'echo ok\n' },
    ships: { bootstrap: 0o755, 'handler.sh': 0o644 },
  },
  {
    name: 'provided.al2023 on arm64 whose build makes an x86-64 bootstrap (go build without GOARCH)',
    files: { 'lambda.yml': 'runtime: provided.al2023\narchitecture: arm64\nbuild: base64 -d bootstrap.b64 > bootstrap && chmod +x bootstrap\nexclude: [bootstrap.b64]\n', 'bootstrap.b64': `${fakeElf('x86-64', 'a Go binary built for this machine').toString('base64')}\n` },
    message: [/fn\/lambda\.yml: architecture: the function's architecture is arm64/, /bootstrap is built for x86-64/],
  },
];

describe('what Lambda starts is checked before anything ships', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const repo = pythonRepo(c.files, c.modes);
      try {
        const out = emptyOutDir();
        const run = await bundleFn(repo, out);
        if (c.message) {
          assert.equal(run.code, 2, output(run));
          for (const pattern of c.message) assert.match(run.errors.join('\n'), pattern);
          assert.deepEqual(filesIn(out), [], 'no zip');
        } else {
          assert.equal(run.code, 0, output(run));
          for (const [name, mode] of Object.entries(c.ships ?? {})) assert.equal((run.entries.get(name)?.unixMode ?? 0) & 0o777, mode, name);
        }
      } finally {
        repo.cleanup();
      }
    });
  }
});
