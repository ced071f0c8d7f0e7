import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * What `pip install --target` leaves that depends on the machine, and how it
 * is made machine-independent (so the same requirements give the same zip
 * everywhere):
 *
 * - Entry-point scripts (`bin/*`) start with `#!<the python that ran pip>`,
 *   or, for long paths, a `#!/bin/sh` + `'''exec' <path>` trampoline. Both
 *   become `#!/usr/bin/env python3`, which finds Lambda's python3 on PATH.
 * - `direct_url.json` (PEP 610) records `file:///<absolute path>` for a
 *   requirement given as a local file or folder. It is only installer
 *   bookkeeping; such files are removed. Remote URLs (VCS, https) stay.
 * - RECORD lists scripts as `../../bin/x` (relative to pip's temporary
 *   lib/python folder), which is wrong once moved to the target: they
 *   become `bin/x`; rewritten files get their new hash and size, removed
 *   ones leave RECORD.
 *
 * pip sorts RECORD itself, and `--no-compile` keeps `.pyc` files out, so
 * nothing else differs between machines (dates and modes are the zip's).
 */
export function normaliseInstall(targetDir: string): { scripts: number; directUrls: number } {
  let scripts = 0;
  let directUrls = 0;
  for (const entry of readdirSync(targetDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.endsWith('.dist-info')) continue;
    const recordFile = join(targetDir, entry.name, 'RECORD');
    if (!existsSync(recordFile)) continue;
    const text = readFileSync(recordFile, 'utf8');
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    const rows: string[][] = [];
    for (const line of text.split(/\r?\n/)) {
      if (line === '') continue;
      const row = parseCsvLine(line);
      let path = row[0]!;
      if (path.startsWith('../')) path = posix.normalize(posix.join('lib/python', path));
      row[0] = path;
      const file = join(targetDir, ...path.split('/'));
      if (path === `${entry.name}/direct_url.json` && isLocalDirectUrl(file)) {
        rmSync(file);
        directUrls++;
        continue;
      }
      if (path.startsWith('bin/') && existsSync(file)) {
        const fixed = portableShebang(readFileSync(file));
        if (fixed) {
          writeFileSync(file, fixed);
          row[1] = recordHash(fixed);
          row[2] = String(fixed.length);
          scripts++;
        }
      }
      rows.push(row);
    }
    writeFileSync(recordFile, rows.map((row) => row.map(csvField).join(',')).join(newline) + newline);
  }
  return { scripts, directUrls };
}

function isLocalDirectUrl(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    const url = (JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown }).url;
    return typeof url === 'string' && url.startsWith('file:');
  } catch {
    return false;
  }
}

const PORTABLE = '#!/usr/bin/env python3\n';

/** The script with a machine-independent interpreter line, or undefined when it has none to replace. */
export function portableShebang(content: Buffer): Buffer | undefined {
  const text = content.toString('latin1');
  let rest: string | undefined;
  if (text.startsWith("#!/bin/sh\n'''exec' ")) {
    const end = text.indexOf("\n' '''\n");
    if (end >= 0) rest = text.slice(end + "\n' '''\n".length);
  } else {
    const match = /^#!\s*\/\S*python[0-9.]*(?:[ \t][^\n]*)?\r?\n/.exec(text);
    if (match && `${match[0]}` !== PORTABLE) rest = text.slice(match[0].length);
  }
  return rest === undefined ? undefined : Buffer.concat([Buffer.from(PORTABLE), content.subarray(content.length - Buffer.byteLength(rest, 'latin1'))]);
}

function recordHash(content: Buffer): string {
  return `sha256=${createHash('sha256').update(content).digest('base64url')}`;
}

/** One line of RECORD, which Python's csv module writes: fields quoted when they hold `,` or `"`. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  while (at <= line.length) {
    if (line[at] === '"') {
      let value = '';
      at++;
      while (at < line.length) {
        if (line[at] === '"' && line[at + 1] === '"') {
          value += '"';
          at += 2;
        } else if (line[at] === '"') {
          at++;
          break;
        } else value += line[at++];
      }
      fields.push(value);
      at++; // the comma
    } else {
      const comma = line.indexOf(',', at);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(at, end));
      at = end + 1;
    }
  }
  return fields;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
