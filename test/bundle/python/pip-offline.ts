// Imported first by every test that runs pip: pip must never reach an index.
// The machine's own pip settings (PIP_* variables, pip.conf files) are
// dropped, pip.conf files are switched off (PIP_CONFIG_FILE=os.devnull), and
// the tests' wheelhouse is the only place pip looks (PIP_NO_INDEX with
// PIP_FIND_LINKS): the same environment variables a user sets for a mirror.
import { devNull } from 'node:os';
import { scratchDir } from '../scratch.js';
import { fakeElf } from '../../support/elf.js';
import { writeSdist, writeWheels } from './wheels.js';

for (const name of Object.keys(process.env)) if (name.startsWith('PIP_')) delete process.env[name];
export const WHEELHOUSE = scratchDir('lambda-sync-wheelhouse-');

export const PIP_ENV = {
  PIP_CONFIG_FILE: devNull,
  PIP_NO_INDEX: '1',
  PIP_FIND_LINKS: WHEELHOUSE,
  PIP_NO_CACHE_DIR: '1',
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
};
Object.assign(process.env, PIP_ENV);

/** The `.so` of fastcalc's wheel for each tag, so tests can tell which wheel was installed. */
export const FASTCALC_SO = {
  x86_64: fakeElf('x86-64', 'fastcalc 2.0 x86_64'),
  aarch64: fakeElf('AArch64', 'fastcalc 2.0 aarch64'),
  aarch64v1: fakeElf('AArch64', 'fastcalc 1.0 aarch64'),
};

/**
 * The wheelhouse:
 * - greet 1.0, pure Python, with a console script (an entry point pip
 *   writes with a machine shebang) and a .pyc it ships itself;
 * - fastcalc 2.0 with an extension module, for cp312 on manylinux2014
 *   x86_64 and manylinux_2_28 aarch64 (AL2023 has glibc 2.34), a macOS
 *   decoy, and for cp311 only manylinux_2_28 x86_64 (too new for AL2's
 *   glibc 2.26); fastcalc 1.0 for cp312 aarch64 and cp311 x86_64 on
 *   manylinux2014;
 * - mislabeled 1.0, tagged manylinux2014_aarch64 with an x86-64 .so inside;
 * - needsgreet 1.0, pure, requiring greet (an indirect dependency);
 * - srconly 1.0, an sdist and no wheel.
 */
export const WHEELS = writeWheels(WHEELHOUSE, [
  {
    name: 'greet',
    version: '1.0',
    tag: 'py3-none-any',
    files: { 'greet/__init__.py': 'def hello(name):\n    return f"hello, {name}"\n\ndef main():\n    print(hello("cli"))\n', 'greet/shipped.pyc': Buffer.from([0x6f, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]) },
    scripts: { greet: 'greet:main' },
  },
  { name: 'fastcalc', version: '2.0', tag: 'cp312-cp312-manylinux2014_x86_64', files: { 'fastcalc/__init__.py': 'from ._speed import *\n', 'fastcalc/_speed.cpython-312-x86_64-linux-gnu.so': FASTCALC_SO.x86_64 } },
  { name: 'fastcalc', version: '2.0', tag: 'cp312-cp312-manylinux_2_28_aarch64', files: { 'fastcalc/__init__.py': 'from ._speed import *\n', 'fastcalc/_speed.cpython-312-aarch64-linux-gnu.so': FASTCALC_SO.aarch64 } },
  { name: 'fastcalc', version: '2.0', tag: 'cp312-cp312-macosx_11_0_arm64', files: { 'fastcalc/__init__.py': 'raise ImportError("macOS build")\n' } },
  { name: 'fastcalc', version: '2.0', tag: 'cp311-cp311-manylinux_2_28_x86_64', files: { 'fastcalc/__init__.py': 'from ._speed import *\n', 'fastcalc/_speed.cpython-311-x86_64-linux-gnu.so': FASTCALC_SO.x86_64 } },
  { name: 'fastcalc', version: '1.0', tag: 'cp312-cp312-manylinux2014_aarch64', files: { 'fastcalc/__init__.py': 'from ._speed import *\n', 'fastcalc/_speed.cpython-312-aarch64-linux-gnu.so': FASTCALC_SO.aarch64v1 } },
  { name: 'fastcalc', version: '1.0', tag: 'cp311-cp311-manylinux2014_x86_64', files: { 'fastcalc/__init__.py': 'from ._speed import *\n', 'fastcalc/_speed.cpython-311-x86_64-linux-gnu.so': FASTCALC_SO.x86_64 } },
  // A broken upload: tagged for aarch64, but its extension module is x86-64.
  { name: 'mislabeled', version: '1.0', tag: 'cp312-cp312-manylinux2014_aarch64', files: { 'mislabeled/__init__.py': '', 'mislabeled/_core.cpython-312-aarch64-linux-gnu.so': fakeElf('x86-64', 'mislabeled') } },
  { name: 'needsgreet', version: '1.0', tag: 'py3-none-any', files: { 'needsgreet/__init__.py': 'import greet\n' }, requires: ['greet>=1.0'] },
]);
writeSdist(WHEELHOUSE, 'srconly', '1.0');
