// Rancher and cert-manager: versions, the chart repository, the bootstrap password, the audit log.
// Part of the configuration schema (../schema.ts): its "Rancher" section, in order.
import { DEFAULT_RANCHER_CHART_REPOSITORY } from "../../rancher/charts";
import { DEFAULT_VERSIONS } from "../../versions";
import type { KeySpec } from "../keySpec";

export const RANCHER_KEYS = {
  rancherVersion: {
    type: "string",
    description:
      "Rancher release (chart version), e.g. 2.15.0; one this program knows the Kubernetes cap of.",
    default: DEFAULT_VERSIONS.rancherVersion,
    group: "Rancher",
    doc: {
      notes:
        "A Rancher release this program knows (2.12.0–2.15.0, with each chart's Kubernetes cap: `components/versions.ts`); others are refused.",
    },
  },
  rancherChartRepository: {
    type: "string",
    description:
      "Helm repository of the Rancher chart: latest (every release), stable (promoted later, some never), prime (Rancher Prime) or an https URL.",
    default: DEFAULT_RANCHER_CHART_REPOSITORY,
    group: "Rancher",
    doc: {
      type: "`latest` \\| `stable` \\| `prime` \\| https URL",
      notes:
        "Where the Rancher chart comes from; see [Rancher chart repositories](#rancher-chart-repositories).",
    },
  },
  certManagerVersion: {
    type: "string",
    description: "cert-manager chart version, e.g. v1.21.1.",
    default: DEFAULT_VERSIONS.certManagerVersion,
    group: "Rancher",
    doc: { notes: "Installed only where the TLS source needs it (`rancher`, `letsEncrypt`)." },
  },
  bootstrapPassword: {
    type: "string",
    description: "Rancher bootstrap password. Default: 24 random characters.",
    secret: true,
    group: "Rancher",
    doc: {
      default: "24 random characters",
      notes: "At least 12 characters (Rancher's minimum password length).",
    },
  },
  auditLogLevel: {
    type: "integer",
    description: "Rancher API audit log level 0-3 (unset: audit log off).",
    unset: "-1",
    group: "Rancher",
    doc: {
      default: "off",
      notes: "Rancher API audit log level 0-3 (sidecar); the prod example uses 1.",
    },
  },
} as const satisfies Record<string, KeySpec & { group: "Rancher" }>;
