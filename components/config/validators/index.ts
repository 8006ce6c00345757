// Every topic's validator, in the order their problems are reported.
import type { Validator } from "../problems";
import { checkAccess } from "./access";
import { checkRegion } from "./aws";
import { checkBackups } from "./backups";
import { checkDns } from "./dns";
import { checkLoadBalancer } from "./loadBalancer";
import { checkNetwork, checkRanges } from "./network";
import { checkRancher } from "./rancher";
import { checkServers } from "./servers";
import { checkTags } from "./tags";
import { checkTls } from "./tls";
import { checkVersions } from "./versions";

export const VALIDATORS: readonly Validator[] = [
  checkRegion,
  checkDns,
  checkLoadBalancer,
  checkServers,
  checkRanges,
  checkNetwork,
  checkAccess,
  checkVersions,
  checkTls,
  checkRancher,
  checkBackups,
  checkTags,
];
