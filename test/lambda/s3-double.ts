// The smallest S3 that @aws-sdk/client-s3's PutObject can talk to (path-style
// PUT /<bucket>/<key>), handing each object to the Lambda double so that
// CreateFunction/UpdateFunctionCode can reference it by S3Bucket/S3Key.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Double {
  url: string;
  puts: Array<{ bucket: string; key: string; bytes: Buffer; service: string | undefined }>;
  close(): Promise<void>;
}

/** Decodes `Content-Encoding: aws-chunked` (`<hex size>[;chunk-signature=...]\r\n<data>\r\n`... `0\r\n<trailers>`). */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    const size = parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!size) return Buffer.concat(parts);
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function startS3Double(onPut: (bucket: string, key: string, bytes: Buffer) => void): Promise<S3Double> {
  const puts: S3Double['puts'] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readAll(req);
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const [, bucket, ...key] = path.split('/');
      if (req.method !== 'PUT' || !bucket || key.length === 0) {
        res.writeHead(405).end();
        return;
      }
      const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked') || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
      const bytes = chunked ? decodeAwsChunked(raw) : raw;
      const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
      puts.push({ bucket, key: key.join('/'), bytes, service });
      onPut(bucket, key.join('/'), bytes);
      res.writeHead(200, { ETag: '"etag"', 'x-amz-version-id': 'v1' }).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    puts,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
