// Which API server to talk to and as whom: kubectl's resolution order (--kubeconfig, then
// KUBECONFIG, then ~/.kube/config, then the in-cluster service account), through
// @kubernetes/client-node so exec plugins, token files, OIDC and client certificates all work.
// Unlike client-node's loadFromDefault, finding nothing is an error, not a silent localhost:8080.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../api/problem.js';

export interface KubeConfigOptions {
  kubeconfig?: string;
  context?: string;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function problem(message: string, file?: string): InputError {
  return new InputError([{ code: 'kubeconfig', file, message }]);
}

function loadFile(kc: KubeConfig, file: string): void {
  if (!existsSync(file)) throw problem('no such file', file);
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw problem(`not a usable kubeconfig: ${(err as Error).message}`, file);
  }
}

/** The KubeConfig to use, with `context` selected; an InputError when there is none. */
export function resolveKubeConfig(opts: KubeConfigOptions, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  let source: string;
  if (opts.kubeconfig) {
    loadFile(kc, opts.kubeconfig);
    source = opts.kubeconfig;
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter((f) => f !== '');
    loadFile(kc, files[0]);
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      loadFile(more, file);
      kc.mergeConfig(more, true);
    }
    source = `KUBECONFIG=${env.KUBECONFIG}`;
  } else if (existsSync(join(env.HOME ?? homedir(), '.kube', 'config'))) {
    source = join(env.HOME ?? homedir(), '.kube', 'config');
    loadFile(kc, source);
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kc.loadFromCluster();
    source = 'in-cluster service account';
  } else {
    throw problem(
      'no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account',
    );
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw problem(`no context ${JSON.stringify(opts.context)} (known: ${known.join(', ') || 'none'})`, source);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw problem('the current context names no cluster', source);
  return kc;
}
