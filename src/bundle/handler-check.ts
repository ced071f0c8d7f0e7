import type { Logger } from '../log.js';
import type { Package } from '../packages/package.js';
import type { ZipInput } from './zip/writer.js';

// Python handlers are checked (module, function, imports) by python/handler.ts.
const MODULE_EXTENSIONS: Record<string, string[]> = { nodejs: ['.js', '.mjs', '.cjs'] };

/**
 * Warns when the handler's module is not in the bundle: Lambda would accept
 * the zip and fail at the first invocation (Runtime.ImportModuleError). Only
 * a warning, since a runtime may resolve modules in ways we do not model.
 */
export function checkHandler(pkg: Package, files: readonly ZipInput[], logger: Logger): void {
  const family = Object.keys(MODULE_EXTENSIONS).find((prefix) => pkg.config.runtime.startsWith(prefix));
  if (!family) return;
  const names = new Set(files.map((f) => f.name));
  // Each function of the package has its own handler in the one bundle.
  for (const handler of new Set(pkg.functions.map((fn) => fn.settings.handler))) {
    const module = handler.slice(0, handler.lastIndexOf('.'));
    const candidates = MODULE_EXTENSIONS[family]!.map((ext) => `${module}${ext}`);
    if (!candidates.some((c) => names.has(c))) {
      logger.warn(`${pkg.path}: handler ${handler} needs ${candidates.join(' or ')}, which the bundle does not contain`);
    }
  }
}
