// Python distributions made by the tests, shaped as pip and PyPI have them:
// wheels (zips with a .dist-info holding METADATA, WHEEL with its tags, and a
// RECORD of every file's sha256) and sdists (a .tar.gz with PKG-INFO and a
// pyproject.toml). Nothing comes from an index: tests serve these through
// --find-links (PIP_FIND_LINKS) with PIP_NO_INDEX, see pip-offline.ts.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeZip } from '../../support/zip.js';

/** ELF e_machine values (LAMBDA.md §6): what a .so in a platform wheel is built for (test/support/elf.ts makes them). */
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

function recordHash(data: Buffer): string {
  return `sha256=${createHash('sha256').update(data).digest('base64url')}`;
}

/** sha256 hex of a file's bytes, as `--hash=sha256:` wants it. */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface WheelSpec {
  name: string;
  version: string;
  /** `py3-none-any`, `cp312-cp312-manylinux2014_x86_64`, ... */
  tag: string;
  files: Record<string, string | Buffer>;
  /** Requires-Dist lines. */
  requires?: string[];
  /** console_scripts entry points: name -> `module:function`. */
  scripts?: Record<string, string>;
}

/** A wheel file's name and bytes (PEP 427). */
export function wheel(spec: WheelSpec): { file: string; data: Buffer } {
  const distInfo = `${spec.name}-${spec.version}.dist-info`;
  const files = new Map<string, Buffer>();
  for (const [path, content] of Object.entries(spec.files)) files.set(path, Buffer.from(content));
  const metadata = [`Metadata-Version: 2.1`, `Name: ${spec.name}`, `Version: ${spec.version}`, ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`)];
  files.set(`${distInfo}/METADATA`, Buffer.from(`${metadata.join('\n')}\n`));
  const pure = spec.tag.endsWith('-none-any');
  files.set(`${distInfo}/WHEEL`, Buffer.from(`Wheel-Version: 1.0\nGenerator: lambda-sync-tests\nRoot-Is-Purelib: ${pure}\nTag: ${spec.tag}\n`));
  if (spec.scripts) {
    const lines = Object.entries(spec.scripts).map(([name, target]) => `${name} = ${target}`);
    files.set(`${distInfo}/entry_points.txt`, Buffer.from(`[console_scripts]\n${lines.join('\n')}\n`));
  }
  const record = [...files].map(([path, data]) => `${path},${recordHash(data)},${data.length}`);
  record.push(`${distInfo}/RECORD,,`);
  files.set(`${distInfo}/RECORD`, Buffer.from(`${record.join('\n')}\n`));
  const data = makeZip([...files].map(([name, content]) => ({ name, data: content })));
  return { file: `${spec.name}-${spec.version}-${spec.tag}.whl`, data };
}

/**
 * A PEP 517 backend written into the sdist itself (backend-path), with no
 * build requirements, so pip can build it with no index to fetch
 * setuptools from: its wheel holds `<name>/__init__.py` with BUILT = True.
 */
function inTreeBackend(name: string, version: string): string {
  return `import base64, hashlib, os, zipfile
NAME, VERSION = ${JSON.stringify(name)}, ${JSON.stringify(version)}
def get_requires_for_build_wheel(config_settings=None):
    return []
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    di = f'{NAME}-{VERSION}.dist-info'
    files = {f'{NAME}/__init__.py': b'BUILT = True\\n',
             f'{di}/METADATA': f'Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n'.encode(),
             f'{di}/WHEEL': b'Wheel-Version: 1.0\\nGenerator: test-backend\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}
    digest = lambda d: base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()
    files[f'{di}/RECORD'] = (''.join(f'{p},sha256={digest(d)},{len(d)}\\n' for p, d in files.items()) + f'{di}/RECORD,,\\n').encode()
    wheel = f'{NAME}-{VERSION}-py3-none-any.whl'
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), 'w') as z:
        for p, d in files.items():
            z.writestr(p, d)
    return wheel
`;
}

/** Writes `<name>-<version>.tar.gz`, a source distribution only, into `dir`. */
export function writeSdist(dir: string, name: string, version: string): string {
  const work = mkdtempSync(join(tmpdir(), 'lambda-sync-sdist-'));
  try {
    const root = join(work, `${name}-${version}`);
    mkdirSync(root);
    writeFileSync(join(root, 'PKG-INFO'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
    writeFileSync(
      join(root, 'pyproject.toml'),
      `[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n[project]\nname = "${name}"\nversion = "${version}"\n`,
    );
    writeFileSync(join(root, 'backend.py'), inTreeBackend(name, version));
    const file = `${name}-${version}.tar.gz`;
    execFileSync('tar', ['-czf', join(dir, file), '-C', work, `${name}-${version}`]);
    return file;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Writes wheels into `dir` (a --find-links folder) and returns their bytes by file name. */
export function writeWheels(dir: string, specs: WheelSpec[]): Map<string, Buffer> {
  const written = new Map<string, Buffer>();
  for (const spec of specs) {
    const { file, data } = wheel(spec);
    writeFileSync(join(dir, file), data);
    written.set(file, data);
  }
  return written;
}
