// Resource name classes, as kube-scheduler's helpers define them (v1helper, schedutil).

const NATIVE_PREFIX = 'kubernetes.io/';

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

function isPrefixedNativeResource(name: string): boolean {
  return name.includes(NATIVE_PREFIX);
}

function isNativeResource(name: string): boolean {
  return !name.includes('/') || isPrefixedNativeResource(name);
}

const QUALIFIED = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Extended resources: outside kubernetes.io/, with a domain, valid as `requests.<name>`. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  const slash = name.indexOf('/');
  const prefix = `requests.${name.slice(0, slash)}`;
  const local = name.slice(slash + 1);
  return (
    prefix.length <= 253 && local.length > 0 && local.length <= 63 && QUALIFIED.test(local) && !local.includes('/')
  );
}

/** What NodeInfo keeps in ScalarResources: extended, hugepages, prefixed native, attachable volumes. */
export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    isHugePageResourceName(name) ||
    isPrefixedNativeResource(name) ||
    name.startsWith('attachable-volumes-')
  );
}
