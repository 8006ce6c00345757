// RKE2's node steps for one server, over any NodeTransport: the resources Rke2Cluster creates per
// server and the kubeconfig read, with their order, triggers and delete behaviour.
//
//   stage → scripts, params ─┬→ install ─────────────┐
//                            ├→ images (optional) ───┤
//                            └→ member ──────────────┤
//   (load balancers) → cluster.env, config.yaml ─────┴→ start (→ the next server's start)
//
// What runs before start needs nothing from the load balancers, so it runs while they are
// created; only start reads where the cluster is (cluster.env) and the certificate's names
// (config.yaml's tls-san).
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import {
  CLUSTER_PARAMS_ON_NODE,
  NODE_SCRIPTS_DIR,
  PARAMS_ON_NODE,
  scripts,
  STAGING_DIR,
} from "../access/nodeCommand";
import type { NodeTarget, NodeTransport, StepResult } from "../access/types";
import {
  DEFAULT_NODE_TIMEOUTS,
  DEFAULT_NODE_TUNING,
  type NodeTimeouts,
  type NodeTuning,
} from "./params";

/** Margin on top of a script's own bounds before SSM stops it (seconds). */
const MARGIN = 60;
/** Bound for the steps that only write or read a file. */
const QUICK = 120;

/**
 * SSM's executionTimeout per step: the node scripts' own bounds (params.env) plus a margin, so
 * SSM never cuts a script that is still within them. SSH runs have no such bound.
 */
export function rke2StepTimeouts(
  t: Partial<NodeTimeouts> = {},
  u: Partial<NodeTuning> = {},
): {
  install: number;
  images: number;
  start: number;
  member: number;
  leave: number;
  kubeconfig: number;
} {
  const timeouts = { ...DEFAULT_NODE_TIMEOUTS, ...t };
  const tuning = { ...DEFAULT_NODE_TUNING, ...u };
  const attempts = tuning.downloadAttempts;
  const round = (s: number) => Math.min(172_800, Math.ceil(s + MARGIN));
  return {
    // node-prepare: cloud-init, apt locks; rke2-install: attempts × download, attempts × installer.
    install: round(
      timeouts.cloudInit +
        timeouts.aptLock +
        attempts * (timeouts.download + tuning.retryInterval) +
        attempts * (tuning.installTimeout + tuning.retryInterval),
    ),
    // rke2-images: attempts × the checksum file, then attempts × each of at most 3 archives.
    images: round(
      attempts * (timeouts.download + tuning.retryInterval) +
        3 * attempts * (timeouts.images + tuning.retryInterval),
    ),
    // rke2-start: token read (30 s), peer probe and /ping wait (registration each), the
    // bounded systemctl and the Ready wait (ready each).
    start: round(30 + 2 * timeouts.registration + 2 * timeouts.ready),
    member: QUICK,
    // rke2-leave: node delete, service stop and uninstall, each bounded by the leave timeout.
    leave: round(3 * timeouts.leave),
    kubeconfig: QUICK,
  };
}

export interface ServerStepsArgs {
  transport: NodeTransport;
  node: NodeTarget;
  /** Resource name prefix for this server, e.g. "rancher-rke2-2". */
  name: string;
  parent: pulumi.Resource;
  /**
   * Rendered params.env (renderNodeParams: nothing from the load balancers), cluster.env
   * (renderClusterParams) and config.yaml (renderRke2ServerConfig).
   */
  paramsText: pulumi.Input<string>;
  clusterText: pulumi.Input<string>;
  configText: pulumi.Output<string>;
  rke2Version: string;
  /**
   * The image archives rke2-images.sh stages (params.env's IMAGE_ARCHIVES, ./images.ts), or
   * undefined to stage none (no images step: RKE2 pulls at start).
   */
  imageArchives?: pulumi.Input<string[]>;
  /** What the downloading steps (install, images) wait for besides their files: egress. */
  downloadAfter?: pulumi.Resource[];
  /** Secret. Fed to rke2-start.sh's stdin. */
  token: pulumi.Input<string>;
  /** The token resource: destroying the whole cluster skips every member's leave. */
  cluster: pulumi.Resource;
  /** What start waits for besides this server's own steps (tuning, NLB, the previous start). */
  startAfter: pulumi.Resource[];
  timeouts?: Partial<NodeTimeouts>;
  tuning?: Partial<NodeTuning>;
}

export interface ServerSteps {
  stage: pulumi.CustomResource;
  scripts: pulumi.CustomResource;
  params: pulumi.CustomResource;
  cluster: pulumi.CustomResource;
  config: pulumi.CustomResource;
  install: StepResult;
  images?: StepResult;
  member: StepResult;
  start: StepResult;
}

