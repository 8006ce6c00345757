import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CLUSTER_PARAM_KEYS,
  type ClusterParams,
  NODE_PARAM_KEYS,
  renderClusterParams,
  renderNodeParams,
  type NodeParams,
} from "../components/rke2/params";
import { BASH, SCRIPTS_DIR } from "./sandbox/sandbox";

const BASE: NodeParams & ClusterParams = {
  role: "join",
  nodeName: "rancher-ha-dev-server-2",
  rke2Version: "v1.36.3+rke2r1",
  registrationAddress: "rancher-ha-dev-0123456789abcdef.elb.eu-west-1.amazonaws.com",
  controlPlaneEndpoint: "https://rancher-ha-dev-0123456789abcdef.elb.eu-west-1.amazonaws.com:6443",
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "rancher-ha-params-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Both files, as the Pulumi side writes them. */
const renderBoth = (p: NodeParams & ClusterParams) => {
  renderNodeParams(p);
  renderClusterParams(p);
};

/**
 * Reads params.env with lib.sh's read_params (or, with `cluster`, params.env and then cluster.env
 * with read_cluster_params) and prints the keys back as KEY=VALUE.
 */
function readBack(
  text: string,
  cluster?: string,
): { code: number | null; stdout: string; stderr: string } {
  const file = path.join(dir, "params.env");
  fs.writeFileSync(file, cluster === undefined ? text : renderNodeParams(BASE));
  if (cluster !== undefined) fs.writeFileSync(path.join(dir, "cluster.env"), cluster);
  const keys = cluster === undefined ? "PARAM_KEYS" : "CLUSTER_PARAM_KEYS";
  const script = `source "${SCRIPTS_DIR}/lib.sh"
read_params "$1"
${cluster === undefined ? "" : "read_cluster_params"}
for k in "\${${keys}[@]}"; do printf '%s=%s\\n' "$k" "\${!k}"; done`;
  const r = spawnSync(BASH, ["--norc", "-c", script, "reader", file], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, LANG: "C.UTF-8" },
    timeout: 10_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("renderNodeParams, renderClusterParams", () => {
  it("renders sorted KEY=VALUE lines with the defaults and a trailing newline", () => {
    assert.equal(
      renderNodeParams(BASE),
      [
        "APT_LOCK_TIMEOUT=300",
        "ARTIFACT_URL=https://github.com/rancher/rke2/releases/download",
        "CLOUD_INIT_TIMEOUT=600",
        "DOWNLOAD_ATTEMPTS=5",
        "DOWNLOAD_TIMEOUT=120",
        "IMAGES_TIMEOUT=900",
        "IMAGE_ARCHIVES=none",
        "INSTALL_TIMEOUT=600",
        "INSTALL_URL=https://get.rke2.io",
        "LEAVE_TIMEOUT=120",
        "NODE_NAME=rancher-ha-dev-server-2",
        "POLL_INTERVAL=5",
        "READY_TIMEOUT=900",
        "REGISTRATION_TIMEOUT=900",
        "RETRY_INTERVAL=10",
        "RKE2_VERSION=v1.36.3+rke2r1",
        "ROLE=join",
        "",
      ].join("\n"),
    );
    assert.equal(
      renderClusterParams(BASE),
      [
        `CONTROL_PLANE_ENDPOINT=${BASE.controlPlaneEndpoint}`,
        "PEERS=none",
        `REGISTRATION_ADDRESS=${BASE.registrationAddress}`,
        "REGISTRATION_PORT=9345",
        "",
      ].join("\n"),
    );
  });

  it("params.env carries nothing from the load balancers (install never waits for them)", () => {
    const text = renderNodeParams(BASE);
    assert.doesNotMatch(text, /elb|REGISTRATION_ADDRESS|CONTROL_PLANE|PEERS/);
  });

  it("applies overrides, keeps defaults for undefined ones, and renders fractions", () => {
    assert.match(
      renderClusterParams({ ...BASE, registrationPort: 19345 }),
      /^REGISTRATION_PORT=19345$/m,
    );
    const text = renderNodeParams({
      ...BASE,
      installUrl: "https://mirror.example/rke2/install.sh?channel=stable&x=1",
      timeouts: { ready: 0.25, leave: undefined },
      tuning: { downloadAttempts: 2, pollInterval: 0.05 },
    });
    assert.match(
      text,
      /^INSTALL_URL=https:\/\/mirror\.example\/rke2\/install\.sh\?channel=stable&x=1$/m,
    );
    assert.match(text, /^READY_TIMEOUT=0\.25$/m);
    assert.match(text, /^LEAVE_TIMEOUT=120$/m);
    assert.match(text, /^DOWNLOAD_ATTEMPTS=2$/m);
    assert.match(text, /^POLL_INTERVAL=0\.05$/m);
  });

  it("lists exactly the keys lib.sh knows", () => {
    const r = spawnSync(
      BASH,
      ["--norc", "-c", `source "${SCRIPTS_DIR}/lib.sh"; printf '%s\\n' "\${PARAM_KEYS[@]}"`],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n").sort(), [...NODE_PARAM_KEYS].sort());
    const rendered = renderNodeParams(BASE)
      .trim()
      .split("\n")
      .map((l) => l.split("=")[0]);
    assert.deepEqual(rendered, [...NODE_PARAM_KEYS].sort());
    const c = spawnSync(
      BASH,
      [
        "--norc",
        "-c",
        `source "${SCRIPTS_DIR}/lib.sh"; printf '%s\\n' "\${CLUSTER_PARAM_KEYS[@]}"`,
      ],
      { encoding: "utf8" },
    );
    assert.deepEqual(c.stdout.trim().split("\n").sort(), [...CLUSTER_PARAM_KEYS].sort());
    const clusterKeys = renderClusterParams(BASE)
      .trim()
      .split("\n")
      .map((l) => l.split("=")[0]);
    assert.deepEqual(clusterKeys, [...CLUSTER_PARAM_KEYS].sort());
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["a role other than init/join", { role: "server" }, /role "server" is invalid/],
    ["a newline in the node name", { nodeName: "a\nROLE=init" }, /nodeName "a\\nROLE=init"/],
    ["a space in the node name", { nodeName: "server 1" }, /nodeName .*whitespace/],
    ["an upper-case node name", { nodeName: "Server-1" }, /nodeName .*lower-case DNS/],
    ["a quote in the node name", { nodeName: "server'1" }, /nodeName .*quotes/],
    // The config's rule (names.ts isDnsSubdomain): an empty label or one over 63 characters.
    ["an empty label in the node name", { nodeName: "a..b" }, /nodeName .*lower-case DNS/],
    ["a node-name label over 63", { nodeName: `${"a".repeat(64)}.b` }, /nodeName .*lower-case DNS/],
    ["a $ in the address", { registrationAddress: "$(reboot)" }, /registrationAddress .*\$/],
    ["a backtick in the address", { registrationAddress: "`id`.example" }, /registrationAddress/],
    [
      "a backslash in the endpoint",
      { controlPlaneEndpoint: "https://a\\b:6443" },
      /controlPlaneEndpoint/,
    ],
    ["an endpoint with a path", { controlPlaneEndpoint: "https://nlb.example:6443/x" }, /no path/],
    [
      "an http endpoint",
      { controlPlaneEndpoint: "http://nlb.example:6443" },
      /controlPlaneEndpoint/,
    ],
    [
      "an endpoint port out of range",
      { controlPlaneEndpoint: "https://nlb.example:70000" },
      /port/,
    ],
    ["a version without +rke2rN", { rke2Version: "v1.36.3" }, /rke2Version .*v1\.36\.3\+rke2r1/],
    ["a k3s version", { rke2Version: "v1.36.3+k3s1" }, /rke2Version/],
    ["a version without v", { rke2Version: "1.36.3+rke2r1" }, /rke2Version/],
    ["port 0", { registrationPort: 0 }, /registrationPort 0 .*between 1 and 65535/],
    ["port 65536", { registrationPort: 65536 }, /registrationPort 65536/],
    ["a fractional port", { registrationPort: 93.45 }, /registrationPort/],
    ["an ftp install URL", { installUrl: "ftp://get.rke2.io" }, /installUrl .*http/],
    ["a $ in the install URL", { installUrl: "https://get.rke2.io/$(id)" }, /installUrl/],
    ["a space in the install URL", { installUrl: "https://get.rke2.io/ x" }, /installUrl/],
    ["a zero timeout", { timeouts: { ready: 0 } }, /timeouts\.ready 0 .*greater than 0/],
    ["a negative timeout", { timeouts: { leave: -1 } }, /timeouts\.leave -1/],
    ["an infinite timeout", { timeouts: { cloudInit: Infinity } }, /timeouts\.cloudInit/],
    ["a timeout longer than a day", { timeouts: { aptLock: 86401 } }, /timeouts\.aptLock/],
    ["a timeout with too many decimals", { timeouts: { download: 0.0001 } }, /3 decimals/],
    ["zero download attempts", { tuning: { downloadAttempts: 0 } }, /downloadAttempts 0/],
    ["a fractional attempt count", { tuning: { downloadAttempts: 1.5 } }, /downloadAttempts/],
    [
      "an image archive name that could leave the images directory",
      { imageArchives: ["../../etc/rke2-images-core.linux-amd64.tar.zst"] },
      /imageArchives\[0\]/,
    ],
    [
      "an image archive that is not an rke2-images archive",
      { imageArchives: ["rke2.linux-amd64.tar.gz"] },
      /imageArchives\[0\] .*rke2-images-\*\.tar\.zst/,
    ],
    ["a $ in the artifact URL", { artifactUrl: "https://x/$(id)" }, /artifactUrl/],
  ];
  for (const [what, override, message] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(() => renderBoth({ ...BASE, ...override }), message);
    });
  }
});

describe("lib.sh read_params", () => {
  it("reads the renderer's output back identically", () => {
    for (const p of [
      BASE,
      {
        ...BASE,
        role: "init" as const,
        installUrl: "https://mirror.example/install.sh?a=1&b=x;y|z",
        imageArchives: [
          "rke2-images-core.linux-amd64.tar.zst",
          "rke2-images-canal.linux-amd64.tar.zst",
        ],
        registrationAddress: "10.0.12.7",
        timeouts: { ready: 0.5, registration: 1.25 },
        tuning: { retryInterval: 0.001, downloadAttempts: 100 },
      },
    ]) {
      const text = renderNodeParams(p);
      const r = readBack(text);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, text);
    }
  });

  it("takes values literally and never executes them", () => {
    const marker = path.join(dir, "pwned");
    const text = renderNodeParams(BASE).replace(
      /^INSTALL_URL=.*$/m,
      `INSTALL_URL=https://x/$(touch ${marker})\`touch ${marker}\``,
    );
    const r = readBack(text);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^INSTALL_URL=https:\/\/x\/\$\(touch .*\)`touch .*`$/m);
    assert.equal(fs.existsSync(marker), false);
  });

  it("rejects an unknown key, naming it", () => {
    const r = readBack(renderNodeParams(BASE) + "EXTRA_FLAG=1\n");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /params\.env:18: unknown key EXTRA_FLAG/);
    assert.equal(r.stdout, "");
  });

  it("fails naming a missing required key", () => {
    const r = readBack(renderNodeParams(BASE).replace(/^RKE2_VERSION=.*\n/m, ""));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERROR: .*params\.env: missing required key RKE2_VERSION/);
  });

  const malformed: [string, (t: string) => string, RegExp][] = [
    ["a duplicate key", (t) => t + "ROLE=init\n", /duplicate key ROLE/],
    ["a lower-case key", (t) => t + "role=init\n", /:18: not a KEY=VALUE line/],
    ["a comment line", (t) => "# generated\n" + t, /:1: not a KEY=VALUE line/],
    ["an export prefix", (t) => t.replace("ROLE=", "export ROLE="), /not a KEY=VALUE line/],
    [
      "a CRLF line ending",
      (t) => t.replace("ROLE=join\n", "ROLE=join\r\n"),
      /ROLE is empty or not printable/,
    ],
    ["an empty value", (t) => t.replace(/^NODE_NAME=.*$/m, "NODE_NAME="), /NODE_NAME is empty/],
    [
      "a bad role",
      (t) => t.replace("ROLE=join", "ROLE=agent"),
      /ROLE must be init or join, not agent/,
    ],
    [
      "a non-numeric timeout",
      (t) => t.replace("READY_TIMEOUT=900", "READY_TIMEOUT=15m"),
      /READY_TIMEOUT must be seconds > 0/,
    ],
    [
      "a zero timeout",
      (t) => t.replace("READY_TIMEOUT=900", "READY_TIMEOUT=0.0"),
      /READY_TIMEOUT must be seconds > 0/,
    ],
  ];
  for (const [what, mutate, message] of malformed) {
    it(`rejects ${what}`, () => {
      const r = readBack(mutate(renderNodeParams(BASE)));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
    });
  }

  it("reads cluster.env beside params.env back identically", () => {
    const text = renderClusterParams({ ...BASE, peers: ["10.0.1.2", "10.0.2.3"] });
    const r = readBack("", text);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, text);
  });

  it("rejects a bad port or peer list in cluster.env", () => {
    const text = renderClusterParams(BASE);
    const port = readBack("", text.replace("REGISTRATION_PORT=9345", "REGISTRATION_PORT=93x"));
    assert.equal(port.code, 1);
    assert.match(port.stderr, /cluster\.env: REGISTRATION_PORT must be a positive integer/);
    const peers = readBack("", text.replace("PEERS=none", "PEERS=a;b"));
    assert.equal(peers.code, 1);
    assert.match(peers.stderr, /PEERS must be none or comma-separated IPv4 addresses/);
  });

  it("fails naming cluster.env when a step that needs it runs without it", () => {
    fs.writeFileSync(path.join(dir, "params.env"), renderNodeParams(BASE));
    const r = spawnSync(
      BASH,
      [
        "--norc",
        "-c",
        `source "${SCRIPTS_DIR}/lib.sh"; read_params "$1"; read_cluster_params`,
        "x",
        path.join(dir, "params.env"),
      ],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /params file .*cluster\.env is missing or unreadable/);
  });

  it("accepts a file without a trailing newline", () => {
    const text = renderNodeParams(BASE);
    const r = readBack(text.slice(0, -1));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, text);
  });

  it("fails clearly when the file does not exist", () => {
    const r = spawnSync(
      BASH,
      ["--norc", "-c", `source "${SCRIPTS_DIR}/lib.sh"; read_params /nonexistent/params.env`],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /params file \/nonexistent\/params\.env is missing or unreadable/);
  });
});

describe("renderClusterParams: peers", () => {
  const base = {
    role: "init" as const,
    nodeName: "rancher-server-1",
    rke2Version: "v1.36.3+rke2r1",
    registrationAddress: "nlb.example.com",
    controlPlaneEndpoint: "https://api.example.com:6443",
  };
  it("lists the other servers' addresses, or none", () => {
    assert.match(
      renderClusterParams({ ...base, peers: ["10.20.64.11", "10.20.128.12"] }),
      /^PEERS=10\.20\.64\.11,10\.20\.128\.12$/m,
    );
    assert.match(renderClusterParams(base), /^PEERS=none$/m);
  });
  it("rejects anything but IPv4 addresses", () => {
    for (const bad of ["10.0.0.300", "host.example.com", "10.0.0.1,10.0.0.2", "::1"]) {
      assert.throws(() => renderClusterParams({ ...base, peers: [bad] }), /peers\[0\]/, bad);
    }
  });
});
