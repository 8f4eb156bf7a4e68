// NodePorts: the pod's host ports must be free on the node: same protocol and port conflict when
// either host IP is 0.0.0.0 (or empty) or both are equal.
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE } from '../../../src/framework/status.js';
import type { BaselinePlugin, Cycle } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { HostPort } from '../pod-record.js';

const WILDCARD = '0.0.0.0';

function conflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  const ia = a.ip || WILDCARD;
  const ib = b.ip || WILDCARD;
  return ia === WILDCARD || ib === WILDCARD || ia === ib;
}

export const nodePorts: BaselinePlugin<HostPort[]> = {
  name: 'NodePorts',
  preFilter: (cycle: Cycle) =>
    cycle.pod.hostPorts.length === 0 ? { code: SKIP } : { code: SUCCESS, state: cycle.pod.hostPorts },
  filter(_cycle: Cycle, wanted: HostPort[], node: NodeInfo): Code {
    const taken = wanted.some((w) => node.usedPorts.some((u) => conflict(w, u)));
    return taken ? UNSCHEDULABLE : SUCCESS;
  },
};
