import { isMap, isScalar, parseDocument, type Document, type YAMLMap } from 'yaml';
import { ConfigError } from '../errors.js';
import { throwIfAny } from './load.js';
import { ROOT_CONFIG_FILE } from './types.js';
import { validateConfig } from './validate.js';

/** One setting of lambda-sync.yml that a tool writes: where, what, and a comment for when it is added. */
export interface RootSetting {
  path: readonly [section: string, key: string];
  value: string;
  comment?: string;
}

export interface SettingsMerge {
  /** The whole new file: the old one with its comments, order and other keys, plus the settings. */
  text: string;
  added: string[];
  replaced: string[];
  /** Settings the file already had, with the value it keeps. */
  kept: Array<{ key: string; value: unknown }>;
}

/**
 * Adds `settings` to an existing lambda-sync.yml, keeping everything else as
 * written, comments included. A setting the file already has keeps its value
 * unless `replace`. The result is checked against the schema, so that what is
 * written loads.
 *
 * Uses `yaml`'s Document API: it edits the parsed document and prints it
 * back with its comments and blank lines, which a parse-to-object library
 * (js-yaml, what loading uses) cannot.
 */
export function mergeRootSettings(text: string, settings: readonly RootSetting[], replace: boolean): SettingsMerge {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new ConfigError(ROOT_CONFIG_FILE, '', `is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, 'fix it, then run init again');
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents)) throw new ConfigError(ROOT_CONFIG_FILE, '', 'must hold a mapping of settings', 'fix it, then run init again');

  const merge: SettingsMerge = { text: '', added: [], replaced: [], kept: [] };
  for (const setting of settings) {
    const key = setting.path.join('.');
    const section = sectionMap(doc, setting.path[0]);
    if (!section.has(setting.path[1])) {
      const pair = doc.createPair(setting.path[1], setting.value);
      if (setting.comment && isScalar(pair.key)) pair.key.commentBefore = setting.comment.split('\n').map((line) => ` ${line}`).join('\n');
      section.add(pair);
      merge.added.push(key);
    } else if (replace && doc.getIn(setting.path) !== setting.value) {
      doc.setIn(setting.path, setting.value);
      merge.replaced.push(key);
    } else {
      merge.kept.push({ key, value: doc.getIn(setting.path) });
    }
  }
  throwIfAny(validateConfig('lambda-sync', doc.toJS(), ROOT_CONFIG_FILE));
  merge.text = doc.toString();
  return merge;
}

/**
 * The mapping of a section, made when the file has none or has the key with
 * nothing under it (null in YAML). A section that is something else (a list,
 * a string) is an error: init would have to drop what the user wrote.
 */
function sectionMap(doc: Document, section: string): YAMLMap {
  const node = doc.get(section, true);
  if (isMap(node)) return node;
  const map = doc.createNode({}) as YAMLMap;
  if (node === undefined) {
    // A new section after the others, set apart by a blank line as a person would write it.
    const pair = doc.createPair(section, map);
    if (isScalar(pair.key) && (doc.contents as YAMLMap).items.length > 0) pair.key.spaceBefore = true;
    (doc.contents as YAMLMap).add(pair);
    return map;
  }
  if (isScalar(node) && node.value === null) {
    const pair = (doc.contents as YAMLMap).items.find((item) => isScalar(item.key) && item.key.value === section);
    if (pair && isScalar(pair.key)) {
      // `taskcluster: # comment` keeps its comment on the key.
      if (node.comment && !pair.key.comment) pair.key.comment = node.comment;
      pair.value = map;
      return map;
    }
  }
  throw new ConfigError(ROOT_CONFIG_FILE, section, `must be a mapping of settings, got ${isScalar(node) ? JSON.stringify(node.value) : 'a list'}`, 'fix it, then run init again');
}
