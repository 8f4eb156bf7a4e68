// NodePorts: a pod's host ports must be free on the node. Two ports conflict when protocol and
// port are equal and either host IP is 0.0.0.0 (or empty) or both IPs are equal.

import { type Cycle, definePlugin } from '../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE } from '../src/framework/status.js';
import type { HostPort } from '../src/snapshot/pod-info.js';
import { hostPortsKey } from '../src/snapshot/pod-keys.js';

export const NAME = 'NodePorts';

const WILDCARD = '0.0.0.0';

function ipOf(p: HostPort): string {
  return p.ip === '' ? WILDCARD : p.ip;
}

export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  const ia = ipOf(a);
  const ib = ipOf(b);
  return ia === WILDCARD || ib === WILDCARD || ia === ib;
}

interface State {
  wanted: readonly HostPort[];
}

export default definePlugin<undefined>({
  name: NAME,
  description: 'Rejects nodes where a hostPort the pod needs is already taken.',
  create: () => ({
    name: NAME,
    nodeLocalKeyBySpec: true,
    nodeLocalKey: (cycle: Cycle) => hostPortsKey(cycle.pod),
    preFilter(cycle: Cycle) {
      const wanted = cycle.pod.hostPorts;
      return wanted.length === 0 ? { code: SKIP } : { code: SUCCESS, state: { wanted } };
    },
    filter(cycle: Cycle, state: State, node: number): Code {
      const used = cycle.snapshot.usedPorts[node];
      if (used.length === 0) return SUCCESS;
      for (const w of state.wanted) for (const u of used) if (portsConflict(w, u)) return UNSCHEDULABLE;
      return SUCCESS;
    },
    filterBatch(cycle: Cycle, state: State, nodes: Int32Array, count: number, codes: Uint8Array) {
      const usedPorts = cycle.snapshot.usedPorts;
      for (let i = 0; i < count; i++) {
        const used = usedPorts[nodes[i]];
        let code: Code = SUCCESS;
        if (used.length > 0)
          for (const w of state.wanted) for (const u of used) if (portsConflict(w, u)) code = UNSCHEDULABLE;
        codes[i] = code;
      }
    },
    filterReasons: () => ["node(s) didn't have free ports for the requested pod ports"],
  }),
});
