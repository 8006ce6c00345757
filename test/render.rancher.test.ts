import { strict as assert } from "node:assert";
import * as os from "node:os";
import * as path from "node:path";
import { INGRESS_CONTROLLERS, type IngressController } from "../components/rke2/render";
import {
  RANCHER_TLS_SECRET_NAME,
  needsCertManager,
  renderCertManagerValues,
  renderRancherValues,
  type RancherTls,
  type RancherValuesArgs,
} from "../components/rancher/values";
import {
  coalesceValues,
  loadRancherValuesYaml,
  parseKnownValueKeys,
  at,
  referenceFile,
  rancherValuesCheck,
  unknownValuePaths,
  type KnownValueKeys,
  type RancherValuesCheck,
} from "./reference";

const TLS_CASES: Record<string, RancherTls> = {
  rancher: { mode: "ingress", source: "rancher" },
  letsEncrypt: {
    mode: "ingress",
    source: "letsEncrypt",
    email: "ops@example.com",
    environment: "staging",
  },
  secret: { mode: "ingress", source: "secret" },
  secretPrivateCA: { mode: "ingress", source: "secret", privateCA: true },
  external: { mode: "external" },
};

function args(over: Partial<RancherValuesArgs> = {}): RancherValuesArgs {
  return {
    hostname: "rancher.example.com",
    replicas: 3,
    bootstrapPassword: "correct-horse-battery",
    ingressController: "traefik",
    tls: { mode: "external" },
    ...over,
  };
}

const CLASS: Record<IngressController, string> = { traefik: "traefik", "ingress-nginx": "nginx" };

describe("reference: values.yaml key parser", () => {
  let known: KnownValueKeys;
  before(() => {
    known = parseKnownValueKeys(loadRancherValuesYaml());
  });

  it("knows real keys and keys documented only in comments", () => {
    for (const p of [
      "hostname", // `# hostname: rancher.my.org`
      "letsEncrypt.email", // `  # email: none@example.com`
      "letsEncrypt.ingress.class",
      "ingress.tls.source",
      "ingress.tls.secretName",
      "ingress.configurationSnippet",
      "auditLog.image.registry",
      "customLogos.volumeName",
      "postDelete.ignoreTimeoutError",
      "postDelete.timeout",
      "proxy",
    ]) {
      assert.ok(known.paths.has(p), `${p} should be known`);
    }
  });

  it("does not count prose, list-item examples or unknown keys", () => {
    for (const p of [
      "ingress.tls.bogus",
      "ingress.tls.options", // `# options: rancher, letsEncrypt, secret`
      "auditLog.image.options",
      "auditLog.image.Optional",
      "extraObjects.kind", // inside a commented `- apiVersion:` example
      "extraEnv.value",
      "gateway.gatewayClass.protocol",
      "letsEncrypt.bogus",
    ]) {
      assert.ok(!known.paths.has(p), `${p} should be unknown`);
    }
    assert.ok(known.maps.has("ingress.tls") && !known.maps.has("tls"));
    assert.ok(known.openMaps.has("ingress.extraAnnotations"));
  });

  it("handles indentation, block scalars and list items in a small document", () => {
    const k = parseKnownValueKeys(
      [
        "a:",
        "  b: 1",
        "  # c: commented",
        "  snippet: |",
        "    notakey: 1",
        "  list:",
        "  - name: x",
        "    inner: y",
        "# top: 1",
        "#   under: 2",
        "d: {}",
      ].join("\n"),
    );
    assert.deepEqual(
      [...k.paths].sort(),
      ["a", "a.b", "a.c", "a.list", "a.snippet", "d", "top", "top.under"].sort(),
    );
    assert.deepEqual([...k.openMaps], ["d"]);
  });

  it("flags unknown paths and scalars where the chart has a map (the check can fail)", () => {
    const good = { ingress: { tls: { source: "secret" } }, hostname: "x" };
    assert.deepEqual(unknownValuePaths(good, known), []);
    assert.deepEqual(unknownValuePaths({ ingress: { tls: { bogus: 1 } } }, known), [
      "ingress.tls.bogus: not a key of the chart's values.yaml",
    ]);
    assert.equal(
      unknownValuePaths({ letsEncrypt: { ingres: { class: "nginx" } } }, known).length,
      1,
    );
    assert.equal(unknownValuePaths({ tls: { source: "rancher" } }, known).length, 1);
    assert.deepEqual(unknownValuePaths({ ingress: "x" }, known), [
      "ingress: the chart expects a map here",
    ]);
    // free-form maps take any key
    assert.deepEqual(
      unknownValuePaths({ ingress: { extraAnnotations: { "a.b/c": "1" } } }, known),
      [],
    );
  });

  it("coalesces values the way Helm does before schema validation", () => {
    const merged = coalesceValues(
      { a: { b: 1, c: [1], d: "x" }, e: 1, f: 2 },
      { a: { b: 2, c: [] }, e: null, g: { h: 1 } },
    );
    assert.deepEqual(merged, { a: { b: 2, c: [], d: "x" }, f: 2, g: { h: 1 } });
  });

  it("fails with a clear message when the reference directory is missing", () => {
    const missing = path.join(os.tmpdir(), "no-such-dir", "upstream");
    assert.throws(
      () => referenceFile("values.yaml", missing),
      /Reference data directory not found/,
    );
  });
});

