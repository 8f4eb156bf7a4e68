// The Kubernetes objects berth reads, typed once. Shapes follow k8s.io/api (v1.35) field for field,
// keeping only what scheduling, capacity planning and replay read. Quantities stay strings here:
// they are parsed and checked by the loader (src/load), and converted to integers by the snapshot.

export type Labels = Record<string, string>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
  generateName?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

// ---- selectors -------------------------------------------------------------------------------

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** metav1.LabelSelector. `{}` matches everything; a missing (null) selector matches nothing. */
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export type NodeSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface NodeSelectorRequirement {
  key: string;
  operator: NodeSelectorOperator;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

// ---- taints and tolerations --------------------------------------------------------------------

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  /** Defaulted to Equal by the loader, as the API server does. */
  operator?: 'Exists' | 'Equal';
  value?: string;
  /** Empty means every effect. */
  effect?: TaintEffect | '';
  tolerationSeconds?: number;
}

// ---- nodes -------------------------------------------------------------------------------------

/** Resource name → quantity string, as in `status.allocatable` or `resources.requests`. */
export type ResourceList = Record<string, string>;

export interface ContainerImage {
  names?: string[];
  sizeBytes?: number;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
}

export interface Node {
  apiVersion?: string;
  kind?: 'Node';
  metadata: ObjectMeta;
  spec?: {
    unschedulable?: boolean;
    taints?: Taint[];
    providerID?: string;
    podCIDR?: string;
  };
  status?: {
    capacity?: ResourceList;
    allocatable?: ResourceList;
    images?: ContainerImage[];
    conditions?: NodeCondition[];
    phase?: string;
  };
}

// ---- pods --------------------------------------------------------------------------------------

export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  /** Defaulted to TCP by the loader. */
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  hostIP?: string;
}

export interface Container {
  name: string;
  image?: string;
  resources?: ResourceRequirements;
  ports?: ContainerPort[];
  /** On init containers, `Always` makes a sidecar (restartable init container). */
  restartPolicy?: 'Always';
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelector | null;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector | null;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  };
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
}

export type UnsatisfiableConstraintAction = 'DoNotSchedule' | 'ScheduleAnyway';
export type NodeInclusionPolicy = 'Honor' | 'Ignore';

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: UnsatisfiableConstraintAction;
  labelSelector?: LabelSelector | null;
  minDomains?: number;
  nodeAffinityPolicy?: NodeInclusionPolicy;
  nodeTaintsPolicy?: NodeInclusionPolicy;
  matchLabelKeys?: string[];
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  emptyDir?: { medium?: string; sizeLimit?: string };
  hostPath?: { path: string; type?: string };
  [source: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  schedulerName?: string;
  containers: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  /** Pod-level resources (v1.34+): when set, they replace the containers' cpu and memory sums. */
  resources?: ResourceRequirements;
  nodeSelector?: Labels;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  priority?: number;
  priorityClassName?: string;
  /** Makes the pod Terminating for quota scopes. */
  activeDeadlineSeconds?: number;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  schedulingGates?: { name: string }[];
  volumes?: Volume[];
  hostNetwork?: boolean;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface Pod {
  apiVersion?: string;
  kind?: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: { phase?: PodPhase; nominatedNodeName?: string };
}

export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec: PodSpec;
}

// ---- namespaces, services, workloads -----------------------------------------------------------

export interface Namespace {
  apiVersion?: string;
  kind?: 'Namespace';
  metadata: ObjectMeta;
}

export interface Service {
  apiVersion?: string;
  kind?: 'Service';
  metadata: ObjectMeta;
  spec?: { selector?: Labels; ports?: { port: number; protocol?: string; name?: string }[]; type?: string };
}

export interface ReplicaSet {
  apiVersion?: string;
  kind?: 'ReplicaSet';
  metadata: ObjectMeta;
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplateSpec };
}

export interface ReplicationController {
  apiVersion?: string;
  kind?: 'ReplicationController';
  metadata: ObjectMeta;
  /** A ReplicationController's selector is a plain label map (it defaults to the template's labels). */
  spec: { replicas?: number; selector?: Labels; template?: PodTemplateSpec };
}

export interface StatefulSet {
  apiVersion?: string;
  kind?: 'StatefulSet';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
  };
}

export interface RollingUpdateDeployment {
  /** An integer or a percentage string such as "25%". */
  maxSurge?: number | string;
  maxUnavailable?: number | string;
}

export interface Deployment {
  apiVersion?: string;
  kind?: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: RollingUpdateDeployment };
  };
}

export interface DaemonSet {
  apiVersion?: string;
  kind?: 'DaemonSet';
  metadata: ObjectMeta;
  spec: { selector: LabelSelector; template: PodTemplateSpec };
}

export interface Job {
  apiVersion?: string;
  kind?: 'Job';
  metadata: ObjectMeta;
  spec: {
    completions?: number;
    parallelism?: number;
    backoffLimit?: number;
    completionMode?: 'NonIndexed' | 'Indexed';
    template: PodTemplateSpec;
    selector?: LabelSelector;
  };
}

