import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { ConfigError, LambdaSyncError } from '../../src/errors.js';
import { checkTree, nodePackage, type CheckOptions, type Tree } from './handler-fixtures.js';
import { splitNodeHandler } from '../../src/bundle/handler/node/check.js';

async function failure(tree: Tree, options: CheckOptions = {}): Promise<LambdaSyncError> {
  try {
    const report = await checkTree(tree, options);
    assert.fail(`expected the check to fail; it said: ${report.summary}`);
  } catch (error) {
    if (!(error instanceof LambdaSyncError)) throw error;
    return error;
  }
}

describe('handler check: Node', () => {
  test('a realistic package passes: exports maps, main, scoped, "imports", JSON, folder index, builtins, the SDK v3 from the runtime', async () => {
    const report = await checkTree(nodePackage());
    // main, config.json, lib/db/index.js, lib/helpers.js, uuid (dist/index.js, v4.js), lodash.get,
    // ws (index, websocket), @middy/core index.js, chalk (index, ansi-styles, supports-color)
    assert.match(report.summary, /^main\.js found; 13 modules, \d+ imports resolved, 1 provided by nodejs24\.x, 2 not checked$/);
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.notChecked.map((n) => n.replace(/: .*/, '')).sort(), ['main.js:14 import(<computed>)', 'node_modules/ws/lib/websocket.js:6 require("bufferutil")'].sort());
    assert.match(report.notChecked.find((n) => n.includes('bufferutil'))!, /inside try/);
  });

  test('the ESM flavour: a .mjs handler, "type": "module", export ... from, import() of a literal', async () => {
    const tree = nodePackage({
      'main.js': undefined as never,
      'index.mjs': "import { v4 } from 'uuid';\nimport middy from '@middy/core';\nexport { default as helpers } from './lib/helpers.js';\nexport const handler = middy(async () => v4());\nconst lazy = () => import('./lib/lazy.mjs');\n",
      'lib/lazy.mjs': "export * from 'chalk';\n",
    });
    delete tree['main.js'];
    const report = await checkTree(tree, { handler: 'index.handler' });
    assert.match(report.summary, /^index\.mjs found; \d+ modules/);
    assert.deepEqual(report.notChecked, []);
  });

  test('splitting the handler as Lambda does: module up to the first dot of the last path part', () => {
    assert.deepEqual(splitNodeHandler('main.handler'), { module: 'main', exportPath: 'handler' });
    assert.deepEqual(splitNodeHandler('src/api.v2/app.routes.handler'), { module: 'src/api.v2/app', exportPath: 'routes.handler' });
  });

  interface Case {
    name: string;
    tree: Tree;
    options?: CheckOptions;
    exitCode?: 2;
    /** Each must match the message or its hint. */
    message: RegExp[];
  }
  const withMain = (main: string, extra: Tree = {}): Tree => nodePackage({ 'main.js': main, ...extra });
  const cases: Case[] = [
    {
      name: 'no handler file, handler the default: names the config file, that it is the default, and the files looked for',
      tree: (() => { const t = nodePackage(); delete t['main.js']; return t; })(),
      message: [/^orders\/lambda\.yml: handler: is not set, so it is the default main\.handler, which needs main\.js, main\.mjs or main\.cjs in the bundle of orders, and it has none of them/],
    },
    {
      name: 'no handler file, handler set in package.json',
      tree: nodePackage(),
      options: { handler: 'src/index.handler', configFile: 'orders/package.json', handlerSource: { kind: 'file', file: 'orders/package.json', field: 'lambda.handler' } },
      message: [/^orders\/package\.json: lambda\.handler: src\/index\.handler needs src\/index\.js, src\/index\.mjs or src\/index\.cjs/],
    },
    {
      name: 'no handler file, handler from the root defaults',
      tree: nodePackage(),
      options: { handler: 'app.handler', handlerSource: { kind: 'file', file: 'lambda-sync.yml', field: 'defaults.handler' } },
      message: [/^lambda-sync\.yml: defaults\.handler: app\.handler needs app\.js/, /in orders\/lambda\.yml for this package alone/],
    },
    {
      name: 'the handler file left out by exclude',
      tree: nodePackage(),
      options: { exclude: ['main.js'] },
      message: [/handler: is not set, so it is the default main\.handler/, /main\.js is there, but exclude in orders\/lambda\.yml keeps it out of the bundle/],
    },
    {
      name: 'an ES module handler without the export',
      tree: (() => { const t = nodePackage({ 'main.mjs': "export const handle = async () => 1;\nexport { handle as default };\n" }); delete t['main.js']; return t; })(),
      options: { handler: 'main.handler' },
      message: [/^orders\/lambda\.yml: handler: main\.handler needs the export handler of main\.mjs, which exports none by that name \(its exports: handle, default\); every call would fail with Runtime\.HandlerNotFound/],
    },
    {
      name: 'a dependency that is only in devDependencies',
      tree: withMain("const mock = require('aws-sdk-client-mock');\nexports.handler = async () => mock;\n"),
      message: [/^1 import of handler main\.handler \(the default, not set in orders\/lambda\.yml\) does not resolve in the bundle of orders:/, /orders\/main\.js:1: require\("aws-sdk-client-mock"\) does not resolve: aws-sdk-client-mock is not in the bundle's node_modules; aws-sdk-client-mock is only in "devDependencies" of orders\/package\.json, which do not ship: move it to "dependencies"/, /checkImports: false/],
    },
    {
      name: 'the AWS SDK v2 on nodejs22.x: not provided, and how to move to v3',
      tree: withMain("'use strict';\n\nconst AWS = require('aws-sdk');\nexports.handler = async () => new AWS.S3();\n"),
      options: { runtime: 'nodejs22.x' },
      message: [/orders\/main\.js:3: require\("aws-sdk"\) does not resolve/, /the AWS SDK v2 \(aws-sdk\) is not provided by Lambda's Node runtimes from nodejs18\.x on \(nodejs22\.x provides the v3, @aws-sdk\/\*\): move this code to the v3 clients/],
    },
    {
      name: 'a dependency of a dependency that needs the SDK v2 (serverless-http style)',
      tree: withMain("const dynamo = require('dynamo-helper');\nexports.handler = async () => dynamo;\n", {
        'node_modules/dynamo-helper/package.json': json({ name: 'dynamo-helper', version: '2.0.0', main: 'lib/index.js', peerDependencies: { 'aws-sdk': '^2.0.0' } }),
        'node_modules/dynamo-helper/lib/index.js': "const { DynamoDB } = require('aws-sdk');\nmodule.exports = new DynamoDB.DocumentClient();\n",
      }),
      message: [/orders\/node_modules\/dynamo-helper\/lib\/index\.js:1: require\("aws-sdk"\)/, /AWS SDK v2/],
    },
    {
      name: 'a missing package that no manifest names',
      tree: withMain("import('left-pad');\nexports.handler = async () => 1;\n"),
      message: [/orders\/main\.js:1: import\("left-pad"\) does not resolve: left-pad is not in the bundle's node_modules; add it to "dependencies" in orders\/package\.json \(npm install left-pad\)/],
    },
    {
      name: 'a dependency that needs a package nobody installed',
      tree: withMain("require('needs-peer');\nexports.handler = async () => 1;\n", {
        'node_modules/needs-peer/package.json': json({ name: 'needs-peer', version: '1.0.0', main: 'index.js', peerDependencies: { react: '^18' } }),
        'node_modules/needs-peer/index.js': "module.exports = require('react');\n",
      }),
      message: [/react is a peer dependency of needs-peer \(\^18\): add it to "dependencies" in orders\/package\.json/],
    },
    {
      name: 'a relative file left out by exclude',
      tree: nodePackage(),
      options: { exclude: ['lib/helpers.js'] },
      message: [/orders\/lib\/db\/index\.js:1: require\("\.\.\/helpers"\) does not resolve: there is no lib\/helpers, lib\/helpers\.js, lib\/helpers\.json or lib\/helpers\/index\.js; lib\/helpers\.js is installed but exclude in orders\/lambda\.yml keeps it out of the bundle/],
    },
    {
      name: 'a relative ES import without its extension',
      tree: withMain("exports.handler = async () => 1;\n", { 'package.json': json({ name: 'orders', type: 'module' }), 'main.js': "import { x } from './lib/helpers';\nexport const handler = async () => x;\n" }),
      message: [/orders\/main\.js:1: import "\.\/lib\/helpers" does not resolve: an ES module import needs the full file name .*: import "\.\/lib\/helpers\.js"/],
    },
    {
      name: 'a subpath the exports map does not export',
      tree: withMain("const v1 = require('uuid/dist/v1');\nexports.handler = async () => v1;\n"),
      message: [/require\("uuid\/dist\/v1"\) does not resolve: the "exports" of node_modules\/uuid\/package\.json have no "\.\/dist\/v1" for require/],
    },
    {
      name: 'an unknown node: builtin',
      tree: withMain("const x = require('node:nothing');\nexports.handler = async () => x;\n"),
      message: [/require\("node:nothing"\) does not resolve: node:nothing is not a Node\.js builtin module/],
    },
    {
      name: 'include that leaves out node_modules',
      tree: nodePackage(),
      options: { include: ['main.js', 'lib', 'config.json'] },
      message: [/5 imports of handler main\.handler/, /uuid is not in the bundle's node_modules; node_modules\/uuid\/dist\/index\.js is installed but include in orders\/lambda\.yml \(it matches no include glob\) keeps it out/],
    },
  ];
  for (const c of cases) {
    test(`error: ${c.name}`, async () => {
      const error = await failure(c.tree, c.options);
      assert.equal(error.exitCode, 2);
      const text = `${error.message}\n${error.hint ?? ''}`;
      for (const pattern of c.message) assert.match(text, pattern);
    });
  }

  test('only real calls count: require in a comment or a string, a bundler\'s own require parameter, require.resolve', async () => {
    const report = await checkTree(withMain([
      "// const old = require('./old-version');",
      "const doc = \"call require('./nowhere') to load it\";",
      "const resolved = require.resolve('./config.json');",
      "const bundled = (function (require, module, exports) { return require('./internal-id-7'); });",
      "exports.handler = async () => [doc, resolved, bundled];",
      '',
    ].join('\n')));
    assert.deepEqual(report.warnings, []);
    assert.match(report.summary, /^main\.js found; 1 module, 0 imports resolved$/);
  });

  test('a computed require is reported as not checked, with its line', async () => {
    const report = await checkTree(withMain("const name = process.env.DRIVER;\nconst driver = require(`./drivers/${name}`);\nexports.handler = async () => driver;\n"));
    assert.deepEqual(report.notChecked, ['main.js:2 require(<computed>): computed specifier']);
  });

  test('checkImports: false finds the handler file and follows nothing', async () => {
    const report = await checkTree(withMain("require('not-there');\nexports.handler = 1;\n"), { checkImports: false });
    assert.match(report.summary, /main\.js found; imports not followed \(checkImports: false\)/);
    const missing = await failure((() => { const t = nodePackage(); delete t['main.js']; return t; })(), { checkImports: false });
    assert.ok(missing instanceof ConfigError);
  });

  test('a CommonJS handler without a visible export is a warning, not an error', async () => {
    const report = await checkTree(withMain("module.exports = makeHandlers();\nfunction makeHandlers() { return { handler: async () => 1 }; }\n"));
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]!, /main\.js shows no export named handler .*Runtime\.HandlerNotFound/);
  });

  test('a re-exported CommonJS handler (module.exports = require(...)) is seen', async () => {
    const report = await checkTree(withMain("module.exports = require('./lib/handlers');\n", { 'lib/handlers.js': 'exports.handler = async () => 1;\n' }));
    assert.deepEqual(report.warnings, []);
  });
});

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

describe('handler check: other runtimes', () => {
  test('python and provided.* go through their own checks (python/handler.ts, custom-runtime.ts)', async () => {
    const python = await failure({ 'other.py': '' }, { runtime: 'python3.12', handler: 'lambda_function.lambda_handler' });
    assert.match(python.message, /^orders\/lambda\.yml: handler: lambda_function\.lambda_handler needs lambda_function\.py or lambda_function\/__init__\.py in the bundle of orders/);
    const provided = await failure({ 'bin/bootstrap': { text: '\x7fELF', mode: 0o755 } }, { runtime: 'provided.al2023' });
    assert.match(provided.message, /^orders\/lambda\.yml: runtime: provided\.al2023 needs an executable file named bootstrap at the root of the bundle of orders/);
    const ok = await checkTree({ bootstrap: { text: '\x7fELF', mode: 0o755 } }, { runtime: 'provided.al2023' });
    assert.match(ok.summary, /bootstrap found, executable/);
  });

  test('ruby: the handler file', async () => {
    const missing = await failure({ 'function.rb': '' }, { runtime: 'ruby3.4', handler: 'lambda_function.lambda_handler' });
    assert.match(missing.message, /needs lambda_function\.rb/);
  });
});
