// "SSM in a box" (design-10 §13): the SSM steps SsmTransport registers for a server, run by the
// real runner (bin/ssm-step.ts's main) against a fake SSM API whose SendCommand executes the
// received script in a sandbox node (real bash, real OpenSSL, stubbed RKE2 tools). The token
// must reach rke2-start.sh and the kubeconfig come back, while nothing SSM keeps — command
// parameters, stdout, stderr — ever holds the token, the kubeconfig or a private key.
import { base64Forms } from "./base64Forms";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { main } from "../bin/ssm-step";
import { SsmTransport } from "../components/access/ssm";
import type { RecordedResource } from "../plan/mocks";
import { plainStrings, Secret } from "../plan/values";
import type { KeyPair } from "../ssm/seal";
import { TransportCluster } from "./access/cluster";
import { record } from "./access/record";
import { privatePem, sharedKeyPair } from "./keys";
import {
  DEFAULT_CONFIG,
  INSTALL_URL,
  KUBECONFIG_FIXTURE,
  NLB,
  NODE_NAME,
  REPO_DIR,
  SCRIPTS_DIR,
  Sandbox,
  TEST_VERSION,
  testParams,
} from "./sandbox/sandbox";
import { FakeClock, FakeSsm } from "./ssm/fake";
import { runOnNode } from "./ssm/node";

/** Every base64 payload in a sent script, decoded (gunzipped where it is a copy). */
function decodedPayloads(script: string): string {
  const out: string[] = [];
  const re = /<<'RANCHER_HA_DATA'\n([\s\S]*?)\nRANCHER_HA_DATA$/gm;
  for (const m of script.matchAll(re)) {
    const data = Buffer.from(m[1].replace(/\n/g, ""), "base64");
    out.push(
      data[0] === 0x1f && data[1] === 0x8b
        ? gunzipSync(data).toString("utf8")
        : data.toString("utf8"),
    );
  }
  return out.join("\n");
}

const INSTANCE = "i-0b0c0d0e0f0a1b2c3";
const ORDER = ["stage", "scripts", "params", "cluster", "config", "install", "member", "start"].map(
  (s) => `rancher-rke2-1-${s}`,
);

