import type { Command } from 'commander';
import type { Logger } from '../log.js';

// Placeholder until its issue lands; replaced by the real command.
export function registerDecision(_program: Command, _logger: Logger): void {}
