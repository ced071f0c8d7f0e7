import type { HandlerCheckInput, HandlerCheckReport } from '../handler-check.js';
import { handlerError, handlerNotFound } from './errors.js';

/**
 * Python: Lambda's bootstrap splits `pkg/mod.fn` or `pkg.mod.fn` at the
 * last dot and imports the module `pkg.mod`, so pkg/mod.py or
 * pkg/mod/__init__.py must ship, and must define `fn` at its top level.
 * (Imports of the module are not followed here; src/bundle/python/ may
 * replace this entry of HANDLER_CHECKS with one that does.)
 */
export function pythonModuleFiles(handler: string): { files: string[]; functionName: string } {
  const dot = handler.lastIndexOf('.');
  const module = handler.slice(0, dot).replace(/\./g, '/');
  return { files: [`${module}.py`, `${module}/__init__.py`], functionName: handler.slice(dot + 1) };
}

export async function checkPythonHandler(input: HandlerCheckInput): Promise<HandlerCheckReport> {
  const { files, functionName } = pythonModuleFiles(input.handler);
  const file = files.find((f) => input.shipped.isFile(f));
  if (!file) throw handlerNotFound(input, files);
  const where = definitionOf(input.shipped.read(file), functionName);
  if (where === 'top') return { summary: `${file} found, defines ${functionName}`, warnings: [], notChecked: [] };
  if (where === 'nested') {
    return { summary: `${file} found`, warnings: [`handler ${input.handler}: ${file} defines ${functionName} only inside a block (if, try, class), not at its top level; Lambda needs it as a module attribute`], notChecked: [] };
  }
  throw handlerError(input, `needs the function ${functionName} of ${file}, which defines none by that name at its top level (no def, assignment or import of it)`);
}

/**
 * The logical lines of Python source with their indentation: a line
 * continues inside brackets, after a backslash and through triple-quoted
 * strings; comments are dropped. Enough to find top-level names without a
 * Python parser.
 */
export function logicalLines(source: string): { indent: number; text: string }[] {
  const lines: { indent: number; text: string }[] = [];
  let depth = 0;
  let text = '';
  let indent = -1;
  let i = 0;
  const end = (): void => {
    if (text.trim() !== '') lines.push({ indent, text: text.trim() });
    text = '';
    indent = -1;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (indent === -1) {
      let j = i;
      while (source[j] === ' ' || source[j] === '\t') j++;
      if (source[j] === '\n' || source[j] === '#' || j >= source.length) {
        const nl = source.indexOf('\n', j);
        i = nl === -1 ? source.length : nl + 1;
        continue;
      }
      indent = j - i;
      i = j;
      continue;
    }
    if (c === '#') {
      const nl = source.indexOf('\n', i);
      i = nl === -1 ? source.length : nl;
      continue;
    }
    if (c === '"' || c === "'") {
      const quote = source.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < source.length && !source.startsWith(quote, j)) {
        if (source[j] === '\\') j++;
        else if (quote.length === 1 && source[j] === '\n') break;
        j++;
      }
      text += '""';
      i = Math.min(source.length, j + quote.length);
      continue;
    }
    if (c === '\\' && source[i + 1] === '\n') {
      i += 2;
      text += ' ';
      continue;
    }
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    if (c === '\n' && depth === 0) {
      end();
      i++;
      continue;
    }
    text += c === '\n' ? ' ' : c;
    i++;
  }
  end();
  return lines;
}

function defines(text: string, name: string): boolean {
  const words = text.split(/[\s(),:=]+/).filter(Boolean);
  if ((words[0] === 'def' || words[0] === 'class') && words[1] === name) return true;
  if (words[0] === 'async' && words[1] === 'def' && words[2] === name) return true;
  if (words[0] === 'from' && words.includes('import')) {
    const imported = words.slice(words.indexOf('import') + 1);
    return imported.some((w, k) => (w === name && imported[k - 1] !== 'as') || (w === 'as' && imported[k + 1] === name));
  }
  if (words[0] === 'import') return words.includes(name);
  const target = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?=(?!=)/.exec(text);
  return target?.[1] === name;
}

/** Where `name` is bound in the module: at its top level, only inside a block, or nowhere. */
export function definitionOf(source: string, name: string): 'top' | 'nested' | 'none' {
  const lines = logicalLines(source);
  if (lines.some((l) => l.indent === 0 && defines(l.text, name))) return 'top';
  if (lines.some((l) => l.indent > 0 && defines(l.text, name))) return 'nested';
  return 'none';
}
