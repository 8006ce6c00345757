// The configuration form's schema. Everything the page knows about a config key comes through
// configSchema() — the one adapter over the project's schema (today CONFIG_KEYS in
// components/config.ts), so a move to another schema module changes this file only.
import { CONFIG_KEYS, KeySpec, SettingKey, SETTING_KEYS } from "../../components/config";
import { INGRESS_CONTROLLERS, LOAD_BALANCER_MODES } from "../../components/rke2/render";

export interface ConfigField {
  key: string;
  type: KeySpec["type"];
  description: string;
  /** The declared default, as the form shows it ("3", "l4", "0.0.0.0/0"). */
  default?: string;
  secret: boolean;
  /** Allowed values, when the key is one of a fixed set. */
  choices?: string[];
  /** Form section. */
  group: string;
}

export interface ConfigSchema {
  groups: { name: string; open: boolean }[];
  fields: ConfigField[];
}

// The choices and sections are presentation: the server validates every value with the same
// rules as the CLI, so a stale list here can only make the form less helpful, never wrong.
const CHOICES: Partial<Record<SettingKey, readonly string[]>> = {
  loadBalancer: LOAD_BALANCER_MODES,
  ingressController: INGRESS_CONTROLLERS,
  tlsSource: ["rancher", "letsEncrypt", "secret"],
  letsEncryptEnvironment: ["production", "staging"],
};

const GROUPS: { name: string; open: boolean; keys: SettingKey[] }[] = [
  {
    name: "Essentials",
    open: true,
    keys: ["hostname", "hostedZone", "hostedZoneId", "loadBalancer", "serverCount", "adminCidrs"],
  },
  {
    name: "Servers",
    open: false,
    keys: [
      "instanceType",
      "rootVolumeGiB",
      "amiId",
      "sshUser",
      "sshPrivateKey",
      "rke2Version",
      "replaceServer",
    ],
  },
  {
    name: "Network",
    open: false,
    keys: ["ingressCidrs", "vpcCidr", "availabilityZones", "vpcId", "subnetIds"],
  },
  {
    name: "TLS and load balancer",
    open: false,
    keys: [
      "tlsSource",
      "letsEncryptEmail",
      "letsEncryptEnvironment",
      "tlsCertificate",
      "tlsPrivateKey",
      "certificateArn",
      "sslPolicy",
      "idleTimeoutSeconds",
      "ingressController",
    ],
  },
  {
    name: "Rancher",
    open: false,
    keys: ["rancherVersion", "certManagerVersion", "bootstrapPassword", "auditLogLevel"],
  },
  { name: "Tags and protection", open: false, keys: ["tags", "protect"] },
];
const OTHER = "Other";

function defaultText(spec: KeySpec): string | undefined {
  const d = spec.default;
  if (d === undefined) return undefined;
  return Array.isArray(d) ? d.join(", ") : String(d);
}

/** Every config key as a form field, in form order. */
export function configSchema(): ConfigSchema {
  const groupOf = new Map<string, string>();
  for (const g of GROUPS) for (const k of g.keys) groupOf.set(k, g.name);
  const order = GROUPS.flatMap((g) => g.keys);
  const keys = [...SETTING_KEYS].sort((a, b) => rank(a) - rank(b));
  function rank(k: SettingKey): number {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  }
  const fields = keys.map((key): ConfigField => {
    const spec = CONFIG_KEYS[key];
    const def = defaultText(spec);
    const choices = CHOICES[key];
    return {
      key,
      type: spec.type,
      description: spec.description,
      ...(def !== undefined ? { default: def } : {}),
      secret: spec.secret === true,
      ...(choices ? { choices: [...choices] } : {}),
      group: groupOf.get(key) ?? OTHER,
    };
  });
  const groups = GROUPS.map(({ name, open }) => ({ name, open }));
  if (fields.some((f) => f.group === OTHER)) groups.push({ name: OTHER, open: false });
  return { groups, fields };
}
