import { ConfigError } from '../errors.js';
import type { Package } from '../packages/package.js';
import { configField } from './config-field.js';
import type { ZipInput } from './zip/writer.js';

/** OS-only runtimes (provided.al2023, provided.al2): Lambda starts the function by running /var/task/bootstrap. */
export function isCustomRuntime(runtime: string): boolean {
  return runtime.startsWith('provided');
}

const MAKE_IT = 'make it in the build step (e.g. GOOS=linux GOARCH=arm64 go build -o bootstrap, or cargo lambda build --arm64 and a copy of its bootstrap) or commit it';

/**
 * A custom runtime's zip must hold an executable `bootstrap` at its root
 * (Lambda runs it; the handler setting is only passed to it). Missing, or
 * without an execute bit (the zip then gives 0644, and Lambda fails with
 * Runtime.InvalidEntrypoint / permission denied at the first call): a
 * ConfigError naming the package and what was looked for.
 */
export function checkBootstrap(pkg: Package, files: readonly ZipInput[]): void {
  if (!isCustomRuntime(pkg.config.runtime)) return;
  const field = configField(pkg, 'runtime');
  const bootstrap = files.find((f) => f.name === 'bootstrap');
  if (!bootstrap) {
    const nested = files.find((f) => f.name.endsWith('/bootstrap'));
    throw new ConfigError(
      pkg.configFile,
      field,
      `${pkg.config.runtime} needs an executable file named bootstrap at the root of the bundle of ${pkg.path}; it has none${nested ? ` (only ${nested.name}, which Lambda does not look at)` : ''}`,
      `${MAKE_IT}; check include/exclude`,
    );
  }
  if (bootstrap.mode !== 0o755) {
    throw new ConfigError(
      pkg.configFile,
      field,
      `${pkg.config.runtime} needs ${pkg.path}/bootstrap to be executable; it is not (it would ship as mode 0644 and Lambda could not run it)`,
      'commit it executable (git update-index --chmod=+x bootstrap) or chmod +x it in the build step',
    );
  }
}