export interface PodDisruptionBudget {
  apiVersion?: string;
  kind?: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec: { selector?: LabelSelector | null; minAvailable?: number | string; maxUnavailable?: number | string };
}

// ---- autoscaling/v2 HorizontalPodAutoscaler ---------------------------------------------------

export interface MetricTarget {
  type: 'Utilization' | 'Value' | 'AverageValue';
  /** Percent of the pods' requests (Utilization). */
  averageUtilization?: number;
  /** Quantities (Value, AverageValue). */
  value?: string;
  averageValue?: string;
}

export interface MetricSpec {
  type: 'Resource' | 'Pods' | 'Object' | 'External' | 'ContainerResource';
  resource?: { name: string; target: MetricTarget };
  pods?: { metric: { name: string }; target: MetricTarget };
  object?: { metric: { name: string }; target: MetricTarget };
  external?: { metric: { name: string }; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
}

export interface HPAScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: HPAScalingPolicy[];
}

export interface HorizontalPodAutoscaler {
  apiVersion?: string;
  kind?: 'HorizontalPodAutoscaler';
  metadata: ObjectMeta;
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules };
  };
}

export interface PriorityClass {
  apiVersion?: string;
  kind?: 'PriorityClass';
  metadata: ObjectMeta;
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
}

// ---- admission: LimitRange and ResourceQuota ---------------------------------------------------

/** PersistentVolumeClaim items are loaded and ignored (volumes are not modelled). */
export type LimitType = 'Container' | 'Pod' | 'PersistentVolumeClaim';

export interface LimitRangeItem {
  type: LimitType;
  max?: ResourceList;
  min?: ResourceList;
  /** Default limits (Container only). */
  default?: ResourceList;
  /** Default requests (Container only). */
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

export interface LimitRange {
  apiVersion?: string;
  kind?: 'LimitRange';
  metadata: ObjectMeta;
  spec: { limits: LimitRangeItem[] };
}

export type ResourceQuotaScope = 'BestEffort' | 'NotBestEffort' | 'Terminating' | 'NotTerminating' | 'PriorityClass';

export interface ScopedResourceSelectorRequirement {
  scopeName: ResourceQuotaScope;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface ResourceQuota {
  apiVersion?: string;
  kind?: 'ResourceQuota';
  metadata: ObjectMeta;
  spec: {
    hard?: ResourceList;
    scopes?: ResourceQuotaScope[];
    scopeSelector?: { matchExpressions?: ScopedResourceSelectorRequirement[] };
  };
}

// ---- scheduler configuration (kubescheduler.config.k8s.io/v1) ----------------------------------

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

export interface Plugins {
  preEnqueue?: PluginSet;
  queueSort?: PluginSet;
  preFilter?: PluginSet;
  filter?: PluginSet;
  postFilter?: PluginSet;
  preScore?: PluginSet;
  score?: PluginSet;
  reserve?: PluginSet;
  permit?: PluginSet;
  preBind?: PluginSet;
  bind?: PluginSet;
  postBind?: PluginSet;
  multiPoint?: PluginSet;
}

export interface PluginConfig {
  name: string;
  args?: Record<string, unknown>;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface Extender {
  urlPrefix: string;
  filterVerb?: string;
  preemptVerb?: string;
  prioritizeVerb?: string;
  bindVerb?: string;
  weight?: number;
  enableHTTPS?: boolean;
  httpTimeout?: string;
  nodeCacheCapable?: boolean;
  managedResources?: { name: string; ignoredByScheduler?: boolean }[];
  ignorable?: boolean;
}

export interface KubeSchedulerConfiguration {
  apiVersion: 'kubescheduler.config.k8s.io/v1';
  kind: 'KubeSchedulerConfiguration';
  percentageOfNodesToScore?: number;
  parallelism?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
  extenders?: Extender[];
}

/** A whole cluster as berth reads it: the conformance case format, extended with workload objects. */
export interface ClusterSnapshot {
  nodes: Node[];
  pods: Pod[];
  pendingPods: Pod[];
  namespaces: Namespace[];
  services: Service[];
  replicaSets: ReplicaSet[];
  replicationControllers: ReplicationController[];
  statefulSets: StatefulSet[];
  deployments: Deployment[];
  daemonSets: DaemonSet[];
  jobs: Job[];
  podDisruptionBudgets: PodDisruptionBudget[];
  priorityClasses: PriorityClass[];
  horizontalPodAutoscalers: HorizontalPodAutoscaler[];
  /** Admission objects; absent in the conformance format. */
  limitRanges?: LimitRange[];
  resourceQuotas?: ResourceQuota[];
  /** Volumes are not modelled yet: these are kept as read, for later. */
  persistentVolumes?: OpaqueObject[];
  persistentVolumeClaims?: OpaqueObject[];
  storageClasses?: OpaqueObject[];
}

/** A kind berth keeps without reading its spec (PersistentVolume, PersistentVolumeClaim, StorageClass). */
export interface OpaqueObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type NodeAffinity = NonNullable<Affinity['nodeAffinity']>;