export function serverSteps(a: ServerStepsArgs): ServerSteps {
  const { transport: t, node, name: n, parent } = a;
  const bounds = rke2StepTimeouts(a.timeouts, a.tuning);
  const stage = t.stage(node, `${n}-stage`, { parent });
  const copyOpts = { parent, dependsOn: [stage] };
  // A copy only re-runs when its content changes: a replacement server (same content, new
  // host) needs its files too, so every copy follows the instance.
  const copyTriggers = [node.instanceId];
  const scriptsCopy = t.copy(
    node,
    `${n}-scripts`,
    { remotePath: STAGING_DIR, dir: NODE_SCRIPTS_DIR },
    copyTriggers,
    copyOpts,
  );
  const params = t.copy(
    node,
    `${n}-params`,
    { remotePath: PARAMS_ON_NODE, text: a.paramsText },
    copyTriggers,
    copyOpts,
  );
  const cluster = t.copy(
    node,
    `${n}-cluster`,
    { remotePath: CLUSTER_PARAMS_ON_NODE, text: a.clusterText },
    copyTriggers,
    copyOpts,
  );
  const config = t.copy(
    node,
    `${n}-config`,
    { remotePath: `${STAGING_DIR}/config.yaml`, text: a.configText },
    copyTriggers,
    copyOpts,
  );
  // Parallel on every node: wait for cloud-init and apt, then install the pinned binaries.
  // Installing never restarts the service, which is what makes upgrades rolling.
  const installCmd = scripts("node-prepare.sh", "rke2-install.sh");
  // Downloads need the internet (a private server's NAT route); nothing else here does.
  const downloadDeps = [scriptsCopy, params, ...(a.downloadAfter ?? [])];
  const install = t.run(
    node,
    `${n}-install`,
    {
      create: installCmd,
      update: installCmd,
      triggers: [node.instanceId, a.rke2Version],
      timeoutSeconds: bounds.install,
    },
    { parent, dependsOn: downloadDeps },
  );
  // Parallel with install: the release's image archives, so start pulls nothing. No delete:
  // archives left behind are harmless (RKE2 only imports them), and a delete would have to
  // reach a server that may be gone.
  const imagesCmd = scripts("rke2-images.sh");
  const images =
    a.imageArchives === undefined
      ? undefined
      : t.run(
          node,
          `${n}-images`,
          {
            create: imagesCmd,
            update: imagesCmd,
            triggers: [
              node.instanceId,
              a.rke2Version,
              pulumi.output(a.imageArchives).apply((l) => l.join(",")),
            ],
            timeoutSeconds: bounds.images,
          },
          { parent, dependsOn: downloadDeps },
        );
  // Membership: replaced with its instance, so the old server leaves the cluster (and etcd)
  // before the old instance is deleted. On destroy the whole cluster goes: skip the leave. The
  // claim names the transport, so a transport switch (new member step, old one deleted) does
  // not leave (scripts/node/rke2-leave.sh).
  const member = t.run(
    node,
    `${n}-member`,
    {
      create: scripts({ script: "member-claim.sh", args: [t.kind] }),
      delete: scripts({ script: "rke2-leave.sh", args: [t.kind] }),
      triggers: [node.instanceId],
      reach: "brief",
      timeoutSeconds: bounds.leave,
    },
    { parent, dependsOn: [scriptsCopy, params], deletedWith: a.cluster },
  );
  const startCmd = scripts("rke2-start.sh");
  const start = t.run(
    node,
    `${n}-start`,
    {
      create: startCmd,
      update: startCmd,
      // The token arrives on stdin: never on a command line, never in the config file.
      secretStdin: a.token,
      triggers: [node.instanceId, a.rke2Version, a.configText.apply(sha256)],
      logging: "stderr",
      timeoutSeconds: bounds.start,
    },
    {
      parent,
      dependsOn: [
        install.resource,
        ...(images ? [images.resource] : []),
        cluster,
        config,
        member.resource,
        ...a.startAfter,
      ],
    },
  );
  return {
    stage,
    scripts: scriptsCopy,
    params,
    cluster,
    config,
    install,
    ...(images ? { images } : {}),
    member,
    start,
  };
}

/** Reads the admin kubeconfig from `node` (secret stdout). */
export function kubeconfigStep(
  transport: NodeTransport,
  node: NodeTarget,
  name: string,
  triggers: pulumi.Input<unknown>[],
  opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] },
): StepResult {
  return transport.run(
    node,
    name,
    {
      create: scripts("rke2-kubeconfig.sh"),
      secretStdout: true,
      triggers,
      logging: "none",
      timeoutSeconds: rke2StepTimeouts().kubeconfig,
    },
    opts,
  );
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
