import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { switchConsequences } from "./rancher/values";
import { INGRESS_CONTROLLERS, type IngressController } from "./rke2/render";
import { defaultIngressController, parseRke2Version, rke2ShipsIngressNginx } from "./versions";

export interface IngressControllerPinArgs {
  /** What the config asks for: `ingressController`, or the default of the RKE2 version. */
  configured: IngressController;
  /** The user set `ingressController`: a change is on purpose. */
  explicit: boolean;
  rke2Version: string;
}

export interface IngressControllerPin {
  /** The controller the cluster runs: for the RKE2 config, health checks, tuning, Rancher. */
  controller: pulumi.Output<IngressController>;
  /** What the user should know about it on this update, if anything. */
  notice: pulumi.Output<string | undefined>;
}

/**
 * The ingress controller in the stack's state, pinned when the cluster is created. RKE2 v1.36
 * installs Traefik on new clusters, earlier versions ingress-nginx, and an explicit
 * `ingress-controller` in config.yaml makes RKE2 blank the other chart's manifest (rke2 v1.36.3
 * pkg/bootstrap/bootstrap.go, updateManifests): deriving the controller from the *target* version
 * would swap it under a running Rancher on an upgrade across that default. So the keepers of a
 * RandomId hold it: ignored once created unless `ingressController` is set (then a change
 * replaces the RandomId and the pin follows; unset again, the pin keeps the last choice).
 */
export function pinIngressController(
  name: string,
  args: IngressControllerPinArgs,
  parent: pulumi.Resource,
): IngressControllerPin {
  const pin = new random.RandomId(
    name,
    { byteLength: 4, keepers: { ingressController: args.configured } },
    // The engine keeps the stored keepers for an ignored property (and so the deployed value).
    { parent, ignoreChanges: args.explicit ? [] : ["keepers"] },
  );
  const controller = pin.keepers.apply((k) => {
    const stored = k?.ingressController ?? args.configured;
    if (!INGRESS_CONTROLLERS.includes(stored as IngressController)) {
      throw new Error(`${name}: the pinned ingress controller "${stored}" is not known`);
    }
    return stored as IngressController;
  });
  const target = parseRke2Version(args.rke2Version);
  const notice = controller.apply((running): string | undefined => {
    if (!target) return undefined;
    if (running === "ingress-nginx" && !rke2ShipsIngressNginx(target)) {
      return (
        `rancher-ha:ingressController: the cluster runs ingress-nginx, which RKE2 ${args.rke2Version} no ` +
        `longer ships: set rancher-ha:ingressController=traefik on the current version first (${switchConsequences("traefik")})`
      );
    }
    const versionDefault = defaultIngressController(target);
    if (args.explicit || running === versionDefault) return undefined;
    return (
      `rancher-ha:ingressController: the cluster keeps ${running}, the controller it was created ` +
      `with; RKE2 ${args.rke2Version} installs ${versionDefault} only on new clusters. To switch, ` +
      `set rancher-ha:ingressController=${versionDefault}: ${switchConsequences(versionDefault)}`
    );
  });
  return { controller, notice };
}
