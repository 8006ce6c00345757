// What the opt-in end-to-end test (`npm run test:e2e`) needs from its environment. Running it
// is asking for it: anything missing fails the run, listed, instead of skipping it.
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";

export const E2E_VARS = [
  "RANCHER_HA_E2E_HOSTNAME",
  "RANCHER_HA_E2E_ZONE",
  "RANCHER_HA_E2E_ADMIN_CIDR",
  "AWS_REGION",
] as const;

/** Each missing piece, described; [] when the environment is complete. */
export function e2eMissing(env: Readonly<Record<string, string | undefined>>): string[] {
  const missing: string[] = E2E_VARS.filter((v) => !env[v]);
  const home = env.HOME ?? "";
  const credentials =
    (!!env.AWS_ACCESS_KEY_ID && !!env.AWS_SECRET_ACCESS_KEY) ||
    !!env.AWS_PROFILE ||
    !!env.AWS_WEB_IDENTITY_TOKEN_FILE ||
    !!env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
    !!env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
    (home !== "" && existsSync(path.join(home, ".aws", "credentials")));
  if (!credentials) {
    missing.push(
      "AWS credentials (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or ~/.aws/credentials)",
    );
  }
  const onPath = (env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && isFile(path.join(dir, "pulumi")));
  if (!onPath) missing.push("a Pulumi CLI (v3.186.0 or newer) on PATH");
  return missing;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
