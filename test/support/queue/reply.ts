// Error bodies as taskcluster-lib-api writes them (middleware/errors.js):
// `{code, message, requestInfo: {method, params, payload, time}}`, the
// message's {{placeholders}} filled from the details and a footer appended.
// taskcluster-client reads `code` and `message` from this body into the
// error it throws, so these shapes are what the decision command sees.
import type { ServerResponse } from 'node:http';

export const ERROR_STATUS: Record<string, number> = {
  MalformedPayload: 400,
  InvalidRequestArguments: 400,
  InputValidationError: 400,
  InputError: 400,
  AuthenticationFailed: 401,
  InsufficientScopes: 403,
  ResourceNotFound: 404,
  RequestConflict: 409,
  ResourceExpired: 410,
  InputTooLarge: 413,
  InternalServerError: 500,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface RequestInfo {
  method: string;
  params: Record<string, string>;
  payload: unknown;
}

export function sendError(
  res: ServerResponse,
  code: string,
  template: string,
  details: Record<string, unknown>,
  info: RequestInfo,
): number {
  const status = ERROR_STATUS[code] ?? 500;
  const time = new Date().toJSON();
  const message =
    template.replace(/{{([a-zA-Z0-9_-]+)}}/g, (text, key: string) => {
      const value = Object.hasOwn(details, key) ? details[key] : text;
      return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    }) +
    ['\n\n---\n', `* method:     ${info.method}`, `* errorCode:  ${code}`, `* statusCode: ${status}`, `* time:       ${time}`].join('\n');
  sendJson(res, status, { code, message, requestInfo: { ...info, time } });
  return status;
}
