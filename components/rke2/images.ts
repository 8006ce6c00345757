// Which of an RKE2 release's image archives a server stages before it first starts (RKE2's
// "manually deploy images" air-gap method: archives in /var/lib/rancher/rke2/agent/images/ are
// imported when rke2-server starts, docs.rke2.io/install/airgap). Pure.
//
// Archive names and contents, from rancher/rke2 at the release tags: scripts/package-images names
// each archive `rke2-<list>.linux-<arch>.tar.zst` after build/images-<list>.txt, and
// scripts/build-images fills the lists. rke2-images-core is Kubernetes, etcd, CoreDNS, metrics
// server and friends; the default CNI's images (canal: this program sets no `cni`) are in
// rke2-images-canal. Up to v1.35 core also holds ingress-nginx and Traefik has its own archive
// (rke2-images-traefik); from v1.36.0 core holds Traefik and ingress-nginx has its own
// (rke2-images-ingress-nginx). scripts/checksum lists every amd64 artifact, archives included, in
// sha256sum-amd64.txt as `<sha256>  <file name>` lines.
import { parseRke2Version } from "../versions";
import type { IngressController } from "./render";

/** Servers are amd64 (the config refuses Graviton types). */
const PLATFORM = "linux-amd64";
/** The release's checksum file, beside its archives. */
export const RKE2_CHECKSUM_FILE = "sha256sum-amd64.txt";
/** RKE2's release downloads (install.sh's default INSTALL_RKE2_ARTIFACT_URL). */
export const RKE2_ARTIFACT_URL = "https://github.com/rancher/rke2/releases/download";

/** rancher/rke2 v1.36.0 scripts/build-images: Traefik moves into core, ingress-nginx out. */
const TRAEFIK_IN_CORE_FROM_MINOR = 36;

const archive = (list: string) => `rke2-images-${list}.${PLATFORM}.tar.zst`;

/** The archives a server of `rke2Version` running `ingressController` needs, core first. */
export function rke2ImageArchives(
  rke2Version: string,
  ingressController: IngressController,
): string[] {
  const v = parseRke2Version(rke2Version);
  if (v === undefined) throw new Error(`not an RKE2 version: ${JSON.stringify(rke2Version)}`);
  const traefikInCore = v.major > 1 || v.minor >= TRAEFIK_IN_CORE_FROM_MINOR;
  const extra: Record<IngressController, string | undefined> = traefikInCore
    ? { traefik: undefined, "ingress-nginx": "ingress-nginx" }
    : { traefik: "traefik", "ingress-nginx": undefined };
  const own = extra[ingressController];
  return [archive("core"), archive("canal"), ...(own ? [archive(own)] : [])];
}
