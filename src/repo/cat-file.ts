import { spawn } from 'node:child_process';
import { OperationError } from '../errors.js';

/** Receives the objects of one `git cat-file --batch`, in the order they were asked for. */
export interface ObjectSink {
  /** Object `index` starts; `found` is undefined when git has no such object (nothing follows for it). */
  begin(index: number, found: { type: string; size: number } | undefined): void;
  /** A chunk of the current object's content. */
  data(part: Buffer): void;
  /** The current object is complete. */
  end(): void;
}

/**
 * Streams git objects through ONE `git cat-file --batch`: raw contents, with
 * no clean/smudge filter or end-of-line conversion, so what is read does not
 * depend on the user's git config. `names` are anything git resolves to an
 * object: an oid, or `<commit>:<path>`. Contents arrive chunk by chunk, so a
 * large blob never has to sit in memory.
 */
export async function catFileBatch(gitRoot: string, names: readonly string[], sink: ObjectSink): Promise<void> {
  if (names.length === 0) return;
  for (const name of names) if (/[\n\r]/.test(name)) throw new OperationError(`cannot read the git object ${JSON.stringify(name)}: its name holds a line break`);
  const child = spawn('git', ['cat-file', '--batch', '--buffer'], { cwd: gitRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  child.stdin.on('error', () => {}); // git exiting early surfaces through its exit code and stderr
  child.stdin.end(names.map((n) => `${n}\n`).join(''));

  const parser = new BatchParser(names.length, sink);
  try {
    for await (const chunk of child.stdout) parser.push(chunk as Buffer);
  } catch (error) {
    child.kill();
    await exited.catch(() => undefined);
    throw error;
  }
  const code = await exited;
  if (code !== 0) throw new OperationError(`git cat-file failed in ${gitRoot}: ${stderr.trim() || `exit ${code}`}`);
  if (parser.done < names.length) throw new OperationError(`git cat-file ended after ${parser.done} of ${names.length} objects`);
}

/** The contents of `names` as text (UTF-8); undefined for a name git has no object for. */
export async function readObjectsText(gitRoot: string, names: readonly string[]): Promise<Array<string | undefined>> {
  const out: Array<string | undefined> = names.map(() => undefined);
  let parts: Buffer[] = [];
  let current = -1;
  await catFileBatch(gitRoot, names, {
    begin(index, found) {
      current = found ? index : -1;
      parts = [];
    },
    data(part) {
      parts.push(Buffer.from(part));
    },
    end() {
      if (current >= 0) out[current] = Buffer.concat(parts).toString('utf8');
    },
  });
  return out;
}

/** Parses `<oid> <type> <size>\n<content>\n` and `<name> missing\n` records. */
class BatchParser {
  done = 0;
  private header = Buffer.alloc(0);
  private remaining = -1; // bytes of content still to come; -1 while reading a header
  private skipNewline = false;

  constructor(
    private readonly count: number,
    private readonly sink: ObjectSink,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skipNewline) {
        at++;
        this.skipNewline = false;
        this.sink.end();
        this.done++;
        continue;
      }
      if (this.remaining < 0) {
        const end = chunk.indexOf(10, at);
        if (end < 0) {
          this.header = Buffer.concat([this.header, chunk.subarray(at)]);
          return;
        }
        this.start(Buffer.concat([this.header, chunk.subarray(at, end)]).toString('utf8'));
        this.header = Buffer.alloc(0);
        at = end + 1;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      this.sink.data(chunk.subarray(at, at + take));
      this.remaining -= take;
      at += take;
      if (this.remaining === 0) {
        this.remaining = -1;
        this.skipNewline = true;
      }
    }
  }

  private start(header: string): void {
    if (this.done >= this.count) throw new OperationError(`git cat-file sent more objects than asked: ${header}`);
    if (/ (missing|ambiguous)$/.test(header)) {
      this.sink.begin(this.done, undefined);
      this.sink.end();
      this.done++;
      return;
    }
    const [, type, size] = header.split(' ');
    if (type === undefined || size === undefined || !/^\d+$/.test(size)) throw new OperationError(`git cat-file: unexpected header ${JSON.stringify(header)}`);
    this.remaining = Number(size);
    this.sink.begin(this.done, { type, size: this.remaining });
    if (this.remaining === 0) {
      this.remaining = -1;
      this.skipNewline = true;
    }
  }
}
