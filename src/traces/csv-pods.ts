// The pods of a CSV trace's rows, built from the rows' shared parts by id (CsvRowParser names them):
// each part is frozen and marked shared once, when it is defined, and every row that repeats it
// refers to the same objects. Only the pod's own objects (event, pod, metadata) are made per row.
import { shareFrozen } from '../api/shared-objects.js';
import type { Labels, OwnerReference, Pod } from '../api/types.js';
import type { MetaPart, PartDef, SpecPart } from './csv.js';
import type { TraceEvent } from './events.js';
import type { TraceItem } from './item.js';

export class CsvPods {
  private specs: SpecPart[] = [];
  private metas: MetaPart[] = [];
  private namespaces: string[] = [];

  /** Keeps a part for the rows after it; id 0 means its table started over (older parts are dropped). */
  define(def: PartDef): void {
    switch (def.table) {
      case 'spec':
        if (def.id === 0) this.specs = [];
        this.specs[def.id] = shareFrozen(def.part);
        break;
      case 'meta':
        this.defineMeta(def.id, def.part.labels, def.part.ownerReferences);
        break;
      case 'namespace':
        if (def.id === 0) this.namespaces = [];
        this.namespaces[def.id] = def.part;
        break;
    }
  }

  /** A meta part (as define). */
  defineMeta(id: number, labels: Labels | undefined, ownerReferences: OwnerReference[] | undefined): void {
    if (id === 0) this.metas = [];
    this.metas[id] = {
      labels: labels ? shareFrozen(labels) : undefined,
      ownerReferences: ownerReferences ? shareFrozen(ownerReferences) : undefined,
    };
  }

  /** A row's pod-create event; `duration` NaN when the row has none. */
  item(
    line: number,
    t: number,
    duration: number,
    specId: number,
    metaId: number,
    namespaceId: number,
    name: string,
  ): TraceItem {
    const meta = this.metas[metaId];
    // Built field by field in the same key order as spreads would give, without their temporaries.
    const metadata: Pod['metadata'] = { name, namespace: this.namespaces[namespaceId] };
    if (meta.labels) metadata.labels = meta.labels;
    if (meta.ownerReferences) metadata.ownerReferences = meta.ownerReferences;
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec: this.specs[specId] };
    const event: TraceEvent = { t, type: 'pod-create', pod };
    if (!Number.isNaN(duration)) event.duration = duration;
    return { line, event };
  }
}
