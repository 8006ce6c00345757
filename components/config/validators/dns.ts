// The Rancher hostname and the Route53 zone that holds it.
import { isFqdn } from "../../names";
import { problem, type Finding, type Validator } from "../problems";
import type { RancherHaSettings } from "../schema";

/**
 * "example.com." → "example.com": the absolute form DNS tools and the Route53 console print is
 * accepted and dropped, for the hostname as for the zone (only one dot: "a.." stays invalid).
 */
export function absoluteToRelative(name: string): string {
  return name.endsWith(".") && !name.endsWith("..") ? name.slice(0, -1) : name;
}

/** The hostname as the stack uses it ("" when unset). */
export function hostnameOf(s: RancherHaSettings): string {
  return absoluteToRelative(s.hostname ?? "");
}

export const checkDns: Validator = (s) => {
  const out: Finding[] = [];
  const hostname = hostnameOf(s);
  if (!hostname) {
    out.push(
      problem(
        "hostname",
        "required; set the FQDN Rancher will answer on, e.g. rancher.example.com",
      ),
    );
  } else if (!isFqdn(hostname)) {
    out.push(
      problem(
        "hostname",
        `"${hostname}" is not a valid lowercase FQDN (labels of a-z, 0-9 and '-', at least two labels)`,
      ),
    );
  }
  if (s.hostedZone !== undefined && s.hostedZoneId !== undefined) {
    out.push(problem("hostedZone", "set exactly one of hostedZone and hostedZoneId, not both"));
  } else if (s.hostedZone === undefined && s.hostedZoneId === undefined) {
    out.push(problem("hostedZone", "required: set hostedZone (zone name) or hostedZoneId"));
  }
  if (s.hostedZone !== undefined) {
    const zone = absoluteToRelative(s.hostedZone);
    if (!isFqdn(zone))
      out.push(problem("hostedZone", `"${s.hostedZone}" is not a valid zone name`));
    else if (isFqdn(hostname) && hostname !== zone && !hostname.endsWith(`.${zone}`)) {
      out.push(
        problem(
          "hostname",
          `"${hostname}" is not inside hosted zone "${zone}"; use a name ending in .${zone}`,
        ),
      );
    }
  }
  if (s.hostedZoneId !== undefined && !/^Z[A-Z0-9]{4,32}$/.test(s.hostedZoneId)) {
    out.push(
      problem(
        "hostedZoneId",
        `"${s.hostedZoneId}" is not a Route53 zone ID (Z followed by letters/digits)`,
      ),
    );
  }
  return out;
};
