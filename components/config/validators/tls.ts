// TLS in l4, where the ingress controller terminates it: Rancher's own CA, Let's Encrypt, or a
// certificate of the user's. In l7 the ALB terminates TLS (./loadBalancer.ts) and none of these
// keys applies.
import { isEmail } from "../../names";
import { LETS_ENCRYPT_ENVIRONMENTS, TLS_SOURCES, type TlsSource } from "../../rancher/values";
import { problem, type Finding, type Validator, warning } from "../problems";
import { DEFAULTS, type RancherHaSettings } from "../schema";
import { certificateProblems } from "./certificate";
import { hostnameOf } from "./dns";
import { modeOf } from "./loadBalancer";
import { ingressCidrsOf } from "./network";
import { coversAllIpv4 } from "./ranges";

const SECRET_KEYS = ["tlsCertificate", "tlsPrivateKey", "tlsCaCertificate"] as const;

/** The TLS source in l4 (the default when unset); undefined in l7. */
export function tlsSourceOf(s: RancherHaSettings): TlsSource | undefined {
  return modeOf(s) === "l7" ? undefined : (s.tlsSource ?? DEFAULTS.tlsSource);
}

export const checkTls: Validator = (s) => {
  const out: Finding[] = [];
  const source: string | undefined = tlsSourceOf(s);
  if (source === undefined) {
    if (s.tlsSource !== undefined) {
      out.push(
        problem(
          "tlsSource",
          "does not apply to l7: the ALB terminates TLS with an ACM certificate; remove it",
        ),
      );
    }
    for (const k of ["letsEncryptEmail", ...SECRET_KEYS] as const) {
      if (s[k] !== undefined) {
        out.push(problem(k, "does not apply to l7 (the ALB terminates TLS); remove it"));
      }
    }
  } else {
    if (!(TLS_SOURCES as readonly string[]).includes(source)) {
      out.push(problem("tlsSource", `"${source}" is not rancher, letsEncrypt or secret`));
    }
    if (source === "letsEncrypt") out.push(...letsEncryptFindings(s));
    else if (s.letsEncryptEmail !== undefined) {
      out.push(problem("letsEncryptEmail", "only applies with tlsSource letsEncrypt; remove it"));
    }
    if (source === "secret") out.push(...secretFindings(s));
    else {
      for (const k of SECRET_KEYS) {
        if (s[k] !== undefined)
          out.push(problem(k, "only applies with tlsSource secret; remove it"));
      }
    }
  }
  if (s.letsEncryptEmail !== undefined && !isEmail(s.letsEncryptEmail)) {
    out.push(problem("letsEncryptEmail", `"${s.letsEncryptEmail}" is not an email address`));
  }
  const environment: string = s.letsEncryptEnvironment ?? DEFAULTS.letsEncryptEnvironment;
  if (!(LETS_ENCRYPT_ENVIRONMENTS as readonly string[]).includes(environment)) {
    out.push(problem("letsEncryptEnvironment", `"${environment}" is not production or staging`));
  } else if (environment === "staging" && source === "letsEncrypt") {
    out.push(
      warning(
        "rancher-ha:letsEncryptEnvironment is staging: browsers and Rancher agents do not trust staging certificates; use it only to test issuance",
      ),
    );
  }
  return out;
};

function letsEncryptFindings(s: RancherHaSettings): Finding[] {
  const out: Finding[] = [];
  if (!s.letsEncryptEmail)
    out.push(problem("letsEncryptEmail", "required with tlsSource letsEncrypt"));
  // HTTP-01 arrives on port 80 from addresses Let's Encrypt does not publish: with 80 open to
  // less than the whole IPv4 internet, issuance can never complete.
  if (!coversAllIpv4(ingressCidrsOf(s))) {
    out.push(
      problem(
        "tlsSource",
        `letsEncrypt validates over HTTP on port 80 from addresses Let's Encrypt does not publish, and rancher-ha:ingressCidrs does not open 80 to 0.0.0.0/0, so the certificate would never be issued; add "0.0.0.0/0" to ingressCidrs, or use tlsSource secret (your own certificate) or loadBalancer l7 (ACM)`,
      ),
    );
  }
  return out;
}

function secretFindings(s: RancherHaSettings): Finding[] {
  const out: Finding[] = [];
  if (!s.tlsCertificate) {
    out.push(problem("tlsCertificate", "required with tlsSource secret (PEM certificate)"));
  }
  if (!s.tlsPrivateKey) {
    out.push(problem("tlsPrivateKey", "required with tlsSource secret (set it with --secret)"));
  }
  if (s.tlsCertificate && s.tlsPrivateKey) {
    const problems = certificateProblems({
      certificate: s.tlsCertificate,
      privateKey: s.tlsPrivateKey,
      hostname: hostnameOf(s),
      ...(s.tlsCaCertificate !== undefined ? { caCertificate: s.tlsCaCertificate } : {}),
    });
    for (const [key, message] of problems) out.push(problem(key, message));
  }
  return out;
}
