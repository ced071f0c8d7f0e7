import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import type { Package } from '../../packages/package.js';
import { configField } from '../config-field.js';
import { readJsonFile } from '../json-file.js';

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

interface InstalledPackage {
  name: string;
  hasInstallScript: boolean;
}

/** Whether npm would run an install script for this package.json (node-gyp's default counts: binding.gyp without install/preinstall). */
function hasInstallScript(dir: string, manifest: { scripts?: Record<string, unknown> }): boolean {
  const scripts = manifest.scripts ?? {};
  if (INSTALL_SCRIPTS.some((s) => typeof scripts[s] === 'string' && scripts[s] !== '')) return true;
  return existsSync(join(dir, 'binding.gyp'));
}

/**
 * The packages installed under `dir`/node_modules, nested ones included,
 * read from their package.json files (the same for every manager's
 * node_modules layout: npm's, pnpm's hoisted one, yarn's).
 */
export function installedPackages(dir: string): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  const visit = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(modules, entry.name), { withFileTypes: true })) {
          if (scoped.isDirectory() || scoped.isSymbolicLink()) add(join(modules, entry.name, scoped.name));
        }
      } else {
        add(join(modules, entry.name));
      }
    }
  };
  const add = (packageDir: string): void => {
    const file = join(packageDir, 'package.json');
    if (!existsSync(file)) return;
    let manifest: { name?: unknown; scripts?: Record<string, unknown> };
    try {
      manifest = readJsonFile(file, file);
    } catch {
      return;
    }
    if (typeof manifest.name === 'string') found.push({ name: manifest.name, hasInstallScript: hasInstallScript(packageDir, manifest) });
    visit(join(packageDir, 'node_modules'));
  };
  visit(join(dir, 'node_modules'));
  return found;
}

/**
 * The allowed names that are installed (the ones to rebuild), and warnings:
 * dependencies whose install scripts were skipped, and allowed names that
 * are not installed at all (a typo, or a dependency since removed).
 */
export function reviewScripts(dir: string, pkg: Package, logger: Logger): string[] {
  const installed = installedPackages(dir);
  const allowed = pkg.config.allowScripts;
  const names = new Set(installed.map((p) => p.name));
  const field = configField(pkg, 'allowScripts');
  const absent = allowed.filter((name) => !names.has(name));
  if (absent.length > 0) logger.warn(`${pkg.path}: ${field} in ${pkg.configFile} names ${absent.join(', ')}, which ${absent.length > 1 ? 'are' : 'is'} not installed`);
  const skipped = [...new Set(installed.filter((p) => p.hasInstallScript && !allowed.includes(p.name)).map((p) => p.name))].sort();
  if (skipped.length > 0) {
    logger.warn(
      `${pkg.path}: install scripts of ${skipped.join(', ')} did not run (dependencies' scripts are off by default); if the function needs what they build or download, add them to ${field} in ${pkg.configFile}`,
    );
  }
  return allowed.filter((name) => names.has(name));
}
