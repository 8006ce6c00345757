// The restore's node transport over SSH with ssh2 (pure JavaScript; its optional native crypto
// binding is not needed). Bastion mode tunnels each connection through the bastion with a
// direct-tcpip channel (ssh2 Client.forwardOut), as @pulumi/command's connection.proxy does.
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from "ssh2";
import {
  RESTORE_PARAMS_FILE,
  scriptCommand,
  type RestoreTransport,
  type RestoreNode,
  type RunScriptRequest,
  type RunScriptResult,
} from "./types";

export interface SshTransportOptions {
  user: string;
  /** Secret: OpenSSH private key. Held in memory only. */
  privateKey: string;
  /** public: the server's public IP; bastion: the private IP through `bastion`. */
  address: (node: RestoreNode) => string;
  bastion?: { host: string; port?: number; user?: string };
  port?: number;
  /** Per connection attempt. */
  readyTimeoutMs?: number;
}

/** Output kept per stream for messages: the tail is what explains a failure. */
const KEEP_CHARS = 64 * 1024;

export class SshTransport implements RestoreTransport {
  readonly kind = "ssh" as const;
  private readonly clients = new Map<string, Promise<Client>>();
  private bastion?: Promise<Client>;

  constructor(private readonly o: SshTransportOptions) {}

  private base(): ConnectConfig {
    return {
      username: this.o.user,
      privateKey: this.o.privateKey,
      readyTimeout: this.o.readyTimeoutMs ?? 20_000,
      keepaliveInterval: 15_000,
    };
  }

  /**
   * One connection; `onClose` forgets it so the next step reconnects. Errors after "ready" (a
   * reset connection) must have a listener or they would crash the process: the running
   * command's channel closes and its step reports that instead.
   */
  private connect(config: ConnectConfig, onClose: () => void): Promise<Client> {
    return new Promise((resolve, reject) => {
      const c = new Client();
      let ready = false;
      c.on("error", (e) => {
        if (!ready) reject(e);
      });
      c.on("close", onClose);
      c.once("ready", () => {
        ready = true;
        resolve(c);
      });
      c.connect(config);
    });
  }

  private viaBastion(): Promise<Client> {
    const b = this.o.bastion!;
    this.bastion ??= this.connect(
      { ...this.base(), host: b.host, port: b.port ?? 22, ...(b.user ? { username: b.user } : {}) },
      () => (this.bastion = undefined),
    );
    return this.bastion;
  }

  private client(node: RestoreNode): Promise<Client> {
    const host = this.o.address(node);
    let c = this.clients.get(host);
    if (!c) {
      c = (async () => {
        const forget = () => this.clients.delete(host);
        if (!this.o.bastion) {
          return this.connect({ ...this.base(), host, port: this.o.port ?? 22 }, forget);
        }
        const jump = await this.viaBastion();
        const sock = await new Promise<ClientChannel>((resolve, reject) =>
          jump.forwardOut("127.0.0.1", 0, host, this.o.port ?? 22, (err, stream) =>
            err ? reject(err) : resolve(stream),
          ),
        );
        return this.connect({ ...this.base(), sock }, forget);
      })();
      // A failed connection is not cached: the next step may try again.
      c.catch(() => this.clients.delete(host));
      this.clients.set(host, c);
    }
    return c;
  }

  private async writeParams(c: Client, text: string): Promise<void> {
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
      c.sftp((err, s) => (err ? reject(err) : resolve(s))),
    );
    try {
      await new Promise<void>((resolve, reject) =>
        sftp.writeFile(RESTORE_PARAMS_FILE, text, { mode: 0o600 }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    } finally {
      sftp.end();
    }
  }

  async runScript(node: RestoreNode, req: RunScriptRequest): Promise<RunScriptResult> {
    const command = scriptCommand(req.script, req.args);
    const c = await this.client(node);
    await this.writeParams(c, req.params);
    return new Promise((resolve, reject) => {
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          stream.close();
        }, req.timeoutSeconds * 1000);
        stream.on("data", (b: Buffer) => {
          const t = b.toString("utf8");
          stdout = (stdout + t).slice(-KEEP_CHARS);
          req.onOutput?.(t, "stdout");
        });
        stream.stderr.on("data", (b: Buffer) => {
          const t = b.toString("utf8");
          stderr = (stderr + t).slice(-KEEP_CHARS);
          req.onOutput?.(t, "stderr");
        });
        let exitCode: number | null = null;
        stream.on("exit", (code: number | null | undefined) => {
          exitCode = typeof code === "number" ? code : null;
        });
        stream.on("close", () => {
          clearTimeout(timer);
          resolve({ exitCode: timedOut ? null : exitCode, stdout, stderr, timedOut });
        });
      });
    });
  }

  async close(): Promise<void> {
    const all = [...this.clients.values(), ...(this.bastion ? [this.bastion] : [])];
    this.clients.clear();
    this.bastion = undefined;
    await Promise.all(all.map((p) => p.then((c) => c.end()).catch(() => undefined)));
  }
}
