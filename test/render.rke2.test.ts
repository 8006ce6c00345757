import { strict as assert } from "node:assert";
import { parse } from "yaml";
import {
  INGRESS_CONTROLLERS,
  RKE2_SERVER_CONFIG_KEYS,
  RKE2_TOKEN_FILE,
  renderRke2ServerConfig,
  type IngressController,
  type LoadBalancerMode,
  type Rke2ServerConfigArgs,
} from "../components/rke2/render";
import { loadRke2ServerConfigKeys } from "./reference";

const HOST = "rancher.example.com";
const NLB = "rancher-cp-0123456789abcdef.elb.eu-west-1.amazonaws.com";
const SERVER_URL = `https://${NLB}:9345`;

/** Args for server i of a 3-server cluster, the way a component derives them. */
function argsFor(i: number, controller: IngressController = "traefik"): Rke2ServerConfigArgs {
  return {
    role: i === 0 ? "init" : "join",
    nodeName: `rancher-server-${i}`,
    ...(i === 0 ? {} : { serverUrl: SERVER_URL }),
    tlsSans: [HOST, NLB],
    ingressController: controller,
  };
}

function render(a: Rke2ServerConfigArgs): Record<string, unknown> {
  const doc: unknown = parse(renderRke2ServerConfig(a));
  assert.ok(doc !== null && typeof doc === "object" && !Array.isArray(doc), "config is a map");
  return doc as Record<string, unknown>;
}

