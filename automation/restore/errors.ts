// What the restore throws on purpose; the CLI maps each to an exit code.

/** Refused before anything changed on any server (exit 3). */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefusedError";
  }
}

/** A node step failed; `next` says what state the cluster is in and what to do (exit 1). */
export class RestoreStepError extends Error {
  constructor(
    public readonly step: string,
    public readonly node: string,
    public readonly detail: string,
    public readonly next: string,
    public readonly outputTail: string,
  ) {
    super(`${step} on ${node} failed: ${detail}. ${next}`);
    this.name = "RestoreStepError";
  }
}

/** Ctrl-C: the running step was finished, nothing after it started (exit 130). */
export class RestoreInterruptedError extends Error {
  constructor(public readonly after: string) {
    super(
      `interrupted after ${after}; the servers keep their restore state: run the same command again to resume`,
    );
    this.name = "RestoreInterruptedError";
  }
}
