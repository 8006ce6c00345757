// Commands holding secrets never log stdout.
import { TYPES, UNKNOWN, type Rule } from "./types";
import { show } from "./values";

/** `logging` values that never send stdout to the engine (and so to logs and the console). */
export const SAFE_COMMAND_LOGGING: readonly string[] = ["stderr", "none"];
/** The provider's default when `logging` is not set. */
export const DEFAULT_COMMAND_LOGGING = "stdoutAndStderr";

export const remoteCommandsNoSecretLogging: Rule = {
  name: "remote-commands-no-secret-logging",
  description:
    "Commands that get a secret on stdin, or whose stdout is a secret output, log only stderr " +
    '(logging: "stderr" or "none"), so nothing secret lands in update logs.',
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.remoteCommand, TYPES.localCommand],
  validate(r) {
    const stdin = r.props.stdin;
    const hasStdin = stdin !== undefined && stdin !== null && stdin !== "";
    // The engine unwraps secrets before a policy sees them: there, any stdin counts as secret.
    const secretStdin =
      hasStdin && (r.secretProps === undefined || r.secretProps.includes("stdin"));
    const secretStdout = (r.additionalSecretOutputs ?? []).some((o) => o === "stdout" || o === "*");
    if (!secretStdin && !secretStdout) return [];
    const logging = r.props.logging;
    if (logging === UNKNOWN) return [];
    if (typeof logging === "string" && SAFE_COMMAND_LOGGING.includes(logging)) return [];
    const why = [
      ...(secretStdin ? ["stdin is secret"] : []),
      ...(secretStdout ? ["stdout is an additional secret output"] : []),
    ].join(" and ");
    const shown =
      logging === undefined ? `not set (default "${DEFAULT_COMMAND_LOGGING}")` : show(logging);
    return [
      `${why}, but logging is ${shown}: set logging to "stderr" or "none" so stdout is never ` +
        "logged",
    ];
  },
};
