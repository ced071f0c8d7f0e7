// Package folders as npm leaves them after `npm ci --omit=dev`, for the
// handler and import check: real shapes of well-known packages (an ESM
// package with an exports map, a CommonJS one with main, a scoped dual
// package, one with "imports", one that requires the AWS SDK v2, optional
// dependencies required inside try), without npm or git.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkHandler, type HandlerCheckReport } from '../../src/bundle/handler-check.js';
import { collectFiles } from '../../src/bundle/collect.js';
import { createFilter } from '../../src/bundle/filters.js';
import { ShippedFiles, StagedFiles } from '../../src/bundle/handler/files.js';
import { BUILTIN_PACKAGE_DEFAULTS, type PackageConfig, type SettingSource } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { bundleDigest, configDigest, settingsOf } from '../../src/packages/function-settings.js';
import type { Package } from '../../src/packages/package.js';
import { scratchDir } from './scratch.js';

export type Tree = Record<string, string | { text: string; mode: number }>;

export function writeTree(dir: string, tree: Tree): void {
  for (const [path, content] of Object.entries(tree)) {
    const file = join(dir, ...path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    const text = typeof content === 'string' ? content : content.text;
    writeFileSync(file, text);
    if (typeof content !== 'string') chmodSync(file, content.mode);
  }
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** uuid 9: dual package, "exports" with node/import/require/default conditions. */
const UUID: Tree = {
  'node_modules/uuid/package.json': json({
    name: 'uuid',
    version: '9.0.1',
    main: './dist/index.js',
    exports: {
      '.': {
        node: { module: './dist/esm-node/index.js', require: './dist/index.js', import: './wrapper.mjs' },
        default: './dist/esm-browser/index.js',
      },
      './package.json': './package.json',
    },
  }),
  'node_modules/uuid/wrapper.mjs': "import uuid from './dist/index.js';\nexport const v4 = uuid.v4;\nexport default uuid;\n",
  'node_modules/uuid/dist/index.js': '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nvar _v = _interopRequireDefault(require("./v4.js"));\nexports.v4 = _v.default;\nfunction _interopRequireDefault(obj) { return obj && obj.__esModule ? obj : { default: obj }; }\n',
  'node_modules/uuid/dist/v4.js': '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nvar _crypto = require("crypto");\nexports.default = () => _crypto.randomUUID();\n',
  'node_modules/uuid/dist/esm-browser/index.js': 'export { default as v4 } from "./v4.js";\n',
};

/** lodash.get 4: CommonJS with "main". */
const LODASH_GET: Tree = {
  'node_modules/lodash.get/package.json': json({ name: 'lodash.get', version: '4.4.2', main: 'index.js' }),
  'node_modules/lodash.get/index.js': "function get(object, path) { return object == null ? undefined : object[path]; }\n\nmodule.exports = get;\n",
};

/** @middy/core 5: scoped, "type": "module", exports with import/require. */
const MIDDY: Tree = {
  'node_modules/@middy/core/package.json': json({
    name: '@middy/core',
    version: '5.4.0',
    type: 'module',
    exports: { '.': { import: { types: './index.d.ts', default: './index.js' }, require: { types: './index.d.ts', default: './index.cjs' } } },
  }),
  'node_modules/@middy/core/index.js': "import { setTimeout } from 'node:timers/promises';\nconst middy = (handler) => Object.assign(async (event, context) => handler(event, context), { use() { return this; } });\nexport default middy;\nexport { setTimeout };\n",
  'node_modules/@middy/core/index.cjs': "const { setTimeout } = require('node:timers/promises');\nmodule.exports = (handler) => handler;\n",
};

/** chalk 5: ESM with package "imports" (#ansi-styles). */
const CHALK: Tree = {
  'node_modules/chalk/package.json': json({
    name: 'chalk',
    version: '5.3.0',
    type: 'module',
    main: './source/index.js',
    exports: './source/index.js',
    imports: { '#ansi-styles': './source/vendor/ansi-styles/index.js', '#supports-color': { node: './source/vendor/supports-color/index.js', default: './source/vendor/supports-color/browser.js' } },
  }),
  'node_modules/chalk/source/index.js': "import ansiStyles from '#ansi-styles';\nimport supportsColor from '#supports-color';\nexport default { ansiStyles, supportsColor };\n",
  'node_modules/chalk/source/vendor/ansi-styles/index.js': 'export default {};\n',
  'node_modules/chalk/source/vendor/supports-color/index.js': "import process from 'node:process';\nimport os from 'node:os';\nimport tty from 'node:tty';\nexport default { process, os, tty };\n",
};

/** ws 8: optional native helpers required inside try. */
const WS: Tree = {
  'node_modules/ws/package.json': json({ name: 'ws', version: '8.16.0', main: 'index.js', peerDependencies: { bufferutil: '^4.0.1', 'utf-8-validate': '>=5.0.2' }, peerDependenciesMeta: { bufferutil: { optional: true } } }),
  'node_modules/ws/index.js': "'use strict';\n\nconst WebSocket = require('./lib/websocket');\nmodule.exports = WebSocket;\n",
  'node_modules/ws/lib/websocket.js': "'use strict';\n\nconst EventEmitter = require('events');\nlet bufferUtil;\ntry {\n  bufferUtil = require('bufferutil');\n} catch (e) {\n  bufferUtil = undefined;\n}\nmodule.exports = class WebSocket extends EventEmitter {};\n",
};

/** The function itself: CommonJS, using each of the packages above, the AWS SDK v3 from the runtime, JSON, a folder index. */
export function nodePackage(overrides: Tree = {}): Tree {
  return {
    'package.json': json({
      name: 'orders',
      version: '1.0.0',
      private: true,
      dependencies: { uuid: '^9.0.1', 'lodash.get': '^4.4.2', '@middy/core': '^5.4.0', chalk: '^5.3.0', ws: '^8.16.0' },
      devDependencies: { 'aws-sdk-client-mock': '^4.0.0', jest: '^29.7.0' },
    }),
    'main.js': [
      "'use strict';",
      "const { v4 } = require('uuid');",
      "const get = require('lodash.get');",
      "const { S3Client } = require('@aws-sdk/client-s3');",
      "const config = require('./config.json');",
      "const db = require('./lib/db');",
      "const WebSocket = require('ws');",
      "const path = require('node:path');",
      '',
      'exports.handler = async (event) => {',
      "  const middy = await import('@middy/core');",
      "  const chalk = await import('chalk');",
      '  const locale = event.locale;',
      "  const messages = await import(`./locales/${locale}.js`);",
      '  return { id: v4(), key: get(event, "key"), db, config, WebSocket, middy, chalk, messages, S3Client, path };',
      '};',
      '',
    ].join('\n'),
    'config.json': json({ table: 'orders' }),
    'lib/db/index.js': "const helpers = require('../helpers');\nmodule.exports = { helpers };\n",
    'lib/helpers.js': 'module.exports = {};\n',
    'locales/en.js': 'module.exports = { hello: "hello" };\n',
    ...UUID,
    ...LODASH_GET,
    ...MIDDY,
    ...CHALK,
    ...WS,
    ...overrides,
  };
}

export interface CheckOptions {
  handler?: string;
  runtime?: string;
  checkImports?: boolean;
  exclude?: string[];
  include?: string[];
  handlerSource?: SettingSource;
  configFile?: string;
}

/** Runs the check as bundle does, on a folder written from `tree`, with package config from `options`. */
export async function checkTree(tree: Tree, options: CheckOptions = {}): Promise<HandlerCheckReport> {
  const dir = scratchDir('lambda-sync-handler-');
  writeTree(dir, tree);
  const handler = options.handler ?? BUILTIN_PACKAGE_DEFAULTS.handler;
  const configFile = options.configFile ?? 'orders/lambda.yml';
  const config: PackageConfig = {
    ...BUILTIN_PACKAGE_DEFAULTS,
    name: undefined,
    handler,
    handlerSource: options.handlerSource ?? (options.handler ? { kind: 'file', file: configFile, field: 'handler' } : { kind: 'default', value: handler }),
    runtime: options.runtime ?? 'nodejs24.x',
    checkImports: options.checkImports ?? true,
    pythonBuildFromSource: false,
    allowScripts: [],
    environment: {},
    role: undefined,
    dependsOn: [],
    build: undefined,
    include: options.include,
    exclude: options.exclude ?? [],
    alias: undefined,
    functions: undefined,
  };
  const settings = settingsOf(config);
  const pkg: Package = {
    path: 'orders',
    configFile,
    config,
    functions: [{ key: undefined, functionName: 'orders-0123456789abcdef', settings, handlerSource: config.handlerSource, configDigest: configDigest(settings) }],
    functionName: 'orders-0123456789abcdef',
    bundleDigest: bundleDigest(config),
    watchedPaths: ['orders'],
    ignoredPaths: [],
    revision: undefined,
    uncommittedFiles: [],
  };
  const filter = createFilter(pkg);
  const files = collectFiles(dir, pkg.path, filter, silentLogger);
  return checkHandler({
    packagePath: pkg.path,
    configFile,
    runtime: config.runtime,
    handler,
    handlerSource: config.handlerSource,
    checkImports: config.checkImports,
    shipped: new ShippedFiles(files),
    staged: new StagedFiles(dir),
    droppedBy: (path) => filter.droppedBy(path),
    pkg,
    files,
    logger: silentLogger,
  });
}
