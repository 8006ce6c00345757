import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { IngressController } from "../config";
import { JETSTACK_REPO } from "./charts";
import {
  type AuditLogLevel,
  needsCertManager,
  RANCHER_PRIVATE_CA_KEY,
  RANCHER_PRIVATE_CA_SECRET_NAME,
  RANCHER_TLS_SECRET_NAME,
  RancherTls,
  renderCertManagerValues,
  renderRancherValues,
} from "./values";

export interface RancherInstallArgs {
  /** Secret. */
  kubeconfig: pulumi.Input<string>;
  hostname: string;
  replicas: number;
  /** The controller the cluster runs (the stack's pinned value): Rancher's Ingress class. */
  ingressController: pulumi.Input<IngressController>;
  tls: RancherTls;
  rancherVersion: string;
  /** Helm repository URL the Rancher chart is installed from (see ./charts). */
  rancherChartRepository: string;
  certManagerVersion: string;
  /** Secret; generated (24 characters) when absent. */
  bootstrapPassword?: pulumi.Input<string>;
  /**
   * For tls source "secret": the certificate, its key (secret) and, for a private CA, that CA
   * (the `tls-ca` secret the chart's `privateCA` reads).
   */
  tlsSecret?: { certificate: string; privateKey: pulumi.Input<string>; caCertificate?: string };
  auditLogLevel?: AuditLogLevel;
  /** Rancher waits for these: every server joined (its replicas spread), DNS, the listeners. */
  waitFor: pulumi.Resource[];
  /**
   * cert-manager, the cattle-system namespace and its secrets wait only for these: the first
   * server Ready (they need its API, not the joins), so they install while the others join.
   */
  clusterReady: pulumi.Resource[];
  /**
   * Deleted only when the whole cluster is destroyed. The Kubernetes objects are then skipped on
   * delete, so Rancher's post-delete job, cert-manager's CRDs and namespace finalizers can never
   * block `pulumi destroy` (the cluster goes with its servers).
   */
  clusterLifetime: pulumi.Resource;
  /** Names the cluster for the provider's lifetime, e.g. `rancher-ha/<stack>`. */
  clusterIdentifier: string;
  protect: boolean;
}

/**
 * cert-manager (when the TLS source needs it) and Rancher, from their Helm charts. cert-manager
 * installs as soon as the first server is Ready; Rancher after every join and cert-manager.
 */
export class RancherInstall extends pulumi.ComponentResource {
  /** Secret. */
  public readonly bootstrapPassword: pulumi.Output<string>;
  public readonly release: k8s.helm.v3.Release;
  public readonly certManager?: k8s.helm.v3.Release;

  constructor(name: string, args: RancherInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:rancher:RancherInstall", name, {}, opts);
    const k8sOpts = { parent: this, deletedWith: args.clusterLifetime };
    // A stable identity: re-reading the kubeconfig (unknown during preview) must never replace
    // the provider, which would replace every release on it (and fail on protected ones).
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: args.kubeconfig, clusterIdentifier: args.clusterIdentifier },
      { parent: this },
    );
    const withProvider = { ...k8sOpts, provider };

    this.bootstrapPassword = pulumi.secret(
      args.bootstrapPassword ??
        new random.RandomPassword(
          `${name}-bootstrap`,
          { length: 24, special: false },
          { parent: this },
        ).result,
    );

    const rancherDeps: pulumi.Resource[] = [...args.waitFor];
    if (needsCertManager(args.tls)) {
      this.certManager = new k8s.helm.v3.Release(
        `${name}-cert-manager`,
        {
          name: "cert-manager",
          chart: "cert-manager",
          version: args.certManagerVersion,
          repositoryOpts: { repo: JETSTACK_REPO },
          namespace: "cert-manager",
          createNamespace: true,
          values: renderCertManagerValues(),
          timeout: 600,
        },
        { ...withProvider, dependsOn: args.clusterReady },
      );
      rancherDeps.push(this.certManager);
    }

    const namespace = new k8s.core.v1.Namespace(
      `${name}-cattle-system`,
      { metadata: { name: "cattle-system" } },
      { ...withProvider, dependsOn: args.clusterReady },
    );
    rancherDeps.push(namespace);
    if (args.tlsSecret) {
      rancherDeps.push(
        new k8s.core.v1.Secret(
          `${name}-tls`,
          {
            metadata: { name: RANCHER_TLS_SECRET_NAME, namespace: "cattle-system" },
            type: "kubernetes.io/tls",
            stringData: {
              "tls.crt": args.tlsSecret.certificate,
              "tls.key": pulumi.secret(args.tlsSecret.privateKey),
            },
          },
          { ...withProvider, dependsOn: [namespace] },
        ),
      );
      if (args.tlsSecret.caCertificate !== undefined) {
        rancherDeps.push(
          new k8s.core.v1.Secret(
            `${name}-tls-ca`,
            {
              metadata: { name: RANCHER_PRIVATE_CA_SECRET_NAME, namespace: "cattle-system" },
              type: "Opaque",
              stringData: { [RANCHER_PRIVATE_CA_KEY]: args.tlsSecret.caCertificate },
            },
            { ...withProvider, dependsOn: [namespace] },
          ),
        );
      }
    }

    const values = pulumi.secret(
      pulumi
        .all([this.bootstrapPassword, args.ingressController])
        .apply(([bootstrapPassword, ingressController]) =>
          renderRancherValues({
            hostname: args.hostname,
            replicas: args.replicas,
            bootstrapPassword,
            ingressController,
            tls: args.tls,
            ...(args.auditLogLevel !== undefined
              ? { auditLog: { level: args.auditLogLevel } }
              : {}),
          }),
        ),
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-rancher`,
      {
        // Rancher's chart requires this release name and namespace.
        name: "rancher",
        chart: "rancher",
        version: args.rancherVersion,
        repositoryOpts: { repo: args.rancherChartRepository },
        namespace: "cattle-system",
        values,
        timeout: 900,
      },
      { ...withProvider, dependsOn: rancherDeps, protect: args.protect },
    );
    this.registerOutputs({ releaseStatus: this.release.status });
  }
}