describe("Rancher values", () => {
  let known: KnownValueKeys;
  let validate: RancherValuesCheck["validate"];
  let check: RancherValuesCheck["check"];
  before(() => ({ known, validate, check } = rancherValuesCheck()));

  it("validate against the chart schema and values.yaml keys for every combination", () => {
    let n = 0;
    for (const [name, tls] of Object.entries(TLS_CASES)) {
      for (const controller of INGRESS_CONTROLLERS) {
        for (const auditLog of [undefined, { level: 2 as const }]) {
          const values = renderRancherValues(
            args({ tls, ingressController: controller, auditLog }),
          );
          check(values, `${name}/${controller}/audit=${auditLog ? "on" : "off"}`);
          n++;
        }
      }
    }
    assert.equal(n, 20);
  });

  it("a deliberately bad value fails the schema, a bad key fails the key check", () => {
    assert.ok(validate({}), "the chart defaults alone must validate");
    const values = renderRancherValues(args({ auditLog: { level: 1 } }));
    assert.ok(!validate({ ...values, agentTLSMode: "trust-me" }), "bad agentTLSMode accepted");
    assert.ok(
      !validate({ ...values, auditLog: { enabled: true, level: 7 } }),
      "bad level accepted",
    );
    assert.ok(
      !validate({ ...values, service: { disableHTTP: true }, ingress: { servicePort: 80 } }),
      "disableHTTP with port 80 accepted",
    );
    const bad = { ...values, ingress: { ...(values.ingress as object), tls: { bogus: true } } };
    assert.deepEqual(unknownValuePaths(bad, known), [
      "ingress.tls.bogus: not a key of the chart's values.yaml",
    ]);
  });

  it("external: tls external, no ingress.tls, system-store, no cert-manager", () => {
    for (const controller of INGRESS_CONTROLLERS) {
      const v = renderRancherValues(
        args({ tls: TLS_CASES.external, ingressController: controller }),
      );
      assert.equal(v.tls, "external");
      assert.equal(at(v, "ingress", "tls"), undefined, "no ingress.tls");
      assert.ok(!("letsEncrypt" in v), "no letsEncrypt block");
      assert.equal(v.agentTLSMode, "system-store");
      assert.equal(at(v, "ingress", "ingressClassName"), CLASS[controller]);
    }
    assert.equal(needsCertManager(TLS_CASES.external), false);
  });

  it("ingress TLS from rancher: source rancher, strict agents, cert-manager", () => {
    const v = renderRancherValues(args({ tls: TLS_CASES.rancher }));
    assert.equal(v.tls, "ingress");
    assert.deepEqual(at(v, "ingress", "tls"), { source: "rancher" });
    assert.equal(v.agentTLSMode, "strict");
    assert.equal(needsCertManager(TLS_CASES.rancher), true);
    assert.throws(
      () => renderRancherValues(args({ tls: TLS_CASES.rancher, agentTLSMode: "system-store" })),
      /system-store cannot work/,
    );
  });

  it("ingress TLS from Let's Encrypt: email, environment and class per controller", () => {
    for (const controller of INGRESS_CONTROLLERS) {
      const v = renderRancherValues(
        args({ tls: TLS_CASES.letsEncrypt, ingressController: controller }),
      );
      assert.equal(v.tls, "ingress");
      assert.deepEqual(at(v, "ingress", "tls"), { source: "letsEncrypt" });
      assert.deepEqual(v.letsEncrypt, {
        email: "ops@example.com",
        environment: "staging",
        ingress: { class: CLASS[controller] },
      });
      assert.equal(v.agentTLSMode, "system-store");
    }
    assert.equal(needsCertManager(TLS_CASES.letsEncrypt), true);
  });

  it("ingress TLS from a secret: tls-rancher-ingress, no cert-manager", () => {
    const v = renderRancherValues(args({ tls: TLS_CASES.secret }));
    assert.deepEqual(at(v, "ingress", "tls"), {
      source: "secret",
      secretName: RANCHER_TLS_SECRET_NAME,
    });
    assert.equal(v.agentTLSMode, "system-store");
    assert.ok(!("letsEncrypt" in v));
    assert.ok(!("privateCA" in v), "a public certificate: the chart clears cacerts");
    assert.equal(needsCertManager(TLS_CASES.secret), false);
  });

  it("a secret from a private CA: privateCA (the tls-ca secret) and strict agents", () => {
    // The chart mounts tls-ca/cacerts.pem as Rancher's cacerts only with privateCA; agents in
    // strict mode then verify against exactly that CA (rancher/rancher v2.15.0).
    const v = renderRancherValues(args({ tls: TLS_CASES.secretPrivateCA }));
    assert.equal(v.privateCA, true);
    assert.equal(v.agentTLSMode, "strict");
    assert.deepEqual(at(v, "ingress", "tls"), {
      source: "secret",
      secretName: RANCHER_TLS_SECRET_NAME,
    });
    assert.equal(needsCertManager(TLS_CASES.secretPrivateCA), false);
    for (const tls of [TLS_CASES.rancher, TLS_CASES.letsEncrypt, TLS_CASES.external]) {
      assert.ok(!("privateCA" in renderRancherValues(args({ tls }))), JSON.stringify(tls));
    }
  });

  it("always sets ingressClassName, and honours an explicit agentTLSMode", () => {
    for (const [name, tls] of Object.entries(TLS_CASES)) {
      for (const controller of INGRESS_CONTROLLERS) {
        const v = renderRancherValues(args({ tls, ingressController: controller }));
        assert.equal(
          at(v, "ingress", "ingressClassName"),
          CLASS[controller],
          `${name}/${controller}`,
        );
      }
    }
    const v = renderRancherValues(args({ tls: TLS_CASES.secret, agentTLSMode: "strict" }));
    assert.equal(v.agentTLSMode, "strict");
  });

  it("audit log: enabled, sidecar, the given level; absent when not asked for", () => {
    const v = renderRancherValues(args({ auditLog: { level: 3 } }));
    assert.deepEqual(v.auditLog, { enabled: true, destination: "sidecar", level: 3 });
    assert.ok(!("auditLog" in renderRancherValues(args())));
  });

  it("post-delete hook cannot block an uninstall forever", () => {
    const v = renderRancherValues(args());
    assert.equal(at(v, "postDelete", "ignoreTimeoutError"), true);
    assert.notEqual(at(v, "postDelete", "enabled"), false);
    assert.equal(at(v, "postDelete", "timeout"), undefined, "chart default timeout kept");
  });

  it("passes hostname, replicas and bootstrap password through", () => {
    const v = renderRancherValues(args({ replicas: 1 }));
    assert.equal(v.hostname, "rancher.example.com");
    assert.equal(v.replicas, 1);
    assert.equal(v.bootstrapPassword, "correct-horse-battery");
  });

  it("is deterministic", () => {
    const a = JSON.stringify(
      renderRancherValues(args({ tls: TLS_CASES.letsEncrypt, auditLog: { level: 1 } })),
    );
    const b = JSON.stringify(
      renderRancherValues(args({ auditLog: { level: 1 }, tls: TLS_CASES.letsEncrypt })),
    );
    assert.equal(a, b);
    assert.deepEqual(Object.keys(renderRancherValues(args({ tls: TLS_CASES.letsEncrypt }))), [
      "hostname",
      "replicas",
      "bootstrapPassword",
      "tls",
      "ingress",
      "letsEncrypt",
      "agentTLSMode",
      "postDelete",
    ]);
  });

  // The renderer's own rule; what the user sets is validated by the config (config.*.test.ts).
  it("refuses a replica count the chart would not run", () => {
    for (const replicas of [0, 4, 1.5]) {
      assert.throws(() => renderRancherValues(args({ replicas })), /replicas/, String(replicas));
    }
  });
});

describe("cert-manager values", () => {
  it("installs CRDs with crds.enabled, not the deprecated installCRDs", () => {
    const v = renderCertManagerValues();
    assert.deepEqual(v, { crds: { enabled: true } });
    assert.ok(!("installCRDs" in v));
  });
});
