#!/usr/bin/env node
import { run } from './commands/index.js';

process.exitCode = await run(process.argv);
