import { readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ZipInput } from '../zip/writer.js';

/**
 * A read-only view of a package's files by package-relative, `/`-separated
 * path (`''` is the package folder), as the function will see them under
 * /var/task. The checks resolve modules against it.
 */
export interface PackageFiles {
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  /** The file's text; only called for paths where isFile is true. */
  read(path: string): string;
  /** True when the file would be executable (0755) in the zip. */
  isExecutable(path: string): boolean;
}

/** The files that ship: exactly the zip's entries. */
export class ShippedFiles implements PackageFiles {
  private readonly files = new Map<string, ZipInput>();
  private readonly folders = new Set<string>(['']);
  private readonly texts = new Map<string, string>();

  constructor(inputs: readonly ZipInput[]) {
    for (const input of inputs) {
      this.files.set(input.name, input);
      for (let dir = posix.dirname(input.name); dir !== '.' && !this.folders.has(dir); dir = posix.dirname(dir)) this.folders.add(dir);
    }
  }

  isFile(path: string): boolean {
    return this.files.has(path);
  }

  isDirectory(path: string): boolean {
    return this.folders.has(path);
  }

  read(path: string): string {
    let text = this.texts.get(path);
    if (text === undefined) {
      text = readFileSync(this.files.get(path)!.source, 'utf8');
      this.texts.set(path, text);
    }
    return text;
  }

  isExecutable(path: string): boolean {
    return this.files.get(path)?.mode === 0o755;
  }
}

/**
 * The staged package folder as npm and the build left it, before
 * include/exclude: used only to tell, for an import that does not resolve
 * in the bundle, that it would have resolved had the globs kept its file.
 */
export class StagedFiles implements PackageFiles {
  constructor(private readonly dir: string) {}

  private stat(path: string) {
    try {
      return statSync(join(this.dir, ...path.split('/').filter(Boolean)));
    } catch {
      return undefined;
    }
  }

  isFile(path: string): boolean {
    return this.stat(path)?.isFile() ?? false;
  }

  isDirectory(path: string): boolean {
    return this.stat(path)?.isDirectory() ?? false;
  }

  read(path: string): string {
    return readFileSync(join(this.dir, ...path.split('/')), 'utf8');
  }

  isExecutable(path: string): boolean {
    return ((this.stat(path)?.mode ?? 0) & 0o111) !== 0;
  }
}
