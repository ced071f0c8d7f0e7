import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repositoryIdFromUrl, redactUrlsIn } from '../../src/repo/repository-id.js';
import { UsageError } from '../../src/errors.js';

const ID = 'github.com/lightsofapollo/my-functions';

const forms: Array<[string, string]> = [
  ['https://github.com/Lightsofapollo/my-functions.git', ID],
  ['https://github.com/lightsofapollo/my-functions', ID],
  ['https://github.com/lightsofapollo/my-functions/', ID],
  ['https://github.com/lightsofapollo/my-functions.git/', ID],
  ['HTTPS://GITHUB.COM/LIGHTSOFAPOLLO/MY-FUNCTIONS', ID],
  ['http://github.com/lightsofapollo/my-functions', ID],
  ['https://user:s3cret@github.com/lightsofapollo/my-functions.git', ID],
  ['https://x-access-token:ghs_abc123@github.com/lightsofapollo/my-functions', ID],
  ['git@github.com:lightsofapollo/my-functions', ID],
  ['git@github.com:lightsofapollo/my-functions.git', ID],
  ['github.com:lightsofapollo/my-functions.git', ID],
  ['ssh://git@github.com/lightsofapollo/my-functions', ID],
  ['ssh://git@github.com:22/lightsofapollo/my-functions.git', ID],
  ['git+ssh://git@github.com/lightsofapollo/my-functions.git', ID],
  ['git://github.com/lightsofapollo/my-functions.git', ID],
  ['  https://github.com/lightsofapollo/my-functions  ', ID],
  ['https://gitlab.example.com/group/sub/project.git', 'gitlab.example.com/group/sub/project'],
];

for (const [url, expected] of forms) {
  test(`repository id of ${url}`, () => {
    assert.equal(repositoryIdFromUrl(url), expected);
  });
}

const bad: Array<[string, RegExp]> = [
  ['', /empty/],
  ['/srv/git/my-functions.git', /local path/],
  ['./relative/repo', /local path/],
  ['file:///srv/git/my-functions.git', /local path/],
  ['https://github.com/only-owner', /owner and a name/],
  ['ftp://example.com/a/b', /unsupported scheme/],
  ['https://user:hunter2@github.com/x', /owner and a name/],
];

for (const [url, reason] of bad) {
  test(`repository id refuses ${JSON.stringify(url)}`, () => {
    assert.throws(() => repositoryIdFromUrl(url), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, reason);
      assert.match(error.hint ?? '', /--repo-url/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });
}

test('credentials in URLs are redacted from any text', () => {
  const text = 'fatal: could not read from https://bot:ghp_TOKEN@github.com/o/r.git and ssh://me:pw@host/x';
  const redacted = redactUrlsIn(text);
  assert.doesNotMatch(redacted, /ghp_TOKEN|:pw@/);
  assert.match(redacted, /https:\/\/\*\*\*@github.com\/o\/r.git/);
});
