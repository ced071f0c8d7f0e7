// Lambda's error wire shape: status code, `x-amzn-ErrorType` header and a
// JSON body with `Type` and `message` (or `Message`: the model uses the
// capitalised member for some errors and the SDK reads both).

export class LambdaError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly opts: {
      fault?: 'User' | 'Service' | null;
      messageKey?: 'message' | 'Message';
      body?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    const fault = this.opts.fault === undefined ? 'User' : this.opts.fault;
    return {
      ...(fault ? { Type: fault } : {}),
      [this.opts.messageKey ?? 'message']: this.message,
      ...this.opts.body,
    };
  }

  get headerType(): string {
    // Coral-generated validation errors carry a URL after the name, as real
    // Lambda sends; the SDK keeps only the part before ':'.
    return this.type === 'ValidationException'
      ? 'ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/'
      : this.type;
  }
}

export function validationError(problems: string[]): LambdaError {
  const n = problems.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  // Real ValidationException bodies have no `Type`.
  return new LambdaError(400, 'ValidationException', head + problems.join('; '), { fault: null });
}

export const invalidParameter = (message: string) =>
  new LambdaError(400, 'InvalidParameterValueException', message);

export const notFound = (message: string) =>
  new LambdaError(404, 'ResourceNotFoundException', message, { messageKey: 'Message' });

export const conflict = (message: string) => new LambdaError(409, 'ResourceConflictException', message);

export const preconditionFailed = (what: 'GetFunction' | 'GetAlias' = 'GetFunction') =>
  new LambdaError(
    412,
    'PreconditionFailedException',
    `The Revision Id provided does not match the latest Revision Id. Call the ${what} API to retrieve the latest Revision Id`,
  );

export const requestTooLarge = (operation: string, limit: number) =>
  new LambdaError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`);

export const throttled = (retryAfterSeconds: number) =>
  new LambdaError(429, 'TooManyRequestsException', 'Rate exceeded', {
    body: { Reason: 'CallerRateLimitExceeded' },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

export const serviceError = (message = 'An internal error occurred (injected by the test server).') =>
  new LambdaError(500, 'ServiceException', message, { fault: 'Service', messageKey: 'Message' });

export const accessDenied = (message: string) =>
  new LambdaError(403, 'AccessDeniedException', message, { messageKey: 'Message' });

/** Coral's per-member constraint messages, collected then thrown as one ValidationException. */
export class Problems {
  readonly list: string[] = [];

  private add(field: string, value: unknown, constraint: string): void {
    const shown = value === null || value === undefined ? 'Value null' : `Value '${String(value)}'`;
    this.list.push(`${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
  }

  /** For sensitive members (environment variables) Lambda leaves the value out of the message. */
  addHidden(field: string, constraint: string): void {
    this.list.push(`Value at '${field}' failed to satisfy constraint: ${constraint}`);
  }

  required(field: string, value: unknown): boolean {
    if (value !== undefined && value !== null) return true;
    this.add(field, null, 'Member must not be null');
    return false;
  }

  length(field: string, value: string | unknown[] | undefined, min: number, max: number): void {
    if (value === undefined) return;
    const shown = Array.isArray(value) ? `[${value.join(', ')}]` : value;
    if (value.length < min) this.add(field, shown, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) this.add(field, shown, `Member must have length less than or equal to ${max}`);
  }

  pattern(field: string, value: string | undefined, re: RegExp): void {
    if (value === undefined) return;
    if (!new RegExp(`^(?:${re.source})$`, re.flags).test(value)) {
      this.add(field, value, `Member must satisfy regular expression pattern: ${re.source}`);
    }
  }

  range(field: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(field, value, `Member must have value greater than or equal to ${min}`);
    if (value > max) this.add(field, value, `Member must have value less than or equal to ${max}`);
  }

  oneOf(field: string, value: string | undefined, values: readonly string[]): void {
    if (value === undefined || values.includes(value)) return;
    this.add(field, value, `Member must satisfy enum value set: [${values.join(', ')}]`);
  }

  throwIfAny(): void {
    if (this.list.length) throw validationError(this.list);
  }
}
