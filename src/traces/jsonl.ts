// The native trace format: JSON Lines, one event per line, sorted by `t` (docs/traces.md).
import type { Problem } from '../api/problem.js';
import { parseQuantity, QuantityError } from '../api/quantity.js';
import type { Node } from '../api/types.js';
import { Checker, describe, isObj, type Obj } from '../load/check.js';
import { checkHorizontalPodAutoscaler } from '../load/hpa.js';
import {
  EVENT_TYPES,
  SCALABLE_KINDS,
  type ScalableKind,
  type TraceEvent,
  WORKLOAD_KINDS,
  type Workload,
  type WorkloadKind,
} from './events.js';
import { TimeOrder, type TraceItem, type TraceReader } from './item.js';
import { LineReader } from './lines.js';
import { checkNode, checkPod, checkWorkload } from './validate.js';

export class JsonlTraceReader implements TraceReader {
  private readonly lines: LineReader;
  private readonly order = new TimeOrder();

  constructor(private readonly file: string) {
    this.lines = new LineReader(file);
  }

  get bytesRead(): number {
    return this.lines.bytesRead;
  }

  get size(): number {
    return this.lines.size;
  }

  close(): void {
    this.lines.close();
  }

  next(): TraceItem | null {
    for (;;) {
      const text = this.lines.read();
      if (text === null) return null;
      if (text.trim() === '') continue;
      const line = this.lines.line;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        return {
          line,
          problems: [{ code: 'json', file: this.file, line, message: `not valid JSON: ${(err as Error).message}` }],
        };
      }
      const c = new Checker(this.file);
      const event = parseEvent(c, value);
      if (event && c.errors.length === 0) {
        const late = this.order.check(event.t, this.file, line, 't');
        if (late) return { line, problems: [late] };
        return { line, event };
      }
      return { line, problems: c.errors.map((p): Problem => ({ ...p, line })) };
    }
  }
}

function refFields(c: Checker, v: Obj): { namespace: string; name: string } | undefined {
  const okName = c.name(v.name, 'name');
  const okNs = c.string(v.namespace, 'namespace');
  if (!okName || (v.namespace !== undefined && !okNs)) return undefined;
  return { namespace: (v.namespace as string | undefined) || 'default', name: v.name as string };
}

function duration(c: Checker, v: Obj): number | undefined {
  if (v.duration === undefined || v.duration === null) return undefined;
  if (typeof v.duration !== 'number' || !Number.isFinite(v.duration) || v.duration < 0) {
    c.error('type', 'duration', `expected a number of seconds (0 or more), got ${describe(v.duration)}`);
    return undefined;
  }
  return v.duration;
}

