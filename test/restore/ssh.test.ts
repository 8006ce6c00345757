// The SSH transport against a real SSH server (ssh2's, in process): what runs, what is written,
// through the bastion too. And ssh2 works without its native binding (npm skips install scripts).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { createRestoreTransport, SshTransport } from "../../automation/transport";
import { keyPair, startServer, type TestServer } from "./sshServer";

const NODE = {
  index: 0,
  nodeName: "rancher-ha-prod-server-1",
  instanceId: "i-01",
  privateIp: "127.0.0.1",
};
const PARAMS = "NODE_NAME=rancher-ha-prod-server-1\nRESTORE_ID=r-1\n";

describe("restore transport: SSH (ssh2 against an in-process server)", function () {
  this.timeout(30_000);
  const key = keyPair();
  let servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it("writes restore.env 0600 over SFTP, then runs the fixed command, streaming its output", async () => {
    const node = await startServer(key.publicKey, (c) =>
      c.endsWith(" status")
        ? { stdout: "RESTORE_ID=\nSNAPSHOT=\nPHASE=\n", code: 0 }
        : { stderr: "ERROR: reset failed\n", code: 1 },
    );
    servers.push(node);
    const t = new SshTransport({
      user: "ubuntu",
      privateKey: key.privateKey,
      address: () => "127.0.0.1",
      port: node.port,
    });
    const chunks: string[] = [];
    const ok = await t.runScript(NODE, {
      script: "rke2-restore.sh",
      params: PARAMS,
      args: ["status"],
      timeoutSeconds: 10,
      onOutput: (c, s) => chunks.push(`${s}:${c}`),
    });
    assert.deepEqual(ok, {
      exitCode: 0,
      stdout: "RESTORE_ID=\nSNAPSHOT=\nPHASE=\n",
      stderr: "",
      timedOut: false,
    });
    assert.deepEqual(chunks, ["stdout:RESTORE_ID=\nSNAPSHOT=\nPHASE=\n"]);
    const failed = await t.runScript(NODE, {
      script: "rke2-restore.sh",
      params: PARAMS,
      args: ["reset"],
      timeoutSeconds: 10,
    });
    assert.equal(failed.exitCode, 1);
    assert.equal(failed.stderr, "ERROR: reset failed\n");
    assert.deepEqual(node.recorded.execs, [
      "sudo -n bash /opt/rancher-ha/node/rke2-restore.sh /opt/rancher-ha/restore.env status",
      "sudo -n bash /opt/rancher-ha/node/rke2-restore.sh /opt/rancher-ha/restore.env reset",
    ]);
    assert.deepEqual(node.recorded.files.get("/opt/rancher-ha/restore.env"), {
      data: PARAMS,
      mode: 0o600,
    });
    assert.deepEqual(node.recorded.users, ["ubuntu"], "one connection, reused");
    await t.close();
  });

  it("gives up after timeoutSeconds and says so", async () => {
    const node = await startServer(key.publicKey, () => ({ code: 0, delayMs: 5_000 }));
    servers.push(node);
    const t = new SshTransport({
      user: "ubuntu",
      privateKey: key.privateKey,
      address: () => "127.0.0.1",
      port: node.port,
    });
    const r = await t.runScript(NODE, {
      script: "rke2-rejoin.sh",
      params: PARAMS,
      args: ["rejoin"],
      timeoutSeconds: 0.3,
    });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    await t.close();
  });

  it("a connection lost mid-command is a result (no crash), and the next step reconnects", async () => {
    let drop = true;
    const node = await startServer(key.publicKey, () =>
      drop
        ? ((drop = false), { stdout: "half", code: 0, drop: true, delayMs: 50 })
        : { stdout: "ok", code: 0 },
    );
    servers.push(node);
    const t = new SshTransport({
      user: "ubuntu",
      privateKey: key.privateKey,
      address: () => "127.0.0.1",
      port: node.port,
    });
    const lost = await t.runScript(NODE, {
      script: "rke2-rejoin.sh",
      params: PARAMS,
      args: ["rejoin"],
      timeoutSeconds: 10,
    });
    assert.equal(lost.exitCode, null);
    assert.equal(lost.timedOut, false);
    const again = await t.runScript(NODE, {
      script: "rke2-rejoin.sh",
      params: PARAMS,
      args: ["rejoin"],
      timeoutSeconds: 10,
    });
    assert.deepEqual([again.exitCode, again.stdout], [0, "ok"]);
    assert.equal(node.recorded.users.length, 2, "reconnected once");
    await t.close();
  });

  it("bastion mode tunnels to the private address through the bastion (direct-tcpip)", async () => {
    const node = await startServer(key.publicKey, () => ({ stdout: "ok\n", code: 0 }));
    const bastion = await startServer(key.publicKey, () => ({ code: 1 }));
    servers.push(node, bastion);
    const t = new SshTransport({
      user: "ubuntu",
      privateKey: key.privateKey,
      address: (n) => n.privateIp,
      port: node.port,
      bastion: { host: "127.0.0.1", port: bastion.port },
    });
    const r = await t.runScript(NODE, {
      script: "rke2-restore.sh",
      params: PARAMS,
      args: ["status"],
      timeoutSeconds: 10,
    });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(bastion.recorded.forwards, [`127.0.0.1:${node.port}`]);
    assert.deepEqual(bastion.recorded.execs, [], "nothing runs on the bastion");
    assert.equal(node.recorded.execs.length, 1);
    await t.close();
  });

  it("refuses a key it was not given and an argument that is not a fixed word", async () => {
    const node = await startServer(key.publicKey, () => ({ code: 0 }));
    servers.push(node);
    const other = keyPair();
    const t = new SshTransport({
      user: "ubuntu",
      privateKey: other.privateKey,
      address: () => "127.0.0.1",
      port: node.port,
    });
    await assert.rejects(
      t.runScript(NODE, {
        script: "rke2-restore.sh",
        params: PARAMS,
        args: ["status"],
        timeoutSeconds: 5,
      }),
      /authentication/i,
    );
    await assert.rejects(
      t.runScript(NODE, {
        script: "rke2-restore.sh",
        params: PARAMS,
        args: ["status; id"],
        timeoutSeconds: 5,
      }),
      /not a fixed word/,
    );
    await t.close();
  });

  it("createRestoreTransport: SSH for public and bastion; SSM only through issue 10's seam", () => {
    const base = { region: "eu-west-1", sshUser: "ubuntu" };
    assert.equal(
      createRestoreTransport({ ...base, nodeAccess: "public" }, { sshPrivateKey: key.privateKey })
        .kind,
      "ssh",
    );
    assert.equal(
      createRestoreTransport(
        { ...base, nodeAccess: "bastion", bastionHost: "203.0.113.5" },
        { sshPrivateKey: key.privateKey },
      ).kind,
      "ssh",
    );
    assert.throws(
      () => createRestoreTransport({ ...base, nodeAccess: "bastion" }, { sshPrivateKey: "k" }),
      /names no bastion/,
    );
    assert.throws(
      () => createRestoreTransport({ ...base, nodeAccess: "public" }, {}),
      /needs the stack's SSH key/,
    );
    assert.throws(
      () => createRestoreTransport({ ...base, nodeAccess: "ssm" }, {}),
      /no SSM transport was given/,
    );
    const fake = {
      kind: "ssm" as const,
      runScript: () => Promise.reject(new Error("x")),
      close: () => Promise.resolve(),
    };
    let region = "";
    const ssm = createRestoreTransport(
      { ...base, nodeAccess: "ssm" },
      { ssm: (t) => ((region = t.region), fake) },
    );
    assert.equal(ssm, fake);
    assert.equal(region, "eu-west-1");
  });

  it("ssh2 needs no install script: a full exchange works with its native binding hidden", () => {
    const script = `
      const Module = require("module");
      const load = Module._load;
      Module._load = function (request, ...rest) {
        if (String(request).endsWith("sshcrypto.node")) throw new Error("no native binding");
        return load.call(this, request, ...rest);
      };
      const crypto = require("ssh2/lib/protocol/crypto.js");
      if (crypto.bindingAvailable) throw new Error("binding still loaded");
      const { Server, Client, utils } = require("ssh2");
      const pair = () => {
        for (;;) {
          const k = utils.generateKeyPairSync("ed25519");
          if (!(utils.parseKey(k.private) instanceof Error)) return k;
        }
      };
      const host = pair();
      const user = pair();
      const server = new Server({ hostKeys: [host.private] }, (c) => {
        c.on("authentication", (ctx) => ctx.accept());
        c.on("ready", () => c.on("session", (a) => a().on("exec", (x) => { const s = x(); s.write("pong"); s.exit(0); s.end(); })));
      });
      server.listen(0, "127.0.0.1", () => {
        const client = new Client();
        client.on("ready", () => client.exec("ping", (err, s) => {
          if (err) throw err;
          let out = "";
          s.on("data", (d) => (out += d));
          s.on("close", () => { console.log(out); client.end(); server.close(); });
        }));
        client.connect({ host: "127.0.0.1", port: server.address().port, username: "u", privateKey: user.private });
      });`;
    const r = spawnSync(process.execPath, ["-e", script], {
      cwd: path.resolve(__dirname, "..", ".."),
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "pong");
  });
});
