// Rancher itself: the bootstrap password and the API audit log.
import { RANCHER_MIN_PASSWORD_LENGTH } from "../../rancher/values";
import { problem, type Finding, type Validator } from "../problems";
import type { AuditLogLevel } from "../resolved";

const AUDIT_LEVELS: readonly number[] = [0, 1, 2, 3] satisfies AuditLogLevel[];

export function isAuditLogLevel(n: number): n is AuditLogLevel {
  return AUDIT_LEVELS.includes(n);
}

export const checkRancher: Validator = (s) => {
  const out: Finding[] = [];
  if (
    s.bootstrapPassword !== undefined &&
    s.bootstrapPassword.length < RANCHER_MIN_PASSWORD_LENGTH
  ) {
    out.push(
      problem(
        "bootstrapPassword",
        `is shorter than the ${RANCHER_MIN_PASSWORD_LENGTH} characters Rancher accepts; use a longer secret or unset it`,
      ),
    );
  }
  if (s.auditLogLevel !== undefined && !isAuditLogLevel(s.auditLogLevel)) {
    out.push(
      problem(
        "auditLogLevel",
        `${s.auditLogLevel} is not an audit level; use 0 to 3 (1 logs metadata and headers)`,
      ),
    );
  }
  return out;
};
