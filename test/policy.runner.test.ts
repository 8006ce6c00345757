// The real policy pack served by Pulumi's own policy runner (`run-policy-pack`, what `pulumi up
// --policy-pack policy` starts), spoken to over gRPC as the engine would.
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { RULE_NAMES, RULES, TYPES } from "../policy/rules";

/** The engine's wire sentinels (pulumi sdk): an unknown string, and a secret's signature. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });

const urnOf = (type: string, name: string) => `urn:pulumi:dev::rancher-ha::${type}::${name}`;

describe("policy pack served by Pulumi's policy runner (as `--policy-pack policy` runs it)", function () {
  this.timeout(120_000);
  let pack: ChildProcess | undefined;
  let client: AnalyzerClient;
  let stderr = "";

  before(async () => {
    const root = path.resolve(__dirname, "..");
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [root] });
    // The CLI starts the runner in the pack directory with the engine address and ".".
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
      cwd: path.join(root, "policy"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    pack = child;
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const line = /^(\d+)\s*$/m.exec(out);
        if (line) resolve(line[1]);
      });
      child.on("exit", (code) => reject(new Error(`policy pack exited (${code}): ${stderr}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    pack?.kill();
  });

  /** The four calls the engine makes, as promises. */
  const rpc = {
    info: () =>
      new Promise<analyzer.AnalyzerInfo>((ok, fail) =>
        client.getAnalyzerInfo(new Empty(), (e, r) => (e ? fail(e) : ok(r))),
      ),
    analyze: (req: analyzer.AnalyzeRequest) =>
      new Promise<analyzer.AnalyzeResponse>((ok, fail) =>
        client.analyze(req, (e, r) => (e ? fail(e) : ok(r))),
      ),
    analyzeStack: (req: analyzer.AnalyzeStackRequest) =>
      new Promise<analyzer.AnalyzeResponse>((ok, fail) =>
        client.analyzeStack(req, (e, r) => (e ? fail(e) : ok(r))),
      ),
    configure: (req: analyzer.ConfigureAnalyzerRequest) =>
      new Promise<void>((ok, fail) => client.configure(req, (e) => (e ? fail(e) : ok()))),
  };

  function options(protect = false, additionalSecretOutputs: string[] = []) {
    return new analyzer.AnalyzerResourceOptions()
      .setProtect(protect)
      .setAdditionalsecretoutputsList(additionalSecretOutputs);
  }

  async function analyze(
    type: string,
    name: string,
    props: Record<string, unknown>,
    protect = false,
  ) {
    const req = new analyzer.AnalyzeRequest()
      .setType(type)
      .setName(name)
      .setUrn(urnOf(type, name))
      .setProperties(Struct.fromJavaScript(props as never))
      .setOptions(options(protect));
    const res = await rpc.analyze(req);
    return res.getDiagnosticsList().map((d) => ({
      policy: d.getPolicyname(),
      message: d.getMessage(),
      level: d.getEnforcementlevel(),
    }));
  }

  /** A resource as AnalyzeStack gets it, with one dependency URN per named property. */
  function resource(
    type: string,
    name: string,
    props: Record<string, unknown>,
    deps: Record<string, string> = {},
  ) {
    const r = new analyzer.AnalyzerResource()
      .setType(type)
      .setName(name)
      .setUrn(urnOf(type, name))
      .setProperties(Struct.fromJavaScript(props as never))
      .setOptions(options());
    for (const [k, urn] of Object.entries(deps)) {
      r.getPropertydependenciesMap().set(
        k,
        new analyzer.AnalyzerPropertyDependencies().setUrnsList([urn]),
      );
    }
    return r;
  }

  it("answers GetAnalyzerInfo with the pack's name and every policy", async () => {
    const info = await rpc.info();
    assert.equal(info.getName(), "rancher-ha");
    assert.equal(info.getVersion(), "0.1.0");
    assert.deepEqual(
      info.getPoliciesList().map((p) => p.getName()),
      RULE_NAMES,
    );
    for (const p of info.getPoliciesList()) {
      assert.equal(p.getEnforcementlevel(), analyzer.EnforcementLevel.MANDATORY, p.getName());
    }
    const protection = info
      .getPoliciesList()
      .find((p) => p.getName() === "lb-deletion-protection-when-protected");
    assert.deepEqual(protection?.getConfigschema()?.getProperties()?.toJavaScript(), {
      requireProtection: {
        type: "boolean",
        default: false,
        description: "The stack is configured with protect: true (rancher-ha:protect).",
      },
    });
  });

  it("blocks an instance with IMDSv1 and an unencrypted root volume, naming the policies", async () => {
    const diags = await analyze(TYPES.instance, "rancher-server-1", {
      ami: UNKNOWN_STRING,
      metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: false },
    });
    assert.deepEqual(
      diags.map((d) => d.policy),
      ["imdsv2-required", "encrypted-root-volume"],
    );
    assert.ok(diags.every((d) => d.level === analyzer.EnforcementLevel.MANDATORY));
    // The SDK prefixes the policy's description to the rule's message.
    assert.match(
      diags[0].message,
      /\nmetadataOptions\.httpTokens is "optional": set it to "required"/,
    );
  });

  it("passes the stack's own instance shape", async () => {
    const diags = await analyze(TYPES.instance, "rancher-server-1", {
      ami: UNKNOWN_STRING,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: { encrypted: true, volumeType: "gp3" },
    });
    assert.deepEqual(diags, []);
  });

  it("checks a world-open SSH rule during preview, with the group still unknown", async () => {
    const diags = await analyze(TYPES.ingressRule, "rancher-sec-ssh-admin", {
      securityGroupId: UNKNOWN_STRING,
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/0",
    });
    assert.deepEqual(
      diags.map((d) => d.policy),
      ["no-world-ingress-except-web", "admin-ports-restricted"],
    );
  });

  it("sees a secret-wrapped stdin (unwrapped by the SDK) on a command that logs stdout", async () => {
    const diags = await analyze(TYPES.remoteCommand, "rancher-rke2-1-start", {
      create: "start",
      stdin: secret("token"),
    });
    assert.deepEqual(
      diags.map((d) => d.policy),
      ["remote-commands-no-secret-logging"],
    );
    const quiet = await analyze(TYPES.remoteCommand, "rancher-rke2-1-start", {
      create: "start",
      stdin: secret("token"),
      logging: "stderr",
    });
    assert.deepEqual(quiet, []);
  });

  it("reports world-open 443 on a group no public LB uses, in AnalyzeStack, with its URN", async () => {
    const sgUrn = urnOf(TYPES.securityGroup, "rancher-cp-nlb");
    const nodesUrn = urnOf(TYPES.securityGroup, "rancher-sec-nodes");
    const lb = resource(
      TYPES.lbLoadBalancer,
      "rancher-cp-nlb",
      { loadBalancerType: "network", internal: false, securityGroups: ["sg-1"] },
      { securityGroups: sgUrn },
    );
    const rule = (name: string, groupId: string, groupUrn: string) =>
      resource(
        TYPES.ingressRule,
        name,
        {
          securityGroupId: groupId,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
        },
        { securityGroupId: groupUrn },
      );
    const req = new analyzer.AnalyzeStackRequest().setResourcesList([
      lb,
      rule("rancher-l4-https", "sg-1", sgUrn),
      rule("stray-https", "sg-2", nodesUrn),
    ]);
    const res = await rpc.analyzeStack(req);
    assert.deepEqual(
      res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getUrn()]),
      [["no-world-ingress-except-web", urnOf(TYPES.ingressRule, "stray-https")]],
    );
  });

  it("reports the servers' group opened too widely, in AnalyzeStack, with IDs unknown", async () => {
    const groupUrn = (name: string) => urnOf(TYPES.securityGroup, name);
    const server = resource(
      TYPES.instance,
      "rancher-server-1",
      { vpcSecurityGroupIds: [UNKNOWN_STRING] },
      { vpcSecurityGroupIds: groupUrn("rancher-sec-nodes") },
    );
    const lb = resource(
      TYPES.lbLoadBalancer,
      "rancher-cp-int",
      { loadBalancerType: "network", internal: true, securityGroups: [UNKNOWN_STRING] },
      { securityGroups: groupUrn("rancher-cp-int") },
    );
    const onServers = (name: string, port: number, source: Record<string, unknown>) =>
      resource(
        TYPES.ingressRule,
        name,
        {
          securityGroupId: UNKNOWN_STRING,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          ...source,
        },
        {
          securityGroupId: groupUrn("rancher-sec-nodes"),
          ...(source.referencedSecurityGroupId
            ? { referencedSecurityGroupId: groupUrn("rancher-cp-int") }
            : {}),
        },
      );
    const fromLb = onServers("supervisor-from-lb", 9345, {
      referencedSecurityGroupId: UNKNOWN_STRING,
    });
    const fromCidr = onServers("supervisor-from-cidr", 9345, { cidrIpv4: "10.0.0.0/8" });
    // The resource phase cannot tell whose group a rule is on: nothing there.
    assert.deepEqual(
      await analyze(TYPES.ingressRule, "supervisor-from-cidr", {
        securityGroupId: UNKNOWN_STRING,
        ipProtocol: "tcp",
        fromPort: 9345,
        toPort: 9345,
        cidrIpv4: "10.0.0.0/8",
      }),
      [],
    );
    // The SDK keeps only the dependencies it finds among the request's resources (the engine
    // sends them all): the groups must be there for the URN links to hold.
    const groups = ["rancher-sec-nodes", "rancher-cp-int"].map((name) =>
      resource(TYPES.securityGroup, name, { vpcId: "vpc-1" }),
    );
    const res = await rpc.analyzeStack(
      new analyzer.AnalyzeStackRequest().setResourcesList([
        ...groups,
        server,
        lb,
        fromLb,
        fromCidr,
      ]),
    );
    const rule = RULES.find((r) => r.name === "node-ingress-least-privilege");
    // The SDK prefixes each message with the policy's description.
    assert.deepEqual(
      res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getUrn(), d.getMessage()]),
      [
        [
          "node-ingress-least-privilege",
          urnOf(TYPES.ingressRule, "supervisor-from-cidr"),
          `${rule?.description}\n` +
            "opens TCP 9345 on the servers' security group to 10.0.0.0/8: 9345 (RKE2 supervisor) on the servers may only be opened to the servers' own group or a load balancer's group",
        ],
      ],
    );
  });

  it("enforces protection once the pack is configured with requireProtection", async () => {
    const lbProps = { loadBalancerType: "network", enableDeletionProtection: false };
    assert.deepEqual(await analyze(TYPES.lbLoadBalancer, "rancher-cp-nlb", lbProps), []);
    // The example config file README.md passes with --policy-pack-config, as the CLI sends it.
    const file = JSON.parse(
      readFileSync(path.resolve(__dirname, "../policy/require-protection.json"), "utf8"),
    ) as Record<string, Record<string, boolean>>;
    assert.deepEqual(Object.keys(file), ["lb-deletion-protection-when-protected"]);
    const config = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, props] of Object.entries(file)) {
      config
        .getPolicyconfigMap()
        .set(
          name,
          new analyzer.PolicyConfig()
            .setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY)
            .setProperties(Struct.fromJavaScript(props)),
        );
    }
    await rpc.configure(config);
    const diags = await analyze(TYPES.lbLoadBalancer, "rancher-cp-nlb", lbProps);
    assert.deepEqual(
      diags.map((d) => d.policy),
      ["lb-deletion-protection-when-protected", "lb-deletion-protection-when-protected"],
    );
    assert.deepEqual(
      await analyze(
        TYPES.lbLoadBalancer,
        "rancher-cp-nlb",
        { ...lbProps, enableDeletionProtection: true },
        true,
      ),
      [],
    );
  });
});
