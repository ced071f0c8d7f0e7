// The standard library's top-level module names per Python version, for the
// handler's import check, which runs offline and without the runtime's Python.
// Source: sys.stdlib_module_names (Python 3.10+) of CPython 3.11.7, 3.12.1 and
// 3.13.0, printed on a build machine; 3.14 and 3.15 are 3.13 plus the new
// modules their "What's New" lists (3.14: annotationlib, compression (PEP 784);
// 3.15: profiling (PEP 799)), as no build of them was at hand. A newer runtime
// than the table knows gets the newest list.

const PYTHON_3_11: readonly string[] = [
  '__future__', '_abc', '_aix_support', '_ast', '_asyncio', '_bisect', '_blake2', '_bootsubprocess', '_bz2',
  '_codecs', '_codecs_cn', '_codecs_hk', '_codecs_iso2022', '_codecs_jp', '_codecs_kr', '_codecs_tw',
  '_collections', '_collections_abc', '_compat_pickle', '_compression', '_contextvars', '_crypt', '_csv',
  '_ctypes', '_curses', '_curses_panel', '_datetime', '_dbm', '_decimal', '_elementtree',
  '_frozen_importlib', '_frozen_importlib_external', '_functools', '_gdbm', '_hashlib', '_heapq', '_imp',
  '_io', '_json', '_locale', '_lsprof', '_lzma', '_markupbase', '_md5', '_msi', '_multibytecodec',
  '_multiprocessing', '_opcode', '_operator', '_osx_support', '_overlapped', '_pickle', '_posixshmem',
  '_posixsubprocess', '_py_abc', '_pydecimal', '_pyio', '_queue', '_random', '_scproxy', '_sha1', '_sha256',
  '_sha3', '_sha512', '_signal', '_sitebuiltins', '_socket', '_sqlite3', '_sre', '_ssl', '_stat',
  '_statistics', '_string', '_strptime', '_struct', '_symtable', '_thread', '_threading_local', '_tkinter',
  '_tokenize', '_tracemalloc', '_typing', '_uuid', '_warnings', '_weakref', '_weakrefset', '_winapi',
  '_zoneinfo', 'abc', 'aifc', 'antigravity', 'argparse', 'array', 'ast', 'asynchat', 'asyncio', 'asyncore',
  'atexit', 'audioop', 'base64', 'bdb', 'binascii', 'bisect', 'builtins', 'bz2', 'cProfile', 'calendar',
  'cgi', 'cgitb', 'chunk', 'cmath', 'cmd', 'code', 'codecs', 'codeop', 'collections', 'colorsys',
  'compileall', 'concurrent', 'configparser', 'contextlib', 'contextvars', 'copy', 'copyreg', 'crypt',
  'csv', 'ctypes', 'curses', 'dataclasses', 'datetime', 'dbm', 'decimal', 'difflib', 'dis', 'distutils',
  'doctest', 'email', 'encodings', 'ensurepip', 'enum', 'errno', 'faulthandler', 'fcntl', 'filecmp',
  'fileinput', 'fnmatch', 'fractions', 'ftplib', 'functools', 'gc', 'genericpath', 'getopt', 'getpass',
  'gettext', 'glob', 'graphlib', 'grp', 'gzip', 'hashlib', 'heapq', 'hmac', 'html', 'http', 'idlelib',
  'imaplib', 'imghdr', 'imp', 'importlib', 'inspect', 'io', 'ipaddress', 'itertools', 'json', 'keyword',
  'lib2to3', 'linecache', 'locale', 'logging', 'lzma', 'mailbox', 'mailcap', 'marshal', 'math', 'mimetypes',
  'mmap', 'modulefinder', 'msilib', 'msvcrt', 'multiprocessing', 'netrc', 'nis', 'nntplib', 'nt', 'ntpath',
  'nturl2path', 'numbers', 'opcode', 'operator', 'optparse', 'os', 'ossaudiodev', 'pathlib', 'pdb',
  'pickle', 'pickletools', 'pipes', 'pkgutil', 'platform', 'plistlib', 'poplib', 'posix', 'posixpath',
  'pprint', 'profile', 'pstats', 'pty', 'pwd', 'py_compile', 'pyclbr', 'pydoc', 'pydoc_data', 'pyexpat',
  'queue', 'quopri', 'random', 're', 'readline', 'reprlib', 'resource', 'rlcompleter', 'runpy', 'sched',
  'secrets', 'select', 'selectors', 'shelve', 'shlex', 'shutil', 'signal', 'site', 'smtpd', 'smtplib',
  'sndhdr', 'socket', 'socketserver', 'spwd', 'sqlite3', 'sre_compile', 'sre_constants', 'sre_parse', 'ssl',
  'stat', 'statistics', 'string', 'stringprep', 'struct', 'subprocess', 'sunau', 'symtable', 'sys',
  'sysconfig', 'syslog', 'tabnanny', 'tarfile', 'telnetlib', 'tempfile', 'termios', 'textwrap', 'this',
  'threading', 'time', 'timeit', 'tkinter', 'token', 'tokenize', 'tomllib', 'trace', 'traceback',
  'tracemalloc', 'tty', 'turtle', 'turtledemo', 'types', 'typing', 'unicodedata', 'unittest', 'urllib',
  'uu', 'uuid', 'venv', 'warnings', 'wave', 'weakref', 'webbrowser', 'winreg', 'winsound', 'wsgiref',
  'xdrlib', 'xml', 'xmlrpc', 'zipapp', 'zipfile', 'zipimport', 'zlib', 'zoneinfo',
];

