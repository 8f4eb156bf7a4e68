// Errors a user can cause are values: a Problem names where (file, line, field path) and what was
// expected. The loader collects every problem of a file before giving up, so one run shows them all.

export interface Problem {
  /** Stable code for tools and tests, e.g. `quantity`, `required`, `type`, `yaml`. */
  code: string;
  /** Where the input came from: a file path, or a label such as `request body`. */
  file?: string;
  /** 1-based line in `file`, when known. */
  line?: number;
  /** Field path inside the object, e.g. `spec.containers[0].resources.requests.cpu`. */
  path?: string;
  message: string;
}

/** `cluster.yaml:14 spec.containers[0].resources.requests.cpu: "1.5.0" is not a quantity` */
export function formatProblem(p: Problem): string {
  const where = p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : '';
  const field = p.path ? (where ? ` ${p.path}` : p.path) : '';
  const head = where + field;
  return head ? `${head}: ${p.message}` : p.message;
}

/** Thrown at the border (loading, config, requests) and caught by the CLI or server, never past it. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}
