// The bind verb when berth is the binder: the Binding is created through the API server
// (POST pods/NAME/binding), as kube-scheduler's DefaultBinder does, and only then recorded in the
// node cache. A refusal (the pod is gone or already bound, RBAC) goes back in the verb's Error.

import type { ApiClient } from '../capture/api-client.js';
import type { BindingArgs } from './wire.js';

/** Resolves to '' once bound, or to the reason it was not. */
export type Binder = (args: BindingArgs) => Promise<string>;

export function apiBinder(client: ApiClient): Binder {
  return async (args) => {
    const ns = encodeURIComponent(args.podNamespace);
    const name = encodeURIComponent(args.podName);
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: args.podName, namespace: args.podNamespace, ...(args.podUID ? { uid: args.podUID } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: args.node },
    };
    try {
      await client.post(`/api/v1/namespaces/${ns}/pods/${name}/binding`, binding, {
        verb: 'create',
        resource: 'pods/binding',
        namespace: args.podNamespace,
      });
      return '';
    } catch (err) {
      return `binding ${args.podNamespace}/${args.podName} to ${args.node} failed: ${(err as Error).message}`;
    }
  };
}