interface Change { added: readonly string[]; removed: readonly string[] }

/** What each version changed from the one before it. */
const CHANGES: readonly [string, Change][] = [
  ['3.12', { added: ['_pydatetime', '_pylong', '_sha2'], removed: ['_bootsubprocess', '_sha256', '_sha512', 'asynchat', 'asyncore', 'distutils', 'imp', 'smtpd'] }],
  [
  '3.13',
    {
      added: ['_android_support', '_colorize', '_interpchannels', '_interpqueues', '_interpreters', '_ios_support', '_opcode_metadata', '_pyrepl', '_suggestions', '_sysconfig', '_wmi'],
      // PEP 594's dead batteries, lib2to3, and the Windows-only msilib
      removed: ['_crypt', '_msi', 'aifc', 'audioop', 'cgi', 'cgitb', 'chunk', 'crypt', 'imghdr', 'lib2to3', 'mailcap', 'msilib', 'nis', 'nntplib', 'ossaudiodev', 'pipes', 'sndhdr', 'spwd', 'sunau', 'telnetlib', 'uu', 'xdrlib'],
    },
  ],
  ['3.14', { added: ['annotationlib', 'compression'], removed: [] }],
  ['3.15', { added: ['profiling'], removed: [] }],
];

const byVersion = new Map<string, ReadonlySet<string>>();
{
  let current = new Set(PYTHON_3_11);
  byVersion.set('3.11', current);
  for (const [version, change] of CHANGES) {
    current = new Set([...current, ...change.added].filter((name) => !change.removed.includes(name)));
    byVersion.set(version, current);
  }
}

/** The standard library's top-level modules of Python `version` (`3.12`). */
export function stdlibModules(version: string): ReadonlySet<string> {
  const known = byVersion.get(version);
  if (known) return known;
  return byVersion.get(CHANGES.at(-1)![0])!;
}

/** The version that removed `name` from the standard library, when one before `version` did. */
export function removedFromStdlib(name: string, version: string): string | undefined {
  const minor = Number(version.split('.')[1]);
  return CHANGES.find(([v, change]) => Number(v.split('.')[1]) <= minor && change.removed.includes(name))?.[0];
}
