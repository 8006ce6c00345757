import * as pulumi from "@pulumi/pulumi";

/**
 * What every public front end provides. Both modes implement it, so DNS, Rancher and the
 * outputs are wired the same way whichever load balancer serves the users.
 */
export interface FrontEnd {
  /** The load balancer the Rancher hostname's alias record points at. */
  readonly dnsName: pulumi.Output<string>;
  readonly zoneId: pulumi.Output<string>;
  /** Listeners users' traffic depends on; Rancher waits for them. */
  readonly listeners: pulumi.Resource[];
  /**
   * Per server (in order): the ingress controller's tuning for this front end, installed on the
   * server. RKE2's start step on that server waits for it.
   */
  readonly ingressTuning: pulumi.Resource[];
}
