// The ingress chart the pinned RKE2 release ships (rke2-traefik / rke2-ingress-nginx, vendored
// byte for byte from rancher/rke2-charts), rendered by a real helm v4 the way RKE2's
// helm-controller installs it: the plan's HelmChartConfig valuesContent, then the globals RKE2
// injects. The HelmChartConfig is the one the front end's ingress tuning commands write.
import * as assert from "node:assert/strict";
import type { IngressController } from "../components/rke2/render";
import { BACKEND_IDLE_MARGIN_SECONDS } from "../components/frontend/ingressHelmChartConfig";
import {
  assertBackendIdleTimeout,
  assertForwardedHeaderTrust,
  assertHealthPath,
  assertHostPorts,
  assertIngressClass,
  assertNoRedirectOnWeb,
  unknownIngressValuePaths,
} from "./chartChecks";
import {
  INGRESS_CHART_NAME,
  ingressChart,
  isVendored,
  kubeVersionOf,
  PlanCharts,
  renderIngress,
  renderPlanCharts,
  RKE2_INGRESS_CHARTS,
} from "./charts";
import { plan } from "./helpers";

interface Case {
  label: string;
  stack: "dev" | "prod";
  overrides: string[];
  controller: IngressController;
  chart: string;
  l7: boolean;
}

const NGINX = ["rke2Version=v1.35.7+rke2r1", "ingressController=ingress-nginx"];

const CASES: Case[] = [
  {
    label: "dev (l4)",
    stack: "dev",
    overrides: [],
    controller: "traefik",
    chart: "rke2-traefik-40.1.009",
    l7: false,
  },
  {
    label: "prod (l7)",
    stack: "prod",
    overrides: [],
    controller: "traefik",
    chart: "rke2-traefik-40.1.009",
    l7: true,
  },
  {
    label: "dev (l4) on RKE2 v1.35.7",
    stack: "dev",
    overrides: NGINX,
    controller: "ingress-nginx",
    chart: "rke2-ingress-nginx-4.15.107",
    l7: false,
  },
  {
    label: "prod (l7) on RKE2 v1.35.7",
    stack: "prod",
    overrides: NGINX,
    controller: "ingress-nginx",
    chart: "rke2-ingress-nginx-4.15.107",
    l7: true,
  },
];

/** The ALB's idle timeout of an l7 plan. */
function albIdleTimeout(r: PlanCharts): number {
  const fe = r.plan.config.frontEnd;
  assert.equal(fe.mode, "l7", "an l7 plan");
  return fe.idleTimeoutSeconds;
}

/** The ranges whose forwarded headers the controller must trust: the new VPC's, in l7. */
function trustedRanges(r: PlanCharts, l7: boolean): string[] {
  const network = r.plan.config.network;
  assert.equal(network.kind, "new", "the fixture stacks create their VPC");
  return l7 ? [network.vpcCidr] : [];
}

describe("real charts: RKE2's ingress controller with the plans' HelmChartConfig (helm v4, offline)", function () {
  this.timeout(180_000);

  for (const c of CASES) {
    describe(`${c.controller}, ${c.label}`, () => {
      let r: PlanCharts;
      before(async () => {
        r = await renderPlanCharts(await plan(c.stack, c.overrides));
      });

      it(`is the chart the pinned RKE2 release ships (${c.chart})`, () => {
        assert.equal(r.controller, c.controller);
        const chart = ingressChart(r.controller, r.plan.config.rke2Version);
        assert.equal(`${chart.name}-${chart.version}`, c.chart);
        assert.ok(r.ingress.length > 5, "rendered");
      });

      it("the chart knows every key of the HelmChartConfig (none silently ignored)", () => {
        assert.deepEqual(
          unknownIngressValuePaths(r.controller, r.plan.config.rke2Version, r.ingressValues),
          [],
        );
      });

      it("its IngressClass, on hostPorts 80 and 443 of every node", () => {
        assertIngressClass(r.controller, r.ingress);
        assertHostPorts(r.controller, r.ingress);
      });

      it(
        c.l7
          ? "trusts the ALB's forwarded headers from the VPC only"
          : "trusts no forwarded headers",
        () => {
          assertForwardedHeaderTrust(r.controller, r.ingress, trustedRanges(r, c.l7));
        },
      );

      it(`health path for the ALB (${c.controller === "traefik" ? "/ping on web, l7 only" : "/healthz"})`, () => {
        assertHealthPath(r.controller, r.ingress, c.l7);
      });

      if (c.l7) {
        it("serves plain HTTP from the ALB: no redirect to https on port 80", () => {
          assertNoRedirectOnWeb(r.controller, r.ingress);
        });
      }

      it(
        c.l7
          ? "keeps idle connections open longer than the ALB does (no 502 on reuse)"
          : "keeps the chart's idle timeout (the NLB passes TCP through)",
        () => {
          const alb = c.l7 ? albIdleTimeout(r) : undefined;
          assert.ok(!c.l7 || alb === 1800, "the fixture's ALB idle timeout");
          assertBackendIdleTimeout(
            r.controller,
            r.ingress,
            alb !== undefined ? alb + BACKEND_IDLE_MARGIN_SECONDS : undefined,
          );
        },
      );
    });
  }

  // The renderer does not depend on the RKE2 patch release: every vendored chart an RKE2 v1.36
  // release ships must take the same HelmChartConfig the same way (README "L7 in detail").
  const vendored = Object.entries(RKE2_INGRESS_CHARTS).flatMap(([rke2, charts]) =>
    (Object.keys(charts) as IngressController[])
      .filter((controller) => isVendored(INGRESS_CHART_NAME[controller], charts[controller]))
      .map((controller) => ({ rke2, controller })),
  );

  it("every vendored ingress chart of RKE2 v1.36 takes the l4 and l7 HelmChartConfig the same way", async () => {
    const seen = new Set<string>();
    for (const { rke2, controller } of vendored) {
      if (!rke2.startsWith("v1.36.")) continue;
      for (const stack of ["dev", "prod"] as const) {
        const l7 = stack === "prod";
        const from = await renderPlanCharts(
          await plan(stack, controller === "traefik" ? [] : NGINX),
        );
        const docs = await renderIngress(controller, rke2, from.ingressValues);
        const label = `${controller} ${ingressChart(controller, rke2).version} (${rke2}, ${stack})`;
        seen.add(`${controller}-${ingressChart(controller, rke2).version}`);
        assert.deepEqual(unknownIngressValuePaths(controller, rke2, from.ingressValues), [], label);
        assertIngressClass(controller, docs);
        assertHostPorts(controller, docs);
        assertForwardedHeaderTrust(controller, docs, trustedRanges(from, l7));
        assertHealthPath(controller, docs, l7);
        if (l7) assertNoRedirectOnWeb(controller, docs);
        assertBackendIdleTimeout(
          controller,
          docs,
          l7 ? albIdleTimeout(from) + BACKEND_IDLE_MARGIN_SECONDS : undefined,
        );
        assert.match(kubeVersionOf(rke2), /^v1\.36\.\d+$/);
      }
    }
    // 39.0.702, 40.1.009, 41.2.001 and 4.14.506, 4.15.107, 4.15.109 (SOURCES.md).
    assert.equal(seen.size, 6, [...seen].join(", "));
  });
});
