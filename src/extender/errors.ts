// What the extender answers when a request cannot be served: an HTTP status, a stable code for
// logs, metrics and tests, and a message meant for the person reading kube-scheduler's log.

export type RequestErrorCode =
  | 'BAD_JSON'
  | 'BAD_REQUEST'
  | 'INVALID_POD'
  | 'BODY_TOO_LARGE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNAUTHORIZED'
  | 'NOT_READY'
  | 'DEADLINE_EXCEEDED'
  | 'WORKER_FAILED'
  | 'INTERNAL';

const STATUS: Record<RequestErrorCode, number> = {
  BAD_JSON: 400,
  BAD_REQUEST: 400,
  INVALID_POD: 422,
  BODY_TOO_LARGE: 413,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNAUTHORIZED: 401,
  NOT_READY: 503,
  DEADLINE_EXCEEDED: 503,
  WORKER_FAILED: 503,
  INTERNAL: 500,
};

/** A request berth refuses or cannot finish; never escapes the server as a crash. */
export class RequestError extends Error {
  readonly code: RequestErrorCode;
  readonly status: number;

  constructor(code: RequestErrorCode, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.status = STATUS[code];
  }
}

/** Thrown from a checkpoint when a request has used up its time. */
export class Deadline {
  readonly at: number;

  constructor(ms: number, now = Date.now()) {
    this.at = now + ms;
  }

  expired(): boolean {
    return Date.now() > this.at;
  }

  /** Call between units of work; throws DEADLINE_EXCEEDED once the time is up. */
  check(what: string): void {
    if (Date.now() > this.at) throw new RequestError('DEADLINE_EXCEEDED', `deadline exceeded while ${what}`);
  }
}
