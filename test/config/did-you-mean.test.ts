import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean } from '../../src/config/did-you-mean.js';
import { loadConfigSchema, validateConfig } from '../../src/config/validate.js';

const packageKeys = Object.keys((loadConfigSchema('lambda') as { properties: object }).properties).filter((k) => k !== '$schema');
const rootKeys = Object.keys((loadConfigSchema('lambda-sync') as { properties: object }).properties).filter((k) => k !== '$schema');

test('did you mean: the allowed key an unknown one most likely meant', () => {
  const cases: Array<[unknown: string, keys: readonly string[], meant: string | undefined]> = [
    ['memorySize', packageKeys, 'memory'],
    ['MemorySize', packageKeys, 'memory'],
    ['memroy', packageKeys, 'memory'],
    ['Handler', packageKeys, 'handler'],
    ['Timeout', packageKeys, 'timeout'],
    ['architectures', packageKeys, 'architecture'],
    ['env', packageKeys, 'environment'],
    ['environmentVariables', packageKeys, 'environment'],
    ['depends_on', packageKeys, 'dependsOn'],
    ['dependson', packageKeys, 'dependsOn'],
    ['runtim', packageKeys, 'runtime'],
    ['excludes', packageKeys, 'exclude'],
    ['tracing', packageKeys, undefined],
    ['vpc', packageKeys, undefined],
    ['a', packageKeys, undefined],
    ['pakages', rootKeys, 'packages'],
    ['prefix', rootKeys, undefined],
    ['nameprefix', rootKeys, 'namePrefix'],
    ['treeherdr', rootKeys, 'treeherder'],
    ['tc', rootKeys, undefined],
  ];
  for (const [unknown, keys, meant] of cases) assert.equal(didYouMean(unknown, keys), meant, unknown);
});

test('an unknown key names the key it most likely meant, in any section', () => {
  const cases: Array<[schema: 'lambda' | 'lambda-sync', value: unknown, message: RegExp]> = [
    ['lambda', { memorySize: 256 }, /^fn\/lambda.yml: memorySize: unknown key; did you mean memory\? \(allowed: /],
    ['lambda', { tracing: 'Active' }, /^fn\/lambda.yml: tracing: unknown key \(allowed: /],
    ['lambda-sync', { defaults: { memorySize: 256 } }, /^fn\/lambda.yml: defaults.memorySize: unknown key; did you mean memory\?/],
    ['lambda-sync', { taskcluster: { taskQueue: 'a/b' } }, /^fn\/lambda.yml: taskcluster.taskQueue: unknown key; did you mean taskQueueId\?/],
    ['lambda-sync', { aws: { bucket: 'b' } }, /^fn\/lambda.yml: aws.bucket: unknown key; did you mean s3Bucket\? \(allowed: secret, deployRoleArn, s3Bucket\)/],
    ['lambda-sync', { aws: { profile: 'dev' } }, /^fn\/lambda.yml: aws.profile: unknown key \(allowed: secret, deployRoleArn, s3Bucket\)/],
  ];
  for (const [schema, value, message] of cases) {
    const errors = validateConfig(schema, value, 'fn/lambda.yml');
    assert.equal(errors.length, 1, JSON.stringify(errors.map((e) => e.message)));
    assert.match(errors[0]!.message, message);
  }
});
