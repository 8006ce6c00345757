// The dev stack (L4) evaluated on the mock runtime: what is created, how it is wired, in which
// order, and what stays secret.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { MOCK_SECRET_PREFIX } from "../plan/mocks";
import { plainStrings, Secret, secretStrings } from "../plan/values";
import { byName, ofType, plan, TYPES, unwrap, waitsFor } from "./helpers";

const DEV_ADMIN = "203.0.113.0/24";

describe("program: dev stack (l4)", function () {
  this.timeout(120_000);

  it("creates three servers round-robin over three AZs, hardened", async () => {
    const p = await plan("dev");
    const instances = ofType(p, TYPES.instance);
    assert.equal(instances.length, 3);
    const subnets = new Map(
      ofType(p, TYPES.subnet).map((s) => [`${s.name}-id`, s.inputs.availabilityZone]),
    );
    const azs = instances.map((i) => subnets.get(i.inputs.subnetId as string));
    assert.deepEqual(azs, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.equal(new Set(instances.map((i) => i.name)).size, 3, "unique names");
    for (const i of instances) {
      const md = i.inputs.metadataOptions as Record<string, unknown>;
      assert.equal(md.httpTokens, "required");
      assert.equal(md.httpPutResponseHopLimit, 1);
      const root = i.inputs.rootBlockDevice as Record<string, unknown>;
      assert.equal(root.encrypted, true);
      assert.equal(root.volumeType, "gp3");
      assert.equal(root.volumeSize, 100);
      assert.equal(i.inputs.userData, undefined, "no user data (it is stored in clear text)");
      assert.equal(i.inputs.instanceType, "m6i.xlarge");
      assert.deepEqual(i.ignoreChanges, ["ami"], "a newer default AMI never replaces servers");
      assert.equal(i.deleteBeforeReplace, true);
      const tags = i.inputs.tags as Record<string, string>;
      assert.equal(tags.environment, "dev");
      assert.equal(tags["rancher-ha:stack"], "dev");
    }
  });

  it("tags every taggable AWS resource with the user's tags and the stack tag", async () => {
    const p = await plan("dev");
    const untaggable = new Set([
      TYPES.listener,
      TYPES.attachment,
      TYPES.record,
      "aws:ec2/routeTableAssociation:RouteTableAssociation",
      TYPES.certValidation,
    ]);
    const aws = p.resources.filter(
      (r) => r.custom && r.type.startsWith("aws:") && !untaggable.has(r.type as never),
    );
    assert.ok(aws.length > 30);
    for (const r of aws) {
      const tags = r.inputs.tags as Record<string, string> | undefined;
      assert.ok(tags, `${r.type} ${r.name} has no tags`);
      assert.equal(tags["rancher-ha:stack"], "dev", r.name);
      assert.equal(tags.owner, "platform-team", r.name);
    }
  });

  it("puts one internet-facing, cross-zone NLB with its own security group in front", async () => {
    const p = await plan("dev");
    const lbs = ofType(p, TYPES.lb);
    assert.equal(lbs.length, 1);
    const nlb = lbs[0].inputs;
    assert.equal(nlb.loadBalancerType, "network");
    assert.equal(nlb.internal, false);
    assert.equal(nlb.enableCrossZoneLoadBalancing, true);
    assert.deepEqual(nlb.securityGroups, ["rancher-cp-nlb-id"]);
    assert.equal((nlb.subnets as string[]).length, 3);
  });

  it("wires listeners → target groups → one attachment per server and port", async () => {
    const p = await plan("dev");
    const listeners = ofType(p, TYPES.listener);
    assert.deepEqual(listeners.map((l) => l.inputs.port).sort(), [443, 6443, 80, 9345].sort());
    const groups = new Map(
      ofType(p, TYPES.targetGroup).map((t) => [
        `arn:aws:placeholder:us-east-1:000000000000:${t.name}`,
        t,
      ]),
    );
    const instanceIds = ofType(p, TYPES.instance).map((i) => `${i.name}-id`);
    for (const l of listeners) {
      assert.equal(l.inputs.protocol, "TCP");
      const action = (l.inputs.defaultActions as Record<string, unknown>[])[0];
      assert.equal(action.type, "forward");
      const tg = groups.get(action.targetGroupArn as string);
      assert.ok(tg, `listener ${l.name} forwards to a known target group`);
      assert.equal(tg.inputs.port, l.inputs.port);
      const hc = tg.inputs.healthCheck as Record<string, unknown>;
      assert.equal(hc.protocol, "TCP");
      assert.equal(hc.healthyThreshold, 3);
      assert.equal(hc.interval, 10);
      const attachments = ofType(p, TYPES.attachment).filter(
        (a) => a.inputs.targetGroupArn === action.targetGroupArn,
      );
      assert.deepEqual(attachments.map((a) => a.inputs.targetId).sort(), [...instanceIds].sort());
      for (const a of attachments) assert.equal(a.inputs.port, l.inputs.port);
      // The hairpin trap: nodes reach 6443/9345 through the NLB themselves.
      const expected = [6443, 9345].includes(l.inputs.port as number) ? "false" : "true";
      assert.equal(tg.inputs.preserveClientIp, expected, `preserveClientIp on ${tg.name}`);
    }
  });

  it("opens nothing to the world but 80/443 on the load balancer", async () => {
    const p = await plan("dev");
    const rules = ofType(p, TYPES.ingress);
    const world = rules.filter(
      (r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0",
    );
    assert.deepEqual(world.map((r) => r.inputs.fromPort).sort(), [443, 80]);
    for (const r of world) assert.equal(r.inputs.securityGroupId, "rancher-cp-nlb-id");
    const nodeSg = "rancher-sec-nodes-id";
    // SSH and the API from admins only; nodes get 80/443 only from the NLB's group.
    const fromCidr = rules.filter((r) => r.inputs.securityGroupId === nodeSg && r.inputs.cidrIpv4);
    assert.deepEqual(fromCidr.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4]).sort(), [
      [22, DEV_ADMIN],
      [6443, DEV_ADMIN],
    ]);
    const web = rules.filter(
      (r) => r.inputs.securityGroupId === nodeSg && [80, 443].includes(r.inputs.fromPort as number),
    );
    assert.equal(web.length, 2);
    for (const r of web) assert.equal(r.inputs.referencedSecurityGroupId, "rancher-cp-nlb-id");
    // RKE2's node-to-node ports only between the servers.
    const self = rules.filter((r) => r.name.startsWith("rancher-sec-self-"));
    assert.ok(self.length >= 8);
    for (const r of self) assert.equal(r.inputs.referencedSecurityGroupId, nodeSg);
    assert.ok(self.some((r) => r.inputs.fromPort === 2379 && r.inputs.toPort === 2381));
    assert.ok(self.some((r) => r.inputs.ipProtocol === "udp" && r.inputs.fromPort === 8472));
    // NLB group: 6443 from admins and nodes, 9345 from nodes only.
    const nlbRules = rules.filter((r) => r.inputs.securityGroupId === "rancher-cp-nlb-id");
    const sup = nlbRules.filter((r) => r.inputs.fromPort === 9345);
    assert.deepEqual(
      sup.map((r) => r.inputs.referencedSecurityGroupId),
      [nodeSg],
    );
    const api = nlbRules.filter((r) => r.inputs.fromPort === 6443);
    assert.deepEqual(
      api.map((r) => r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId).sort(),
      [DEV_ADMIN, nodeSg].sort(),
    );
  });

  it("gives every group the egress it needs, explicitly", async () => {
    const p = await plan("dev");
    const egress = ofType(p, TYPES.egress);
    const nodes = egress.filter((e) => e.inputs.securityGroupId === "rancher-sec-nodes-id");
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].inputs.ipProtocol, "-1");
    const lb = egress.filter((e) => e.inputs.securityGroupId === "rancher-cp-nlb-id");
    assert.deepEqual(lb.map((e) => e.inputs.fromPort).sort(), [443, 6443, 80, 9345].sort());
    for (const e of lb) assert.equal(e.inputs.referencedSecurityGroupId, "rancher-sec-nodes-id");
  });

  it("points the hostname's alias record at the NLB, evaluating target health", async () => {
    const p = await plan("dev");
    const record = byName(p, "rancher-dns-alias", TYPES.record);
    assert.equal(record.inputs.name, "rancher-dev.example.com");
    assert.equal(record.inputs.type, "A");
    assert.equal(record.inputs.zoneId, "ZPLACEHOLDERZONE");
    const nlb = ofType(p, TYPES.lb)[0];
    const alias = (record.inputs.aliases as Record<string, unknown>[])[0];
    assert.equal(alias.evaluateTargetHealth, true);
    assert.match(alias.name as string, new RegExp(`^${nlb.name}-[0-9a-f]+\\.elb\\.`));
    assert.ok(record.dependsOn.includes(nlb.urn));
  });

  it("renders each server's RKE2 config: server and tls-san per role, no token", async () => {
    const p = await plan("dev");
    const nlbDns = (p.outputs.controlPlaneEndpoint as string).replace(/^https:\/\/|:6443$/g, "");
    for (const i of [1, 2, 3]) {
      const copy = byName(p, `rancher-rke2-${i}-config`, TYPES.copy);
      assert.equal(copy.inputs.remotePath, "/opt/rancher-ha/config.yaml");
      const cfg = parse((copy.inputs.source as { text: string }).text) as Record<string, unknown>;
      assert.deepEqual(cfg["tls-san"], ["rancher-dev.example.com", nlbDns]);
      assert.equal(cfg["token-file"], "/etc/rancher/rke2/token");
      assert.equal(cfg.token, undefined);
      assert.equal(cfg["node-name"], `rancher-server-${i}`);
      assert.deepEqual(cfg["ingress-controller"], ["traefik"]);
      if (i === 1) assert.equal(cfg.server, undefined, "server 1 initialises");
      else assert.equal(cfg.server, `https://${nlbDns}:9345`);
    }
  });

  it("joins strictly one after another; installs do not wait for joins", async () => {
    const p = await plan("dev");
    const start = (i: number) => byName(p, `rancher-rke2-${i}-start`, TYPES.command);
    const starts = [1, 2, 3].map(start);
    assert.ok(starts[1].dependsOn.includes(starts[0].urn));
    assert.ok(starts[2].dependsOn.includes(starts[1].urn));
    assert.ok(!starts[0].dependsOn.some((u) => u.includes("-start")));
    // Joins go through the NLB: they wait for its supervisor listener.
    const supervisor = byName(p, "rancher-cp-9345", TYPES.listener);
    assert.ok(starts[1].dependsOn.includes(supervisor.urn));
    for (const i of [1, 2, 3]) {
      const install = byName(p, `rancher-rke2-${i}-install`, TYPES.command);
      const closure = waitsFor(p, install);
      for (const s of starts) assert.ok(!closure.has(s.urn), `install ${i} waits for ${s.name}`);
      assert.ok(waitsFor(p, starts[i - 1]).has(install.urn));
    }
  });

  it("passes the join token only as a secret on stdin, never in a command line or file", async () => {
    const p = await plan("dev");
    const token = p.resources.find((r) => r.name === "rancher-rke2-token")!;
    const tokenValue = `${MOCK_SECRET_PREFIX}rancher-rke2-token`;
    const start = byName(p, "rancher-rke2-2-start", TYPES.command);
    assert.ok(start.inputs.stdin instanceof Secret, "stdin is secret");
    assert.ok(String(start.inputs.stdin.value).startsWith(tokenValue));
    assert.ok(token);
    for (const r of p.resources) {
      for (const s of plainStrings(r.inputs)) {
        assert.ok(!s.value.includes(tokenValue), `token in plain ${r.name}.${s.path}`);
      }
    }
    for (const s of plainStrings(p.outputs))
      assert.ok(!s.value.includes(MOCK_SECRET_PREFIX), `output ${s.path}`);
    for (const c of ofType(p, TYPES.command)) {
      assert.match(
        c.inputs.create as string,
        /^(sudo -n |true$)/,
        `${c.name} runs a fixed command`,
      );
    }
  });

  it("keeps kubeconfig, bootstrap password and generated SSH key secret", async () => {
    const p = await plan("dev");
    for (const k of ["kubeconfig", "bootstrapPassword", "sshPrivateKey"]) {
      assert.ok(p.outputs[k] instanceof Secret, `${k} is secret`);
      assert.ok(secretStrings(p.outputs[k]).length > 0);
    }
    for (const k of [
      "rancherUrl",
      "loadBalancerDnsName",
      "controlPlaneEndpoint",
      "serverPublicIps",
      "serverPrivateIps",
    ]) {
      assert.ok(!(p.outputs[k] instanceof Secret), `${k} is plain`);
    }
    assert.equal(p.outputs.rancherUrl, "https://rancher-dev.example.com");
    assert.match(p.outputs.controlPlaneEndpoint as string, /^https:\/\/rancher-cp-nlb-.*:6443$/);
    const kubeconfigCmd = byName(p, "rancher-rke2-kubeconfig", TYPES.command);
    assert.ok(kubeconfigCmd.additionalSecretOutputs.includes("stdout"));
    assert.equal(kubeconfigCmd.inputs.logging, "none");
  });

  it("installs cert-manager, then Rancher after every server joined", async () => {
    const p = await plan("dev");
    const rancher = byName(p, "rancher-install-rancher", TYPES.release);
    const certManager = byName(p, "rancher-install-cert-manager", TYPES.release);
    const closure = waitsFor(p, rancher);
    assert.ok(closure.has(certManager.urn));
    for (const i of [1, 2, 3])
      assert.ok(closure.has(byName(p, `rancher-rke2-${i}-start`).urn), `join ${i}`);
    assert.equal(certManager.inputs.namespace, "cert-manager");
    assert.deepEqual((unwrap(certManager.inputs.values) as Record<string, unknown>).crds, {
      enabled: true,
    });
    assert.equal(certManager.inputs.version, "v1.21.1");
    assert.equal(rancher.inputs.name, "rancher");
    assert.equal(rancher.inputs.namespace, "cattle-system");
    assert.equal(rancher.inputs.version, "2.15.0");
    assert.deepEqual(rancher.inputs.repositoryOpts, {
      repo: "https://releases.rancher.com/server-charts/stable",
    });
    assert.ok(rancher.inputs.values instanceof Secret, "values carry the bootstrap password");
    const values = unwrap(rancher.inputs.values) as Record<string, any>;
    assert.equal(values.hostname, "rancher-dev.example.com");
    assert.equal(values.replicas, 3);
    assert.equal(values.ingress.ingressClassName, "traefik");
    assert.equal(values.ingress.tls.source, "rancher");
    assert.equal(values.bootstrapPassword.startsWith(MOCK_SECRET_PREFIX), true);
  });

  it("skips remote and Kubernetes deletes only when the whole cluster is destroyed", async () => {
    const p = await plan("dev");
    const token = byName(p, "rancher-rke2-token").urn;
    for (const i of [1, 2, 3]) {
      const member = byName(p, `rancher-rke2-${i}-member`, TYPES.command);
      assert.equal(member.deletedWith, token);
      assert.match(member.inputs.delete as string, /rke2-leave\.sh/);
      assert.deepEqual(
        member.inputs.triggers,
        [`rancher-server-${i}-id`],
        "replaced with its instance",
      );
    }
    for (const r of p.resources.filter(
      (x) => x.type.startsWith("kubernetes:") && !x.type.startsWith("pulumi:"),
    )) {
      assert.equal(r.deletedWith, token, r.name);
    }
  });

  it("serverCount and replicas follow config", async () => {
    const p = await plan("dev", ["serverCount=5"]);
    assert.equal(ofType(p, TYPES.instance).length, 5);
    const values = unwrap(byName(p, "rancher-install-rancher").inputs.values) as Record<
      string,
      unknown
    >;
    assert.equal(values.replicas, 3);
    const one = await plan("dev", ["serverCount=1"]);
    assert.equal(
      (unwrap(byName(one, "rancher-install-rancher").inputs.values) as Record<string, unknown>)
        .replicas,
      1,
    );
    assert.ok(one.warnings.some((w) => w.includes("serverCount is 1")));
  });
});