describe("RKE2 server config", () => {
  let referenceKeys: Set<string>;
  before(() => {
    referenceKeys = new Set(loadRke2ServerConfigKeys());
  });

  it("keeps RKE2_SERVER_CONFIG_KEYS equal to the reference key list", () => {
    const missing = RKE2_SERVER_CONFIG_KEYS.filter((k) => !referenceKeys.has(k));
    assert.deepEqual(missing, [], "keys in the source but not in the reference");
    assert.deepEqual(
      [...RKE2_SERVER_CONFIG_KEYS].sort(),
      [...referenceKeys].sort(),
      "source list and reference file differ",
    );
  });

  it("emits only keys from the reference list, for every role and controller", () => {
    for (const controller of INGRESS_CONTROLLERS) {
      for (const i of [0, 1, 2]) {
        const cfg = render({
          ...argsFor(i, controller),
          nodeLabels: ["rancher-ha/role=server"],
          etcdSnapshots: {
            bucket: "backups",
            region: "us-east-1",
            stack: "dev",
            schedule: "0 */6 * * *",
            retention: 28,
            serverCount: 3,
          },
          extra: { "etcd-expose-metrics": true, "kube-apiserver-arg": ["audit-log-maxage=30"] },
        });
        const unknown = Object.keys(cfg).filter((k) => !referenceKeys.has(k));
        assert.deepEqual(unknown, [], `server ${i} (${controller}) emits unknown keys`);
      }
    }
  });

  it("sets server only on joining servers, equal to the given URL", () => {
    assert.ok(!("server" in render(argsFor(0))), "init must not have server");
    for (const i of [1, 2]) assert.equal(render(argsFor(i)).server, SERVER_URL);
  });

  it("puts the hostname and the NLB name into every server's tls-san", () => {
    for (const i of [0, 1, 2]) {
      const sans = render(argsFor(i))["tls-san"];
      assert.ok(Array.isArray(sans), "tls-san is a list");
      assert.ok(sans.includes(HOST), `server ${i} tls-san lacks ${HOST}`);
      assert.ok(sans.includes(NLB), `server ${i} tls-san lacks ${NLB}`);
    }
  });

  it("de-duplicates tls-san (case-insensitively for names) and keeps the order", () => {
    const cfg = render({
      ...argsFor(0),
      tlsSans: [NLB, HOST, NLB.toUpperCase(), "10.0.0.5", HOST],
    });
    assert.deepEqual(cfg["tls-san"], [NLB, HOST, "10.0.0.5"]);
  });

  it("points at the token file and never carries a token", () => {
    for (const i of [0, 1, 2]) {
      const text = renderRke2ServerConfig(argsFor(i));
      const cfg = render(argsFor(i));
      assert.equal(cfg["token-file"], RKE2_TOKEN_FILE);
      assert.ok(!("token" in cfg) && !("agent-token" in cfg), "no token keys");
      assert.doesNotMatch(text, /^\s*(agent-)?token:/m);
    }
    const secret = "K10-super-secret-cluster-token";
    assert.throws(
      () => renderRke2ServerConfig({ ...argsFor(1), extra: { token: secret } }),
      (e: Error) => /token/.test(e.message) && !e.message.includes(secret),
      "a token in extra is refused without echoing it",
    );
    assert.throws(() => renderRke2ServerConfig({ ...argsFor(1), extra: { "agent-token": "x" } }));
  });

  it("sets the fixed production keys", () => {
    for (const controller of INGRESS_CONTROLLERS) {
      const cfg = render(argsFor(1, controller));
      assert.equal(cfg["write-kubeconfig-mode"], "0600", "a string, not the number 600");
      assert.deepEqual(cfg["ingress-controller"], [controller]);
      assert.equal(cfg["node-name"], "rancher-server-1");
    }
  });

  it("has no load balancer mode input: l4 and l7 stacks render identical configs", () => {
    // Compile-time: the argument type has no mode-like key (tsc fails if one is added).
    type ModeKeys = Extract<keyof Rke2ServerConfigArgs, "mode" | "lbMode" | "loadBalancerMode">;
    const noModeKey: [ModeKeys] extends [never] ? true : false = true;
    assert.equal(noModeKey, true);

    // Runtime: derive each server's args from an l4 and an l7 stack, as a component would.
    const fromStack = (mode: LoadBalancerMode, i: number): Rke2ServerConfigArgs => {
      void mode; // the mode picks the Rancher-facing LB; RKE2 registration always uses the NLB
      return argsFor(i, "ingress-nginx");
    };
    for (const i of [0, 1, 2]) {
      assert.equal(
        renderRke2ServerConfig(fromStack("l4", i)),
        renderRke2ServerConfig(fromStack("l7", i)),
      );
    }
    // A mode smuggled in at runtime is refused rather than silently read or ignored.
    const smuggled = { ...argsFor(0), mode: "l7" } as unknown as Rke2ServerConfigArgs;
    assert.throws(() => renderRke2ServerConfig(smuggled), /unknown argument\(s\) mode/);
  });

  it("rejects an unknown extra key, and extra keys the renderer manages", () => {
    assert.throws(
      () => renderRke2ServerConfig({ ...argsFor(0), extra: { "not-an-rke2-key": true } }),
      /"not-an-rke2-key" is not an RKE2 server config key/,
    );
    assert.throws(
      () => renderRke2ServerConfig({ ...argsFor(0), extra: { "tls-san": ["x.example.com"] } }),
      /set by the renderer/,
    );
    assert.throws(
      () => renderRke2ServerConfig({ ...argsFor(0), extra: { "cluster-reset": true } }),
      /one-shot/,
    );
    assert.throws(
      () => renderRke2ServerConfig({ ...argsFor(0), extra: { cni: { name: "canal" } } }),
      /must be a string, number, boolean or list of strings/,
    );
    assert.throws(
      () => renderRke2ServerConfig({ ...argsFor(0), extra: { disable: ["rke2-traefik"] } }),
      /rke2-traefik/,
    );
  });

  it("passes known extra keys through, sorted, after the managed keys", () => {
    const text = renderRke2ServerConfig({
      ...argsFor(0),
      extra: { "etcd-expose-metrics": true, cni: ["canal"] },
    });
    const keys = Object.keys(parse(text) as object);
    assert.deepEqual(keys.slice(-2), ["cni", "etcd-expose-metrics"]);
    assert.equal((parse(text) as Record<string, unknown>)["etcd-expose-metrics"], true);
  });

  it("is deterministic: same input, same bytes, whatever the order extra keys come in", () => {
    const a = renderRke2ServerConfig({ ...argsFor(2), extra: { cni: ["canal"], debug: false } });
    const b = renderRke2ServerConfig({ ...argsFor(2), extra: { debug: false, cni: ["canal"] } });
    assert.equal(a, b);
    assert.deepEqual(Object.keys(render(argsFor(1))), [
      "token-file",
      "server",
      "node-name",
      "tls-san",
      "write-kubeconfig-mode",
      "ingress-controller",
    ]);
  });

  it("validates role, serverUrl, nodeName, tlsSans and node labels", () => {
    const bad: [string, Rke2ServerConfigArgs, RegExp][] = [
      ["join without serverUrl", { ...argsFor(1), serverUrl: undefined }, /needs serverUrl/],
      ["init with serverUrl", { ...argsFor(0), serverUrl: SERVER_URL }, /must not set serverUrl/],
      ["API port", { ...argsFor(1), serverUrl: `https://${NLB}:6443` }, /:9345/],
      ["plain http", { ...argsFor(1), serverUrl: `http://${NLB}:9345` }, /:9345/],
      ["with a path", { ...argsFor(1), serverUrl: `${SERVER_URL}/v1` }, /:9345/],
      ["no port", { ...argsFor(1), serverUrl: `https://${NLB}` }, /:9345/],
      ["bad role", { ...argsFor(0), role: "agent" as "init" }, /role/],
      ["uppercase node name", { ...argsFor(0), nodeName: "Server-0" }, /nodeName/],
      ["empty tls-san", { ...argsFor(0), tlsSans: [] }, /tlsSans/],
      ["bad tls-san", { ...argsFor(0), tlsSans: ["not a name"] }, /tls-san/],
      ["label without =", { ...argsFor(0), nodeLabels: ["role"] }, /node label/],
      ["bad label key", { ...argsFor(0), nodeLabels: ["-x=y"] }, /node label/],
      ["duplicate label", { ...argsFor(0), nodeLabels: ["a=1", "a=2"] }, /twice/],
    ];
    for (const [name, args, message] of bad) {
      assert.throws(() => renderRke2ServerConfig(args), message, name);
    }
    // and the accepted forms
    render({ ...argsFor(1), serverUrl: "https://10.0.1.10:9345" });
    render({
      ...argsFor(1),
      serverUrl: "https://Rancher-CP-0a1b.elb.eu-west-1.amazonaws.com:9345",
    });
    render({ ...argsFor(1), serverUrl: "https://[fd00::10]:9345" });
    render({ ...argsFor(0), nodeLabels: ["topology.example.com/zone=eu-west-1a", "empty="] });
  });
});
