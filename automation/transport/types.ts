// How the restore command reaches a server: run one of the shipped node scripts with a copied
// parameter file, streaming its output. Implemented over SSH (directly or through the bastion)
// here; over SSM by issue 10's ssm/ modules behind the same interface.
import { SCRIPTS_ON_NODE, STAGING_DIR } from "../../components/access/nodePaths";

/** A server as the stack's `restoreTarget` output describes it. */
export interface RestoreNode {
  /** 0-based; 0 is the first server (the one that initialised the cluster). */
  index: number;
  nodeName: string;
  instanceId: string;
  privateIp: string;
  publicIp?: string;
}

/** The node scripts the restore runs (shipped with the stack's scripts/node). */
export type RestoreScript = "rke2-restore.sh" | "rke2-rejoin.sh";

export interface RunScriptRequest {
  script: RestoreScript;
  /**
   * The parameter file's content (restore.env). Never secret: the transport may put it on the
   * node by any means (SFTP; over SSM inside the command).
   */
  params: string;
  /** Fixed words only (the action), never values. */
  args: readonly string[];
  /** The transport gives up (and reports timedOut) after this; the scripts bound themselves first. */
  timeoutSeconds: number;
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
}

export interface RunScriptResult {
  /** null when the command did not finish (timed out, connection lost). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RestoreTransport {
  readonly kind: "ssh" | "ssm";
  runScript(node: RestoreNode, req: RunScriptRequest): Promise<RunScriptResult>;
  close(): Promise<void>;
}

/** Beside params.env in the stack's staging directory (owned by the SSH user after a stage). */
export const RESTORE_PARAMS_FILE = `${STAGING_DIR}/restore.env`;

/** The command line: nothing variable on it but fixed action words. */
export function scriptCommand(script: RestoreScript, args: readonly string[]): string {
  for (const a of args) {
    if (!/^[a-z]+$/.test(a))
      throw new Error(`node script argument ${JSON.stringify(a)} is not a fixed word`);
  }
  return [`sudo -n bash ${SCRIPTS_ON_NODE}/${script} ${RESTORE_PARAMS_FILE}`, ...args].join(" ");
}
