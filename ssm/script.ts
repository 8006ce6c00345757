// PURE renderer of the bash sent to a node as AWS-RunShellScript's `commands`. Everything in it
// lands in SSM's command history: command text, non-secret files (scripts, params.env, config,
// manifests), public keys and ciphertext only — never a secret in clear.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/**
 * Budget for one command's script, in bytes. No authoritative SendCommand parameter-size limit
 * was found in AWS's documentation (design-10 §5, a community figure is 16 KB); staying under it
 * splits large copies into several commands. To confirm on AWS (e2e).
 */
export const MAX_SCRIPT_BYTES = 16_000;
/**
 * SSM keeps the FIRST 8,000 characters of stderr (amazon-ssm-agent appconfig MaxStderrLength),
 * while the node scripts print the service log tail LAST: the wrapper re-emits only the last
 * 7,000 bytes.
 */
export const STDERR_TAIL_BYTES = 7_000;
/** SendCommand's Comment is at most 100 characters (SSM API reference). */
export const MAX_COMMENT = 100;

const STEP_EOF = "RANCHER_HA_STEP";
const DATA_EOF = "RANCHER_HA_DATA";
const ABS_PATH_RE = /^(\/[A-Za-z0-9._-]+)+$/;
const NAME_RE = /^[a-z][a-z0-9.-]*$/;

/** Words safe in a bash comment and a Comment: no newlines or control characters. */
function label(text: string): string {
  return text.replace(/[^A-Za-z0-9 ._:/()#,-]/g, "?");
}

export function comment(text: string): string {
  const t = label(text);
  return t.length <= MAX_COMMENT ? t : `${t.slice(0, MAX_COMMENT - 3)}...`;
}

function base64Lines(data: Buffer): string[] {
  const b64 = data.toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines;
}

/** A base64 heredoc feeding `head` (a command reading stdin). */
function heredoc(head: string, lines: readonly string[]): string {
  return [`${head} <<'${DATA_EOF}'`, ...lines, DATA_EOF].join("\n");
}

/**
 * The whole script: a POSIX-safe wrapper (the agent runs `sh -c <file>`, and the file's shebang
 * picks bash: amazon-ssm-agent plugins/runscript/runshellscript.go, pluginutil CreateScriptFile
 * writes it 0700) that runs `body` as its own bash script — its own `set -e`, so a failure stops
 * it — captures its stderr and keeps the tail with the real exit status.
 */
export function wrapScript(title: string, body: string): string {
  for (const line of body.split("\n")) {
    if (line === STEP_EOF) throw new Error(`a step body must not contain the line ${STEP_EOF}`);
  }
  return [
    "#!/bin/bash",
    `# rancher-ha: ${label(title)}`,
    "set -euo pipefail",
    "umask 077",
    'RANCHER_HA_WORK="$(mktemp -d "${TMPDIR:-/tmp}/rancher-ha-ssm.XXXXXX")"',
    "export RANCHER_HA_WORK",
    "trap 'rm -rf \"$RANCHER_HA_WORK\"' EXIT",
    `cat >"$RANCHER_HA_WORK/step.sh" <<'${STEP_EOF}'`,
    "set -euo pipefail",
    body,
    STEP_EOF,
    "rc=0",
    'bash "$RANCHER_HA_WORK/step.sh" 2>"$RANCHER_HA_WORK/stderr" || rc=$?',
    `tail -c ${STDERR_TAIL_BYTES} "$RANCHER_HA_WORK/stderr" >&2`,
    'exit "$rc"',
    "",
  ].join("\n");
}

/** A file the step writes into its private work directory before it runs. */
export interface WorkFile {
  /** Plain name, e.g. "stdin" or "recipient.pem". */
  name: string;
  content: Buffer;
}

/** `$RANCHER_HA_WORK/<name>` as the step body refers to it. */
export const workPath = (name: string): string => `"$RANCHER_HA_WORK/${name}"`;

/** A step that writes `files` to its work directory, then runs `command` (one line of bash). */
export function renderRun(title: string, command: string, files: readonly WorkFile[] = []): string {
  if (command.includes("\n")) throw new Error("a node command is one line");
  const parts = files.map((f) => {
    if (!NAME_RE.test(f.name)) throw new Error(`not a work file name: ${f.name}`);
    return heredoc(`base64 -d >${workPath(f.name)}`, base64Lines(f.content));
  });
  return wrapScript(title, [...parts, command].join("\n"));
}

/** A file to install on the node. */
export interface CopyFile {
  path: string;
  mode: "0600" | "0644";
  content: Buffer;
}

// put DST MODE SHA256 <base64(gzip(content)): atomic write, checked, then announced.
// part FILE first|more <base64: collects a file too large for one command across several.
const COPY_PRELUDE = `put() {
  local dst=$1 mode=$2 sum=$3 tmp
  mkdir -p "\${dst%/*}"
  tmp="$(mktemp "\${dst%/*}/.\${dst##*/}.XXXXXX")"
  base64 -d | gzip -dc >"$tmp"
  if ! printf '%s  %s\\n' "$sum" "$tmp" | sha256sum -c --status; then
    rm -f "$tmp"
    echo "rancher-ha: $dst: content does not match its checksum; not installed" >&2
    return 1
  fi
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dst"
  echo "rancher-ha: wrote $dst" >&2
}
part() {
  mkdir -p "\${1%/*}"
  if [[ $2 == first ]]; then cat >"$1"; else cat >>"$1"; fi
}`;

/**
 * The commands that install `files`, each within `budget` bytes: files are packed in order, and a
 * file too large for one command travels in parts that the last one assembles.
 */
export function renderCopies(
  title: string,
  files: readonly CopyFile[],
  budget = MAX_SCRIPT_BYTES,
): string[] {
  const overhead = Buffer.byteLength(wrapScript(`${title} (99/99)`, `${COPY_PRELUDE}\n`));
  const room = budget - overhead;
  if (room < 1024) throw new Error(`budget ${budget} leaves no room for content`);

  const fragments: string[] = [];
  for (const f of files) {
    if (!ABS_PATH_RE.test(f.path)) throw new Error(`not a plain absolute path: ${f.path}`);
    const sum = createHash("sha256").update(f.content).digest("hex");
    const lines = base64Lines(gzipSync(f.content));
    const whole = heredoc(`put ${f.path} ${f.mode} ${sum}`, lines);
    if (Buffer.byteLength(whole) + 1 <= room) {
      fragments.push(whole);
      continue;
    }
    const partFile = `${f.path.slice(0, f.path.lastIndexOf("/"))}/.${f.path.slice(f.path.lastIndexOf("/") + 1)}.part`;
    const head = (first: boolean) => `part ${partFile} ${first ? "first" : "more"}`;
    const perPart = Math.floor((room - head(false).length - DATA_EOF.length - 16) / 77);
    for (let i = 0; i < lines.length; i += perPart) {
      fragments.push(heredoc(head(i === 0), lines.slice(i, i + perPart)));
    }
    fragments.push(`put ${f.path} ${f.mode} ${sum} <${partFile}\nrm -f ${partFile}`);
  }

  const bodies: string[][] = [];
  let size = room + 1;
  for (const frag of fragments) {
    const n = Buffer.byteLength(frag) + 1;
    if (size + n > room) {
      bodies.push([]);
      size = 0;
    }
    bodies[bodies.length - 1].push(frag);
    size += n;
  }
  return bodies.map((b, i) =>
    wrapScript(
      bodies.length > 1 ? `${title} (${i + 1}/${bodies.length})` : title,
      [COPY_PRELUDE, ...b].join("\n"),
    ),
  );
}
