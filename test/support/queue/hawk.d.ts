// hawk@9 ships no types; this covers the server side the queue double uses.
declare module 'hawk' {
  import type { IncomingMessage } from 'node:http';

  /** What the credentials function returns; extra fields come back as-is. */
  export interface HawkCredentials {
    key: string;
    algorithm: 'sha256' | 'sha1';
  }

  export interface HawkArtifacts {
    method: string;
    host: string;
    port: number;
    resource: string;
    ts: string;
    nonce: string;
    hash?: string;
    ext?: string;
    mac: string;
    id: string;
  }

  /** Hawk throws Boom errors: `output.payload.error` is e.g. "Unauthorized". */
  export interface BoomError extends Error {
    isBoom: true;
    isServer: boolean;
    output: { statusCode: number; payload: { error: string; message?: string } };
  }

  const hawk: {
    server: {
      authenticate<C extends HawkCredentials>(
        req: IncomingMessage,
        credentialsFunc: (id: string) => Promise<C | null>,
        options?: { timestampSkewSec?: number; localtimeOffsetMsec?: number },
      ): Promise<{ credentials: C; artifacts: HawkArtifacts }>;
    };
    utils: {
      parseAuthorizationHeader(header: string): Record<string, string | undefined>;
    };
  };
  export default hawk;
}
