// Where things live on a node, and the one way to run a shipped script there. Pure (no Pulumi):
// the SSM runner uses it at deploy time too.

/** Where the node scripts live in the repository (relative to the project directory). */
export const NODE_SCRIPTS_DIR = "scripts/node";
/** Staging directory on every node: scripts, parameters and config, mode 0700. */
export const STAGING_DIR = "/opt/rancher-ha";
export const SCRIPTS_ON_NODE = `${STAGING_DIR}/node`;
export const PARAMS_ON_NODE = `${STAGING_DIR}/params.env`;
/** Where the cluster is; scripts/node/lib.sh reads it beside params.env. */
export const CLUSTER_PARAMS_ON_NODE = `${STAGING_DIR}/cluster.env`;

const SCRIPT_RE = /^[a-z0-9][a-z0-9-]*\.sh$/;
const ARG_RE = /^[a-z0-9][a-z0-9-]*$/;

/** `sudo` a shipped script with the copied parameter file: nothing variable on the line. */
export function nodeScript(script: string, args: readonly string[] = []): string {
  if (!SCRIPT_RE.test(script)) throw new Error(`not a node script name: ${JSON.stringify(script)}`);
  for (const a of args) {
    if (!ARG_RE.test(a)) throw new Error(`${script}: argument ${JSON.stringify(a)} is not a word`);
  }
  return [`sudo -n bash ${SCRIPTS_ON_NODE}/${script} ${PARAMS_ON_NODE}`, ...args].join(" ");
}
