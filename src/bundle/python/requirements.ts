import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { ConfigError } from '../../errors.js';
import type { Logger } from '../../log.js';

/**
 * Where a Python package's dependencies are declared. requirements.txt wins
 * over pyproject.toml's `[project].dependencies` when both declare some: it
 * is the file that pins (exact versions, `--hash=`, index options), what
 * pip-compile, uv and poetry export write; pyproject's ranges are then only
 * a description of it.
 */
export type DependencySource =
  | { kind: 'requirements.txt'; file: string; display: string; hashes: boolean; requirements: Requirement[] }
  | { kind: 'pyproject.toml'; file: string; display: string; requirements: Requirement[] };

export interface Requirement {
  /** PEP 503 normalised name (`Foo_Bar` -> `foo-bar`). */
  name: string;
  /** The requirement as written. */
  text: string;
  /** 1-based line in requirements.txt (the first of a continued line); 0 for pyproject. */
  line: number;
}

/** PEP 503 normalisation, which pip applies when it compares names. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

/**
 * The requirement lines of a requirements file: comments and blank lines
 * dropped, `\` continuations joined. Option lines (`-r`, `--index-url`, ...)
 * are left to pip; a line pip reads as a path or URL has no name here.
 */
export function parseRequirements(text: string): { requirements: Requirement[]; hashes: boolean; options: boolean } {
  const requirements: Requirement[] = [];
  let hashes = false;
  let options = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!}`;
    const content = line.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') continue;
    if (/--hash[=\s]/.test(content)) hashes = true;
    if (content.startsWith('-')) {
      options = true;
      continue;
    }
    const name = NAME.exec(content)?.[1];
    requirements.push({ name: name ? normaliseName(name) : '', text: content.split(/\s+--/)[0]!.trim(), line: first });
  }
  return { requirements, hashes, options };
}

function readPyprojectDependencies(file: string, display: string, logger: Logger): Requirement[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(display, '', `is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const project = doc.project as Record<string, unknown> | undefined;
  if (!project || typeof project !== 'object') return [];
  if (Array.isArray(project.dynamic) && project.dynamic.includes('dependencies')) {
    logger.warn(`${display}: [project].dependencies is dynamic (computed by the build backend), so it is not read; list the dependencies in requirements.txt`);
  }
  const dependencies = project.dependencies;
  if (dependencies === undefined) return [];
  if (!Array.isArray(dependencies) || dependencies.some((d) => typeof d !== 'string')) {
    throw new ConfigError(display, 'project.dependencies', 'must be an array of strings (PEP 621)');
  }
  return (dependencies as string[]).map((text) => ({ name: normaliseName(NAME.exec(text)?.[1] ?? ''), text: text.trim(), line: 0 }));
}

/**
 * Finds the package's dependencies: requirements.txt when it names any (or
 * holds options such as `-r`), else pyproject.toml's `[project].dependencies`.
 * When both declare some, says which wins, and warns about names only
 * pyproject lists, since those are not installed.
 */
export function findDependencySource(packageDir: string, packagePath: string, logger: Logger): DependencySource | undefined {
  const requirementsFile = join(packageDir, 'requirements.txt');
  const pyprojectFile = join(packageDir, 'pyproject.toml');
  const requirementsDisplay = `${packagePath}/requirements.txt`;
  const pyprojectDisplay = `${packagePath}/pyproject.toml`;
  const fromPyproject = existsSync(pyprojectFile) ? readPyprojectDependencies(pyprojectFile, pyprojectDisplay, logger) : [];
  if (existsSync(requirementsFile)) {
    const parsed = parseRequirements(readFileSync(requirementsFile, 'utf8'));
    if (parsed.requirements.length > 0 || parsed.options) {
      if (fromPyproject.length > 0) {
        const named = new Set(parsed.requirements.map((r) => r.name));
        const missing = fromPyproject.filter((r) => r.name !== '' && !named.has(r.name)).map((r) => r.text);
        logger.info(`${packagePath}: dependencies from requirements.txt; it wins over pyproject.toml's [project].dependencies`);
        if (missing.length > 0 && !parsed.options) {
          logger.warn(`${pyprojectDisplay}: [project].dependencies lists ${missing.join(', ')}, which requirements.txt does not; they are not installed (requirements.txt wins): add them there`);
        }
      }
      return { kind: 'requirements.txt', file: requirementsFile, display: requirementsDisplay, hashes: parsed.hashes, requirements: parsed.requirements };
    }
  }
  if (fromPyproject.length > 0) return { kind: 'pyproject.toml', file: pyprojectFile, display: pyprojectDisplay, requirements: fromPyproject };
  return undefined;
}