describe("ssm: SSM in a box (leak test)", function () {
  this.timeout(180_000);
  let sb: Sandbox;
  let recorded: RecordedResource[];
  let api: FakeSsm;
  const runnerErr: string[] = [];
  const stdouts = new Map<string, string>();
  const runnerKeys: KeyPair[] = [];
  const nodeKeys = new Set<string>();

  before(async () => {
    sb = new Sandbox();
    const p = testParams();
    recorded = await record(() => {
      new TransportCluster("rancher-rke2", {
        transport: new SsmTransport({ region: "eu-west-1" }),
        servers: [
          {
            nodeName: NODE_NAME,
            instanceId: INSTANCE,
            publicIp: "198.51.100.7",
            privateIp: "10.0.1.7",
          },
        ],
        rke2Version: TEST_VERSION,
        ingressController: "traefik",
        hostname: "rancher.example.com",
        registrationHost: NLB,
        apiHost: NLB,
        registrationReady: [],
        params: { installUrl: INSTALL_URL, timeouts: p.timeouts, tuning: p.tuning },
        configText: DEFAULT_CONFIG,
      });
    });
    api = new FakeSsm(async (script) => {
      const { invocation } = await runOnNode(sb, script);
      // Every one-run node key that ever existed, to prove none left the node.
      const run = sb.rootPath("/run/rancher-ha");
      if (fs.existsSync(run)) {
        for (const f of fs.readdirSync(run).filter((x) => x.endsWith(".key"))) {
          nodeKeys.add(fs.readFileSync(path.join(run, f), "utf8"));
        }
      }
      return [invocation];
    });
    const steps = [...ORDER, "rancher-rke2-kubeconfig"].map((n) => {
      const r = recorded.find((x) => x.name === n);
      assert.ok(r, n);
      return r;
    });
    for (const r of steps) {
      const env = r.inputs.environment as Record<string, string>;
      const raw = r.inputs.stdin instanceof Secret ? r.inputs.stdin.value : r.inputs.stdin;
      const stdin = typeof raw === "string" ? raw : "";
      const argv = String(r.inputs.create).split(" ").slice(-1);
      const out: string[] = [];
      const err: string[] = [];
      const code = await main({
        argv,
        env,
        readStdin: () => Promise.resolve(stdin),
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        projectDir: REPO_DIR,
        api,
        clock: new FakeClock(),
        newKeyPair: () => {
          const k = sharedKeyPair("runner");
          runnerKeys.push(k);
          return k;
        },
      });
      runnerErr.push(...err);
      assert.equal(code, 0, `${r.name} failed:\n${err.join("")}`);
      stdouts.set(r.name, out.join(""));
    }
  });
  after(() => sb.cleanup());

  const token = () => {
    const start = recorded.find((r) => r.name === "rancher-rke2-1-start")!;
    return String((start.inputs.stdin as Secret).value);
  };
  const expectedKubeconfig = KUBECONFIG_FIXTURE.replace(
    "https://127.0.0.1:6443",
    `https://${NLB}:6443`,
  );

  it("the steps ran on the node: files staged, RKE2 installed, membership claimed, server started", () => {
    for (const f of fs.readdirSync(SCRIPTS_DIR)) {
      assert.deepEqual(
        fs.readFileSync(sb.rootPath(`/opt/rancher-ha/node/${f}`)),
        fs.readFileSync(path.join(SCRIPTS_DIR, f)),
        f,
      );
    }
    assert.equal(sb.read("/opt/rancher-ha/config.yaml"), DEFAULT_CONFIG);
    assert.match(sb.read("/opt/rancher-ha/params.env"), /^NODE_NAME=rancher-ha-test-server-1$/m);
    assert.equal(sb.mode("/opt/rancher-ha"), 0o700);
    assert.ok(sb.exists("/usr/local/bin/rke2"));
    assert.ok(sb.exists("/var/lib/rancher-ha/members/ssm"));
    assert.equal(sb.runningVersion, TEST_VERSION);
  });

  it("the join token reached rke2-start.sh", () => {
    assert.equal(sb.read("/etc/rancher/rke2/token"), `${token()}\n`);
  });

  it("the kubeconfig came back through the runner's stdout, and nothing else did", () => {
    assert.equal(stdouts.get("rancher-rke2-kubeconfig"), expectedKubeconfig);
    for (const n of ORDER) assert.equal(stdouts.get(n), "", n);
  });

  it("no SendCommand parameter, stdout or stderr holds the token, the kubeconfig or a private key", () => {
    const secrets: [string, string][] = [
      ["token", token()],
      ["token secret part", token().slice(-16)],
      ["kubeconfig client key", "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg=="],
      ["kubeconfig", expectedKubeconfig.slice(0, 200)],
      ...runnerKeys.map((k, i): [string, string] => [
        `runner key ${i + 1}`,
        privatePem(k).split("\n")[1],
      ]),
      ...[...nodeKeys].map((k, i): [string, string] => [`node key ${i + 1}`, k.split("\n")[1]]),
    ];
    assert.equal(runnerKeys.length, 1, "one runner key, for the kubeconfig");
    assert.equal(nodeKeys.size, 1, "one node key, for the token");
    const sent = api.sent;
    assert.ok(sent.length >= 9, `${sent.length} commands`);
    const places: [string, string][] = [
      ["SendCommand requests", JSON.stringify(api.requests)],
      ["files inside the commands, decoded", api.scripts.map(decodedPayloads).join("\n")],
      ["node stdout/stderr", api.outputs.join("\n")],
      ["runner stderr (the Pulumi log)", runnerErr.join("")],
    ];
    for (const [what, secret] of secrets) {
      assert.ok(secret.length >= 16, what);
      for (const [where, text] of places) {
        for (const form of [secret, ...base64Forms(secret)]) {
          assert.ok(
            !text.includes(form),
            `${what} found in ${where}${form === secret ? "" : " (base64)"}`,
          );
        }
      }
    }
  });

  it("no local command holds a secret in environment, create, update or delete", () => {
    for (const r of recorded.filter((x) => x.type === "command:local:Command")) {
      for (const field of ["environment", "create", "update", "delete"]) {
        assert.ok(!(r.inputs[field] instanceof Secret));
        for (const s of plainStrings(r.inputs[field])) {
          assert.ok(!s.value.includes(token()), `${r.name}.${field}`);
        }
      }
    }
  });

  it("the one-run keys and work files are gone from the node", () => {
    assert.deepEqual(fs.readdirSync(sb.rootPath("/run/rancher-ha")), []);
    assert.deepEqual(fs.readdirSync(path.join(sb.dir, "tmp")), []);
  });
});
