import { Command } from 'commander';
import { toolVersion } from '../version.js';

export async function run(argv: string[]): Promise<number> {
  const program = new Command('lambda-sync')
    .description('Keep a git repository of AWS Lambda function packages in sync with AWS Lambda')
    .version(toolVersion(), '-V, --version');
  await program.parseAsync(argv);
  return 0;
}
