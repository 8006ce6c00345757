// HTTPS and TLS listeners accept TLS 1.2 and later only.
import { LISTENERS, type Rule, UNKNOWN } from "./types";
import { str } from "./values";

/** AWS's recommendation, and this stack's default. */
export const RECOMMENDED_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * ELB policies whose lowest TLS version is 1.2 or 1.3. The name carries the minimum:
 * `TLS13-1-2-…`/`TLS13-1-3-…`, `TLS-1-2-…`, `FS-1-2-…`. `TLS13-1-0-…` and `TLS13-1-1-…` add
 * TLS 1.3 but still accept 1.0/1.1; `2016-08`, `2015-*`, `TLS-1-0-*`, `TLS-1-1-*` and `FS-2018-06`
 * accept 1.0 or 1.1.
 */
export const MODERN_TLS_POLICY_PATTERNS: readonly RegExp[] = [
  /^ELBSecurityPolicy-TLS13-1-[23]-/,
  /^ELBSecurityPolicy-TLS-1-2-/,
  /^ELBSecurityPolicy-FS-1-2-/,
];

export function isModernTlsPolicy(policy: string): boolean {
  return MODERN_TLS_POLICY_PATTERNS.some((re) => re.test(policy));
}

export const modernTlsPolicy: Rule = {
  name: "modern-tls-policy",
  description:
    "HTTPS and TLS listeners use a TLS 1.2+ security policy (e.g. " +
    `${RECOMMENDED_TLS_POLICY}); an unset policy means AWS's outdated ELBSecurityPolicy-2016-08.`,
  enforcementLevel: "mandatory",
  resourceTypes: LISTENERS,
  validate(r) {
    const protocol = str(r.props.protocol)?.toUpperCase();
    if (protocol !== "HTTPS" && protocol !== "TLS") return [];
    const policy = r.props.sslPolicy;
    if (policy === UNKNOWN) return [];
    if (typeof policy !== "string" || policy === "") {
      return [
        `${protocol} listener has no sslPolicy: AWS then applies ELBSecurityPolicy-2016-08 ` +
          `(TLS 1.0+); set sslPolicy to ${RECOMMENDED_TLS_POLICY}`,
      ];
    }
    if (isModernTlsPolicy(policy)) return [];
    return [
      `sslPolicy "${policy}" is not a TLS 1.2+ policy (it accepts TLS 1.0/1.1 or is unknown ` +
        `here): use ${RECOMMENDED_TLS_POLICY} or another ELBSecurityPolicy-TLS13-1-2-*`,
    ];
  },
};
