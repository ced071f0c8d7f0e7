import { ConfigError } from '../../errors.js';
import type { HandlerCheckInput, HandlerCheckReport } from '../handler-check.js';

/**
 * OS-only runtimes (provided.al2023, provided.al2) run the executable
 * `bootstrap` at the root of the zip (Go, Rust, custom runtimes) and ignore
 * the handler (LAMBDA.md §1.2).
 */
export async function checkProvidedBootstrap(input: HandlerCheckInput): Promise<HandlerCheckReport> {
  const field = input.configFile.endsWith('package.json') ? 'lambda.runtime' : 'runtime';
  if (!input.shipped.isFile('bootstrap')) {
    const by = input.staged.isFile('bootstrap') ? input.droppedBy('bootstrap') : undefined;
    throw new ConfigError(
      input.configFile,
      field,
      `${input.runtime} runs the executable bootstrap at the root of the bundle, and the bundle of ${input.packagePath} has none`,
      by ? `bootstrap is there, but ${by} keeps it out of the bundle: change that glob` : 'build the binary as bootstrap at the package root (e.g. GOOS=linux go build -o bootstrap, or cargo lambda build) in the build command, or commit it',
    );
  }
  if (!input.shipped.isExecutable('bootstrap')) {
    throw new ConfigError(
      input.configFile,
      field,
      `bootstrap in the bundle of ${input.packagePath} is not executable, so ${input.runtime} cannot start it`,
      'make it executable in git (git update-index --chmod=+x bootstrap) or in the build command (chmod +x bootstrap)',
    );
  }
  return { summary: 'bootstrap found, executable', warnings: [], notChecked: [] };
}
