import type { HandlerCheckInput, HandlerCheckReport } from '../handler-check.js';
import { handlerNotFound } from './errors.js';

/** Ruby: `dir/file.method` (or `file.Module::Class.method`) loads dir/file.rb. */
export async function checkRubyHandler(input: HandlerCheckInput): Promise<HandlerCheckReport> {
  const slash = input.handler.lastIndexOf('/');
  const file = `${input.handler.slice(0, input.handler.indexOf('.', slash + 1))}.rb`;
  if (!input.shipped.isFile(file)) throw handlerNotFound(input, [file]);
  return { summary: `${file} found`, warnings: [], notChecked: [] };
}