/** One line's event, checked; undefined (with problems in `c`) when it is not one. */
export function parseEvent(c: Checker, v: unknown): TraceEvent | undefined {
  if (!isObj(v)) {
    c.error(
      'type',
      '',
      `expected an event object such as {"t": 0, "type": "pod-create", "pod": {...}}, got ${describe(v)}`,
    );
    return undefined;
  }
  const t = v.t;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    c.error(
      t === undefined ? 'required' : 'type',
      't',
      `expected the event time in seconds (a number, 0 or more), got ${describe(t)}`,
    );
  }
  if (!c.oneOf(v.type, 'type', EVENT_TYPES, true)) return undefined;
  const time = t as number;
  switch (v.type) {
    case 'pod-create': {
      const d = duration(c, v);
      if (!checkPod(c, v.pod, 'pod')) return undefined;
      return { t: time, type: v.type, pod: v.pod, ...(d !== undefined ? { duration: d } : {}) };
    }
    case 'pod-delete':
    case 'pod-ungate': {
      const ref = refFields(c, v);
      return ref && { t: time, type: v.type, ...ref };
    }
    case 'node-add':
      if (!checkNode(c, v.node, 'node')) return undefined;
      return { t: time, type: v.type, node: v.node as unknown as Node };
    case 'node-remove':
    case 'node-fail':
    case 'node-cordon':
    case 'node-uncordon':
      if (!c.name(v.name, 'name')) return undefined;
      return { t: time, type: v.type, name: v.name };
    case 'workload-create':
    case 'workload-update': {
      const d = duration(c, v);
      if (!c.object(v.object, 'object', true)) return undefined;
      const kind = v.object.kind;
      if (!c.oneOf(kind, 'object.kind', WORKLOAD_KINDS, true)) return undefined;
      if (kind === 'HorizontalPodAutoscaler') {
        const before = c.errors.length;
        checkHorizontalPodAutoscaler(c, v.object, 'object');
        if (c.errors.length > before) return undefined;
      } else if (!checkWorkload(c, v.object, kind, 'object')) return undefined;
      if (kind === 'Job' && d === undefined && v.type === 'workload-create') {
        c.error('required', 'duration', 'is required for a Job: how many seconds each of its pods runs');
        return undefined;
      }
      return {
        t: time,
        type: v.type,
        object: v.object as unknown as Workload,
        ...(d !== undefined ? { duration: d } : {}),
      };
    }
    case 'workload-scale': {
      const okKind = c.oneOf(v.kind, 'kind', SCALABLE_KINDS, true);
      const okReplicas = c.integer(v.replicas, 'replicas', 0, Number.MAX_SAFE_INTEGER, true);
      const ref = refFields(c, v);
      if (!okKind || !okReplicas || !ref) return undefined;
      return {
        t: time,
        type: v.type,
        kind: v.kind as ScalableKind,
        replicas: v.replicas as number,
        ...ref,
      };
    }
    case 'workload-delete': {
      const okKind = c.oneOf(v.kind, 'kind', WORKLOAD_KINDS, true);
      const ref = refFields(c, v);
      if (!okKind || !ref) return undefined;
      return { t: time, type: v.type, kind: v.kind as WorkloadKind, ...ref };
    }
    case 'metric':
      return parseMetric(c, v, time);
  }
}

const METRIC_FIELDS = ['utilization', 'value', 'total'] as const;
type MetricField = (typeof METRIC_FIELDS)[number];

/** A number 0 or more, or (value, total) a quantity such as "75m"; undefined with a problem otherwise. */
function metricAmount(c: Checker, v: unknown, field: MetricField): number | undefined {
  const what = field === 'utilization' ? 'a percent of requests' : field === 'value' ? 'a value per pod' : 'a total';
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v >= 0) return v;
    c.error('range', field, `expected ${what} (a number, 0 or more), got ${v}`);
    return undefined;
  }
  if (typeof v === 'string' && field !== 'utilization') {
    try {
      const q = parseQuantity(v);
      if (q.sign() >= 0) return q.milliValueNumber() / 1000;
      c.error('range', field, `expected ${what} (0 or more), got ${JSON.stringify(v)}`);
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      c.error('type', field, `${JSON.stringify(v)} is not a quantity`);
    }
    return undefined;
  }
  const example = field === 'utilization' ? '' : ' or a quantity such as "75m"';
  c.error('type', field, `expected ${what} (a number${example}), got ${describe(v)}`);
  return undefined;
}

/** A metric sample: exactly one of `utilization` (percent), `value` (per pod) or `total` (over the pods). */
function parseMetric(c: Checker, v: Obj, t: number): TraceEvent | undefined {
  const okKind = c.oneOf(v.kind, 'kind', SCALABLE_KINDS, true);
  const okMetric = c.name(v.metric, 'metric');
  const ref = refFields(c, v);
  const given = METRIC_FIELDS.filter((f) => v[f] !== undefined && v[f] !== null);
  if (given.length !== 1) {
    if (given.length === 0)
      c.error(
        'required',
        'utilization',
        'expected a utilization (percent of requests, e.g. 150), a value per pod (e.g. 0.075 or "75m") or a total over the pods (e.g. 12)',
      );
    else c.error('metric', given[1], `cannot be given together with ${given[0]}: a sample is one of them`);
    return undefined;
  }
  const field = given[0];
  const amount = metricAmount(c, v[field], field);
  if (!okKind || !okMetric || !ref || amount === undefined) return undefined;
  return { t, type: 'metric', kind: v.kind as ScalableKind, metric: v.metric as string, ...ref, [field]: amount };
}
