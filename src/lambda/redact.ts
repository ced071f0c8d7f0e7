import type { Logger } from '../log.js';

/**
 * Credentials never appear in output, logs or errors. Every secret value this
 * process learns (keys read from a Taskcluster secret, keys STS hands back) is
 * registered here, and everything lambda-sync prints about AWS goes through
 * `redactSecrets` — a second line of defence behind simply never formatting
 * credentials into a message.
 */
const secrets = new Set<string>();

// Shorter values would redact ordinary words; real keys are 16+ characters.
const MIN_SECRET_LENGTH = 8;

export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** A logger whose every line passes through `redactSecrets`. */
export function redactingLogger(logger: Logger): Logger {
  return {
    info: (message) => logger.info(redactSecrets(message)),
    warn: (message) => logger.warn(redactSecrets(message)),
    step: (label, work, describe) => logger.step(redactSecrets(label), work, describe && ((result) => redactSecrets(describe(result)))),
  };
}
