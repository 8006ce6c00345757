// What the deploy and restore commands share as processes: real stdio and environment, Ctrl-C,
// a question on the terminal when there is one, and main's code as the exit code.
import { createInterface } from "node:readline";

export interface ProcessIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  projectDir: string;
  onInterrupt: (handler: () => void) => () => void;
}

export function processIo(projectDir: string): ProcessIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    projectDir,
    onInterrupt: (handler) => {
      process.on("SIGINT", handler);
      return () => process.off("SIGINT", handler);
    },
  };
}

/** One line read from the terminal (the question on stderr); undefined without a terminal. */
export const terminalQuestion: ((question: string) => Promise<string>) | undefined = process.stdin
  .isTTY
  ? (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      return new Promise((resolve) => {
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
      });
    }
  : undefined;

/** Exits with the code `run` resolves to; `failed`, with the stack on stderr, when it throws. */
export function exitWith(command: string, run: Promise<number>, failed: number): void {
  run.then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(
        `${command}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exit(failed);
    },
  );
}
