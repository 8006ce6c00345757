// Naming rules shared by the config's validation and the renderers: one definition each, so the
// config never accepts what a renderer would refuse in the middle of a preview.

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** RFC 1123 subdomain, lowercase (what Kubernetes accepts for node names and Ingress hosts). */
export function isDnsSubdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split(".").every((l) => DNS_LABEL.test(l));
}

/** A fully qualified DNS name: a lowercase subdomain with at least two labels, TLD not numeric. */
export function isFqdn(s: string): boolean {
  if (!isDnsSubdomain(s)) return false;
  const labels = s.split(".");
  return labels.length >= 2 && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

const EMAIL = /^[^\s@]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** An address Let's Encrypt can write to: a local part, then a domain of two or more labels. */
export function isEmail(s: string): boolean {
  return EMAIL.test(s);
}
