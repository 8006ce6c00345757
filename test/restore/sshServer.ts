// A tiny SSH server (ssh2's Server) for the transport tests: public-key auth for one user, exec
// with a scripted answer, an SFTP subset for writeFile, and direct-tcpip forwarding (a bastion).
import * as net from "node:net";
import { Server, utils, type Connection, type ParsedKey } from "ssh2";

const { STATUS_CODE } = utils.sftp;

export interface Recorded {
  execs: string[];
  files: Map<string, { data: string; mode?: number }>;
  forwards: string[];
  users: string[];
}

export interface TestServer {
  port: number;
  recorded: Recorded;
  close(): Promise<void>;
}

/**
 * An ed25519 pair (what the stack's tls.PrivateKey makes). ssh2's generator writes a malformed
 * key when the public key starts with a zero byte (about 1 in 200, found here: parseKey
 * "Malformed OpenSSH private key"), so such pairs are drawn again.
 */
function ed25519(): { private: string; public: string } {
  for (;;) {
    const k = utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(k.private) instanceof Error)) return k;
  }
}

export function keyPair(): { privateKey: string; publicKey: ParsedKey } {
  const k = ed25519();
  const pub = utils.parseKey(k.public);
  if (pub instanceof Error) throw pub;
  return { privateKey: k.private, publicKey: pub };
}

export function startServer(
  clientKey: ParsedKey,
  answer: (command: string) => {
    stdout?: string;
    stderr?: string;
    code: number;
    delayMs?: number;
    /** Drop the whole connection instead of answering (a server that goes away mid-step). */
    drop?: boolean;
  },
): Promise<TestServer> {
  const host = ed25519();
  const recorded: Recorded = { execs: [], files: new Map(), forwards: [], users: [] };
  const sockets = new Set<net.Socket>();
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [host.private] }, (client: Connection) => {
    clients.add(client);
    client.on("close", () => clients.delete(client));
    client.on("authentication", (ctx) => {
      if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
      const sameKey =
        ctx.key.algo === clientKey.type && ctx.key.data.equals(clientKey.getPublicSSH());
      if (!sameKey) return ctx.reject();
      if (ctx.signature && !clientKey.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) {
        return ctx.reject();
      }
      // The first round only asks whether the key is acceptable; the second proves it.
      if (ctx.signature) recorded.users.push(ctx.username);
      ctx.accept();
    });
    client.on("ready", () => {
      client.on("session", (accept) => {
        const session = accept();
        session.on("exec", (acceptExec, _reject, info) => {
          const stream = acceptExec();
          recorded.execs.push(info.command);
          const a = answer(info.command);
          setTimeout(() => {
            if (a.drop) {
              if (a.stdout) stream.write(a.stdout);
              client.end();
              return;
            }
            if (a.stdout) stream.write(a.stdout);
            if (a.stderr) stream.stderr.write(a.stderr);
            stream.exit(a.code);
            stream.end();
          }, a.delayMs ?? 0);
        });
        session.on("sftp", (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<number, string>();
          let next = 0;
          sftp.on("OPEN", (reqid, filename, _flags, attrs) => {
            const h = next++;
            handles.set(h, filename);
            recorded.files.set(filename, {
              data: "",
              ...(attrs.mode !== undefined ? { mode: attrs.mode & 0o7777 } : {}),
            });
            const handle = Buffer.alloc(4);
            handle.writeUInt32BE(h);
            sftp.handle(reqid, handle);
          });
          sftp.on("WRITE", (reqid, handle, _offset, data) => {
            const f = recorded.files.get(handles.get(handle.readUInt32BE())!)!;
            f.data += data.toString("utf8");
            sftp.status(reqid, STATUS_CODE.OK);
          });
          sftp.on("FSETSTAT", (reqid, handle, attrs) => {
            const f = recorded.files.get(handles.get(handle.readUInt32BE())!)!;
            if (attrs.mode !== undefined) f.mode = attrs.mode & 0o7777;
            sftp.status(reqid, STATUS_CODE.OK);
          });
          sftp.on("CLOSE", (reqid) => sftp.status(reqid, STATUS_CODE.OK));
        });
      });
      client.on("tcpip", (accept, _reject, info) => {
        recorded.forwards.push(`${info.destIP}:${info.destPort}`);
        const stream = accept();
        const sock = net.connect(info.destPort, info.destIP);
        sockets.add(sock);
        stream.pipe(sock).pipe(stream);
      });
    });
    client.on("error", () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        recorded,
        close: () =>
          new Promise<void>((done) => {
            sockets.forEach((s) => s.destroy());
            clients.forEach((c) => c.end());
            server.close(() => done());
          }),
      });
    });
  });
}
