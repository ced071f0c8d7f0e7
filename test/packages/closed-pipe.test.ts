// `lambda-sync decision --dry-run | head -1`: the reader goes away before the
// graph is written, and the CLI ends quietly with its own exit code instead
// of an unhandled EPIPE stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../support/cli.js';
import { GIT_ENV } from '../support/git-repo.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

it('a reader that closes the pipe early ends the CLI with exit 0 and no stack trace', async () => {
  const child = spawn(process.execPath, [CLI, 'decision', '--dry-run', '--root', 'examples/functions', '--repo-url', 'https://github.com/lambda-sync/lambda-sync'], {
    cwd: ROOT,
    env: { ...GIT_ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TASK_ID: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Closed before the CLI writes anything: its first write to stdout fails with EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|at .*\.js:\d+/);
  assert.match(stderr, /task graph: 5 task\(s\)/, 'the decision ran to the end');
});
