// Checks of a user-supplied certificate (tlsSource secret): it matches its key and the hostname,
// has not expired, its chain is in order, and Rancher's agents can verify it — through a public
// CA they trust already, or through the private CA given as tlsCaCertificate (chart
// `privateCA`, secret `tls-ca`). An agent that cannot verify the server never connects.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { isFqdn } from "../../names";

export type Problem = [key: string, message: string];

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in order; undefined when a block does not parse. */
export function parsePemChain(pem: string): X509Certificate[] | undefined {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) return undefined;
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    return undefined;
  }
}

let defaultRoots: X509Certificate[] | undefined;
/** Node's bundled root store (Mozilla's CA list): what a stock system trusts. */
function trustStore(): X509Certificate[] {
  defaultRoots ??= rootCertificates.map((pem) => new X509Certificate(pem));
  return defaultRoots;
}

/** True when `cert` is one of `cas` or was signed by one of them. */
function issuedByOneOf(cert: X509Certificate, cas: readonly X509Certificate[]): boolean {
  return cas.some(
    (ca) =>
      ca.fingerprint256 === cert.fingerprint256 ||
      (cert.checkIssued(ca) && cert.verify(ca.publicKey)),
  );
}

function expired(cert: X509Certificate): boolean {
  return new Date(cert.validTo).getTime() < Date.now();
}

/**
 * Problems with tlsCertificate/tlsPrivateKey/tlsCaCertificate, each naming its key.
 * `trustedRoots` defaults to Node's root store (a seam for tests: no public CA signs theirs).
 */
export function certificateProblems(
  a: { certificate: string; privateKey: string; hostname: string; caCertificate?: string },
  trustedRoots?: readonly X509Certificate[],
): Problem[] {
  const out: Problem[] = [];
  const chain = parsePemChain(a.certificate);
  if (!chain) out.push(["tlsCertificate", "is not a PEM certificate (chain)"]);
  let key: ReturnType<typeof createPrivateKey> | undefined;
  try {
    key = createPrivateKey(a.privateKey);
  } catch {
    out.push(["tlsPrivateKey", "is not a PEM private key"]);
  }
  if (!chain) return out;
  const leaf = chain[0];
  if (key && !leaf.checkPrivateKey(key)) {
    out.push([
      "tlsPrivateKey",
      "does not match tlsCertificate; supply the key the certificate was issued for",
    ]);
  }
  if (a.hostname && isFqdn(a.hostname) && !leaf.checkHost(a.hostname)) {
    out.push([
      "tlsCertificate",
      `is not valid for ${a.hostname} (check its subject alternative names)`,
    ]);
  }
  if (expired(leaf)) out.push(["tlsCertificate", `expired on ${leaf.validTo}`]);
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!issuedByOneOf(chain[i], [chain[i + 1]])) {
      out.push([
        "tlsCertificate",
        `certificate ${i + 1} of the chain was not issued by certificate ${i + 2}; list the server certificate first, then each intermediate in order`,
      ]);
      return out;
    }
  }
  const last = chain[chain.length - 1];

  if (a.caCertificate !== undefined) {
    const cas = parsePemChain(a.caCertificate);
    if (!cas) {
      out.push(["tlsCaCertificate", "is not a PEM certificate"]);
      return out;
    }
    const notCa = cas.findIndex((c) => !c.ca);
    if (notCa >= 0) {
      out.push([
        "tlsCaCertificate",
        `certificate ${notCa + 1} is not a CA certificate (no basicConstraints CA:TRUE); give the CA that signed tlsCertificate`,
      ]);
    } else if (!issuedByOneOf(last, cas)) {
      out.push([
        "tlsCaCertificate",
        `did not issue tlsCertificate (its chain ends at a certificate issued by "${oneLine(last.issuer)}"); give that CA`,
      ]);
    } else {
      const old = cas.find(expired);
      if (old) out.push(["tlsCaCertificate", `expired on ${old.validTo}`]);
    }
    return out;
  }

  // No private CA: agents verify with their system store, so some certificate of the chain must
  // be a trusted root or be signed by one (a long chain may end in a legacy cross-sign).
  const roots = trustedRoots ?? trustStore();
  if (!chain.some((c) => issuedByOneOf(c, roots))) {
    out.push([
      "tlsCertificate",
      `is not signed by a CA that Rancher agents trust by default (the chain ends at one issued by "${oneLine(last.issuer)}": self-signed or a private CA); set rancher-ha:tlsCaCertificate to the PEM of the CA that signed it, or use a publicly trusted certificate`,
    ]);
  }
  return out;
}

function oneLine(dn: string): string {
  return dn.split("\n").join(", ");
}
