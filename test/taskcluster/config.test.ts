// Bad configuration and bad usage of `decision`: exit 2, naming the file and
// the key (or the option), before anything is built or submitted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { examplesLikeRepo, TASK_QUEUE } from './fixtures.js';

const NO_TASKCLUSTER: NodeJS.ProcessEnv = { TASK_ID: '', TASK_GROUP_ID: '', TASKCLUSTER_PROXY_URL: '', TASKCLUSTER_ROOT_URL: '' };
const PACKAGES = 'packages:\n  - fns/*\n';
const QUEUE = `taskcluster:\n  taskQueueId: ${TASK_QUEUE}\n`;
const SECRET = 'aws:\n  secret: repo:github.com/owner/fns:aws\n';

interface BadConfig {
  name: string;
  config: string;
  mode?: 'deploy' | 'check';
  fields: string[];
  reason: RegExp;
}

const cases: BadConfig[] = [
  { name: 'missing taskQueueId', config: PACKAGES + SECRET, fields: ['taskcluster.taskQueueId'], reason: /is required by `decision`/ },
  { name: 'missing taskQueueId in check mode too', config: PACKAGES, mode: 'check', fields: ['taskcluster.taskQueueId'], reason: /is required/ },
  { name: 'missing aws.secret in deploy mode', config: PACKAGES + QUEUE, fields: ['aws.secret'], reason: /is required by `decision` in deploy mode/ },
  { name: 'both missing', config: PACKAGES, fields: ['taskcluster.taskQueueId', 'aws.secret'], reason: /is required/ },
  { name: 'the removed priority "normal"', config: `${PACKAGES + QUEUE}  priority: normal\n${SECRET}`, fields: ['taskcluster.priority'], reason: /"normal" is not allowed \(allowed: highest, very-high, high, medium, low, very-low, lowest\)/ },
  { name: 'a worker type the queue refuses', config: `${PACKAGES}taskcluster:\n  taskQueueId: proj/Deploy\n${SECRET}`, fields: ['taskcluster.taskQueueId'], reason: /not a task queue id/ },
  { name: 'a deadline over 5 days', config: `${PACKAGES + QUEUE}  deadline: 6 days\n${SECRET}`, fields: ['taskcluster.deadline'], reason: /more than 5 days/ },
  { name: 'expires before the deadline', config: `${PACKAGES + QUEUE}  deadline: 2 days\n  expires: 1 day\n${SECRET}`, fields: ['taskcluster.expires'], reason: /before the deadline/ },
  { name: 'retries over 49', config: `${PACKAGES + QUEUE}  retries: 50\n${SECRET}`, fields: ['taskcluster.retries'], reason: /out of range/ },
  { name: 'maxRunTime under a minute', config: `${PACKAGES + QUEUE}  maxRunTime: 5\n${SECRET}`, fields: ['taskcluster.maxRunTime'], reason: /out of range/ },
  { name: 'an unknown taskcluster key', config: `${PACKAGES + QUEUE}  queue: x\n${SECRET}`, fields: ['taskcluster.queue'], reason: /unknown key/ },
  { name: 'a Treeherder project with a dot', config: `${PACKAGES + QUEUE + SECRET}treeherder:\n  project: my.fns\n`, fields: ['treeherder.project'], reason: /wrong format/ },
  { name: 'a Treeherder tier of 4', config: `${PACKAGES + QUEUE + SECRET}treeherder:\n  tier: 4\n`, fields: ['treeherder.tier'], reason: /out of range/ },
];

describe('decision with bad configuration exits 2 naming lambda-sync.yml and the key', () => {
  for (const c of cases) {
    it(c.name, async (t) => {
      const repo = examplesLikeRepo(c.config);
      t.after(() => repo.cleanup());
      const result = await runCli(['decision', '--dry-run', '--mode', c.mode ?? 'deploy'], { cwd: repo.dir, env: NO_TASKCLUSTER });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '', 'no graph is printed');
      for (const field of c.fields) {
        const line = result.stderr.split('\n').find((l) => l.includes(`lambda-sync.yml: ${field}: `));
        assert.ok(line, `no line names lambda-sync.yml: ${field}:\n${result.stderr}`);
        assert.match(line, c.reason);
      }
    });
  }

  it('a config without aws.secret is fine in check mode', async (t) => {
    const repo = examplesLikeRepo(PACKAGES + QUEUE);
    t.after(() => repo.cleanup());
    const result = await runCli(['decision', '--dry-run', '--mode', 'check'], { cwd: repo.dir, env: NO_TASKCLUSTER });
    assert.equal(result.code, 0, result.stderr);
  });
});

describe('decision with bad usage exits 2', () => {
  const usage: Array<[string, string[], RegExp]> = [
    ['an unknown mode', ['--mode', 'ship'], /argument 'ship' is invalid/],
    ['--revision without --repo-url', ['--revision', 'a'.repeat(40)], /--revision needs --repo-url/],
    ['a --revision that is not a sha', ['--repo-url', 'https://github.com/owner/fns', '--revision', 'main'], /--revision must be a full commit sha/],
    ['--retrigger that is not JSON', ['--retrigger', '{'], /--retrigger: not valid JSON/],
    ['--retrigger naming an unknown task', ['--retrigger', '{"requests":[{"tasks":["deploy fns/nope"]}]}'], /--retrigger names a task this graph does not have: "deploy fns\/nope"/],
    ['--concurrency 0', ['--concurrency', '0'], /--concurrency must be a positive integer/],
    ['a bad --task-group-id', ['--task-group-id', 'nope'], /--task-group-id "nope" is not a Taskcluster taskId/],
  ];
  for (const [name, args, message] of usage) {
    it(name, async (t) => {
      const repo = examplesLikeRepo();
      t.after(() => repo.cleanup());
      const result = await runCli(['decision', '--dry-run', ...args], { cwd: repo.dir, env: NO_TASKCLUSTER });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }
});
