// Sign-in and request forgery: every page and API route answers 401 to an anonymous request or
// a wrong token, sessions expire, mutating requests with ambient credentials need this portal's
// Origin and the session's CSRF token, the trusted proxy header is off unless configured, and
// the portal refuses to listen beyond loopback without a sign-in method.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import * as path from "node:path";
import { Auth } from "../examples/portal/auth";
import { CONTENT_SECURITY_POLICY } from "../examples/portal/http";
import { PUBLIC_DIR } from "../examples/portal/server";
import { isLoopback, settingsFromEnv, SettingsError } from "../examples/portal/settings";
import { call, devBody, startPortal, TestPortal, TOKEN } from "./portal-helpers";

/** Just what Auth reads from a request. */
function request(headers: Record<string, string>, method = "GET", remote = "127.0.0.1") {
  return { headers, method, socket: { remoteAddress: remote } } as unknown as IncomingMessage;
}

function cookieOf(setCookie: string): string {
  return setCookie.split(";")[0];
}

describe("portal auth: Auth", () => {
  it("bearer token: right → principal, wrong or malformed → anonymous, even with a valid session", () => {
    const auth = new Auth({ token: TOKEN });
    assert.deepEqual(auth.authenticate(request({ authorization: `Bearer ${TOKEN}` })), {
      user: "token",
      via: "bearer",
    });
    assert.equal(auth.authenticate(request({})), undefined);
    assert.equal(auth.authenticate(request({ authorization: `Bearer ${TOKEN}x` })), undefined);
    assert.equal(auth.authenticate(request({ authorization: `Basic ${TOKEN}` })), undefined);
    const cookie = cookieOf(auth.signIn(TOKEN)!);
    assert.equal(auth.authenticate(request({ cookie }))?.via, "session");
    assert.equal(
      auth.authenticate(request({ cookie, authorization: "Bearer wrong" })),
      undefined,
      "a wrong explicit credential is not rescued by the cookie",
    );
  });

  it("sign-in: a wrong token gets no session; the cookie is HttpOnly, SameSite, Path=/, with a lifetime", () => {
    const auth = new Auth({ token: TOKEN, sessionTtlMs: 3_600_000 });
    assert.equal(auth.signIn("wrong"), undefined);
    assert.equal(auth.signIn(""), undefined);
    const set = auth.signIn(TOKEN)!;
    assert.match(set, /^rancher-ha-portal=[A-Za-z0-9_-]{43}; /);
    for (const attr of ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=3600"]) {
      assert.ok(set.split("; ").includes(attr), `${attr} in ${set}`);
    }
    assert.ok(!set.includes("Secure"), "plain-HTTP loopback: not Secure");
    const secure = new Auth({ token: TOKEN, secureCookie: true }).signIn(TOKEN)!;
    assert.match(secure, /^__Host-rancher-ha-portal=.*; Secure$/);
  });

  it("an expired session cookie is anonymous (and forgotten); sign-out ends a session", () => {
    let now = 1_000_000;
    const auth = new Auth({ token: TOKEN, sessionTtlMs: 60_000, now: () => now });
    const cookie = cookieOf(auth.signIn(TOKEN)!);
    now += 59_000;
    const p = auth.authenticate(request({ cookie }));
    assert.equal(p?.via, "session");
    now += 2_000;
    assert.equal(auth.authenticate(request({ cookie })), undefined);
    now -= 2_000;
    assert.equal(auth.authenticate(request({ cookie })), undefined, "deleted, not just stale");
    const again = cookieOf(auth.signIn(TOKEN)!);
    const q = auth.authenticate(request({ cookie: again }))!;
    assert.match(auth.signOut(q), /Max-Age=0/);
    assert.equal(auth.authenticate(request({ cookie: again })), undefined);
  });

  it("CSRF: cookie requests need the session's token and this portal's Origin; bearer requests need neither", () => {
    const auth = new Auth({ token: TOKEN });
    const cookie = cookieOf(auth.signIn(TOKEN)!);
    const p = auth.authenticate(request({ cookie }))!;
    const csrf = auth.csrfToken(p)!;
    const post = (headers: Record<string, string>) =>
      request({ host: "portal.test:8080", cookie, ...headers }, "POST");
    const refuses = (headers: Record<string, string>, why: RegExp) =>
      assert.throws(
        () => auth.checkCsrf(post(headers), p),
        (e: { status: number; message: string }) => e.status === 403 && why.test(e.message),
      );
    const origin = "http://portal.test:8080";
    refuses({ origin }, /missing or wrong x-csrf-token/);
    refuses({ origin, "x-csrf-token": "nope" }, /missing or wrong x-csrf-token/);
    refuses(
      {
        origin,
        "x-csrf-token": auth.csrfToken(
          auth.authenticate(request({ cookie: cookieOf(auth.signIn(TOKEN)!) }))!,
        )!,
      },
      /x-csrf-token/,
    );
    refuses(
      { origin: "https://evil.example", "x-csrf-token": csrf },
      /Origin https:\/\/evil\.example/,
    );
    refuses({ origin: "null", "x-csrf-token": csrf }, /Origin null/);
    refuses({ "x-csrf-token": csrf }, /no Origin header/);
    refuses({ "x-csrf-token": csrf, "sec-fetch-site": "cross-site" }, /no Origin header/);
    auth.checkCsrf(post({ origin, "x-csrf-token": csrf }), p);
    auth.checkCsrf(post({ "sec-fetch-site": "same-origin", "x-csrf-token": csrf }), p);
    auth.checkCsrf(request({ cookie }, "GET"), p); // safe methods change nothing
    auth.checkCsrf(request({}, "POST"), { user: "token", via: "bearer" });
    // Behind a proxy that rewrites Host, the configured public origin is the one accepted.
    const proxied = new Auth({ token: TOKEN, origin: "https://portal.example.com" });
    const c2 = cookieOf(proxied.signIn(TOKEN)!);
    const p2 = proxied.authenticate(request({ cookie: c2 }))!;
    const t2 = proxied.csrfToken(p2)!;
    proxied.checkCsrf(
      request(
        { host: "127.0.0.1:8080", origin: "https://portal.example.com", "x-csrf-token": t2 },
        "POST",
      ),
      p2,
    );
    assert.throws(() =>
      proxied.checkCsrf(
        request(
          { host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080", "x-csrf-token": t2 },
          "POST",
        ),
        p2,
      ),
    );
  });

  it("trusted header: off by default; when on, honoured only from the trusted proxies", () => {
    const header = { "x-forwarded-email": "ana@example.com" };
    assert.equal(new Auth({ token: TOKEN }).authenticate(request(header)), undefined);
    const proxied = new Auth({ trustedHeader: "X-Forwarded-Email" });
    assert.deepEqual(proxied.authenticate(request(header)), {
      user: "ana@example.com",
      via: "header",
    });
    assert.equal(
      proxied.authenticate(request(header, "GET", "::ffff:127.0.0.1"))?.user,
      "ana@example.com",
    );
    assert.equal(proxied.authenticate(request(header, "GET", "10.1.2.3")), undefined);
    assert.equal(proxied.authenticate(request({ "x-forwarded-email": " " })), undefined);
    assert.equal(proxied.signInForm, false);
    assert.equal(proxied.signIn("anything"), undefined);
    const only = new Auth({ trustedHeader: "X-Forwarded-Email", trustedProxies: ["10.1.2.3"] });
    assert.equal(only.authenticate(request(header, "GET", "10.1.2.3"))?.via, "header");
    assert.equal(only.authenticate(request(header)), undefined, "loopback not trusted then");
    // The header is an ambient credential too: mutations need its CSRF token.
    const p = proxied.authenticate(request(header))!;
    assert.throws(() =>
      proxied.checkCsrf(request({ ...header, origin: "http://h", host: "h" }, "POST"), p),
    );
    proxied.checkCsrf(
      request(
        { ...header, origin: "http://h", host: "h", "x-csrf-token": proxied.csrfToken(p)! },
        "POST",
      ),
      p,
    );
    assert.throws(() => new Auth({}), /needs a sign-in method/);
  });
});

describe("portal auth: settings", () => {
  it("PORTAL_PORT defaults to 8080 and the bind address to 127.0.0.1, where a run-only token is generated", () => {
    const s = settingsFromEnv({});
    assert.equal(s.port, 8080);
    assert.equal(s.host, "127.0.0.1");
    assert.match(s.generatedToken ?? "", /^[A-Za-z0-9_-]{32}$/);
    assert.equal(s.auth.token, s.generatedToken);
    assert.equal(s.auth.secureCookie, false);
    assert.equal(s.auth.trustedHeader, undefined, "the trusted header is off by default");
    const set = settingsFromEnv({ PORTAL_PORT: "9090", PORTAL_HOST: "::1", PORTAL_TOKEN: TOKEN });
    assert.equal(set.port, 9090);
    assert.equal(set.host, "::1");
    assert.equal(set.generatedToken, undefined);
    assert.equal(set.auth.token, TOKEN);
  });

  it("refuses to listen beyond loopback without a sign-in setting; accepts a token or a trusted header", () => {
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "portal.internal"]) {
      assert.throws(
        () => settingsFromEnv({ PORTAL_HOST: host }),
        (e: Error) =>
          e instanceof SettingsError &&
          e.message.includes(`refusing to listen on ${host} without sign-in`) &&
          e.message.includes("PORTAL_TOKEN"),
      );
    }
    const token = settingsFromEnv({ PORTAL_HOST: "0.0.0.0", PORTAL_TOKEN: TOKEN });
    assert.equal(token.auth.secureCookie, true, "reachable from elsewhere: HTTPS in front");
    const proxy = settingsFromEnv({
      PORTAL_HOST: "0.0.0.0",
      PORTAL_TRUSTED_HEADER: "X-Forwarded-Email",
      PORTAL_TRUSTED_PROXIES: "10.0.0.9",
    });
    assert.equal(proxy.auth.token, undefined);
    assert.deepEqual(proxy.auth.trustedProxies, ["10.0.0.9"]);
    assert.throws(() => settingsFromEnv({ PORTAL_TOKEN: "short" }), /at least 16 characters/);
    assert.throws(() => settingsFromEnv({ PORTAL_PORT: "http" }), /PORTAL_PORT/);
    assert.throws(
      () => settingsFromEnv({ PORTAL_ORIGIN: "https://x.example/path" }),
      /PORTAL_ORIGIN/,
    );
    assert.throws(() => settingsFromEnv({ PORTAL_TRUSTED_PROXIES: "proxy" }), /not an IP/);
    const origin = settingsFromEnv({
      PORTAL_TOKEN: TOKEN,
      PORTAL_ORIGIN: "https://portal.example.com",
    });
    assert.equal(origin.auth.secureCookie, true);
    assert.ok(isLoopback("127.0.0.1") && isLoopback("127.1.2.3") && isLoopback("localhost"));
    assert.ok(isLoopback("::1") && isLoopback("[::1]"));
    assert.ok(!isLoopback("0.0.0.0") && !isLoopback("::") && !isLoopback("192.168.1.1"));
  });

  it("`npm run portal` exits 2 with the reason instead of starting open on 0.0.0.0", () => {
    const tsx = path.join(__dirname, "..", "node_modules", ".bin", "tsx");
    const r = spawnSync(tsx, [path.join(__dirname, "..", "examples", "portal", "main.ts")], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORTAL_HOST: "0.0.0.0" },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^portal: refusing to listen on 0\.0\.0\.0 without sign-in/);
  });

  it("`npm run portal` with good settings serves the sign-in page where it says, and stops on SIGTERM", async () => {
    const tsx = path.join(__dirname, "..", "node_modules", ".bin", "tsx");
    const child = spawn(tsx, [path.join(__dirname, "..", "examples", "portal", "main.ts")], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORTAL_TOKEN: TOKEN,
        PORTAL_PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      let out = "";
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      // PORTAL_PORT=0: the line names the port the system chose.
      const where = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /^rancher-ha portal on (http:\/\/127\.0\.0\.1:(\d+)) \(sign-in: token\)$/m.exec(
            out,
          );
          if (m && m[2] !== "0") resolve(m[1]);
        });
        child.on("exit", () => reject(new Error(`portal exited: ${out}${err}`)));
        setTimeout(() => reject(new Error(`no address after 20 s: ${out}${err}`)), 20_000).unref();
      });
      const login = await fetch(`${where}/login`);
      assert.equal(login.status, 200);
      assert.match(await login.text(), /<form/);
      child.kill("SIGTERM");
      assert.equal(await exited, 143, err);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("portal auth: over HTTP", function () {
  this.timeout(30_000);
  let portal: TestPortal;
  let now = Date.now();
  const anonymous = {};

  before(async () => {
    portal = await startPortal({
      allowedStacks: ["sandbox"],
      auth: { token: TOKEN, sessionTtlMs: 3_600_000, now: () => now },
    });
  });
  after(() => portal.close());
  beforeEach(() => (now = Date.now()));

  async function signIn(): Promise<{ cookie: string; csrf: string }> {
    const res = await fetch(`${portal.base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: portal.base },
      body: new URLSearchParams({ token: TOKEN, next: "/stacks/dev" }).toString(),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/stacks/dev");
    const cookie = cookieOf(res.headers.get("set-cookie") ?? "");
    const session = await call(portal.base, "GET", "/api/session", undefined, { cookie });
    assert.equal(session.status, 200);
    return { cookie, csrf: session.body.csrfToken as string };
  }

  it("every API route and page answers 401 to an anonymous request (and to a wrong token); the engine is not touched", async () => {
    const routes: [string, string][] = [
      ["GET", "/"],
      ["GET", "/stacks/dev"],
      ["GET", "/stacks/dev/operations/x"],
      ["GET", "/nothing"],
      ["POST", "/logout"],
      ["GET", "/api/session"],
      ["GET", "/api/schema"],
      ["GET", "/api/stacks"],
      ["GET", "/api/stacks/dev"],
      ["POST", "/api/stacks/dev/validate"],
      ["POST", "/api/stacks/dev/preview"],
      ["POST", "/api/stacks/dev/up"],
      ["POST", "/api/stacks/dev/refresh"],
      ["POST", "/api/stacks/dev/destroy"],
      ["POST", "/api/stacks/dev/cancel"],
      ["GET", "/api/stacks/dev/events"],
      ["GET", "/api/stacks/dev/operations/x"],
      ["GET", "/api/stacks/dev/outputs"],
      ["GET", "/api/stacks/dev/plan"],
      ["POST", "/api/stacks/dev/plan"],
      ["GET", "/api/nothing"],
    ];
    for (const headers of [anonymous, { authorization: "Bearer not-the-token-at-all" }]) {
      for (const [method, route] of routes) {
        const body = method === "POST" ? devBody() : undefined;
        const r = await call(portal.base, method, route, body, headers);
        assert.equal(r.status, 401, `${method} ${route}`);
        assert.equal(r.headers.get("www-authenticate"), 'Bearer realm="rancher-ha portal"');
        if (route.startsWith("/api/")) {
          assert.match(r.body.error, /^sign in first/);
        } else {
          assert.match(r.text, /<form method="post" action="\/login"/, "the sign-in form");
        }
      }
    }
    assert.deepEqual(portal.engine.calls, []);
    // What anyone may fetch: the sign-in page and the static assets it needs.
    assert.equal((await call(portal.base, "GET", "/login", undefined, anonymous)).status, 200);
    assert.equal(
      (await call(portal.base, "GET", "/assets/portal.css", undefined, anonymous)).status,
      200,
    );
  });

  it("sign-in form: a wrong token sends you back with no cookie; the right one to where you were going, never off-site", async () => {
    const wrong = await fetch(`${portal.base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: portal.base },
      body: new URLSearchParams({
        token: "wrong-token-wrong-token",
        next: "/stacks/dev",
      }).toString(),
    });
    assert.equal(wrong.status, 303);
    assert.equal(wrong.headers.get("location"), "/login?failed=1&next=%2Fstacks%2Fdev");
    assert.equal(wrong.headers.get("set-cookie"), null);
    for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example"]) {
      const r = await fetch(`${portal.base}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: portal.base },
        body: new URLSearchParams({ token: TOKEN, next }).toString(),
      });
      assert.equal(r.headers.get("location"), "/", next);
    }
    const forged = await fetch(`${portal.base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://evil.example",
      },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    assert.equal(forged.status, 403, "login CSRF");
    const { cookie } = await signIn();
    const page = await call(portal.base, "GET", "/stacks/dev", undefined, { cookie });
    assert.equal(page.status, 200);
    assert.match(page.text, /<script type="module" src="\/assets\/stack\.js">/);
  });

  it("an expired session cookie gets 401 on pages and the API", async () => {
    const { cookie } = await signIn();
    assert.equal(
      (await call(portal.base, "GET", "/api/stacks/dev", undefined, { cookie })).status,
      200,
    );
    now += 3_600_001;
    assert.equal(
      (await call(portal.base, "GET", "/api/stacks/dev", undefined, { cookie })).status,
      401,
    );
    assert.equal(
      (await call(portal.base, "GET", "/stacks/dev", undefined, { cookie })).status,
      401,
    );
  });

  it("CSRF over HTTP: a cookie-authenticated POST without the token, with a wrong one, or from another Origin is 403 and starts nothing", async () => {
    const { cookie, csrf } = await signIn();
    const post = (headers: Record<string, string>) =>
      call(portal.base, "POST", "/api/stacks/dev/preview", devBody(), { cookie, ...headers });
    for (const [headers, why] of [
      [{ origin: portal.base }, /x-csrf-token/],
      [{ origin: portal.base, "x-csrf-token": "forged" }, /x-csrf-token/],
      [{ origin: "https://evil.example", "x-csrf-token": csrf }, /Origin https:\/\/evil\.example/],
      [{ "x-csrf-token": csrf }, /no Origin header/],
    ] as [Record<string, string>, RegExp][]) {
      const r = await post(headers);
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.match(r.body.error, why);
    }
    assert.deepEqual(portal.engine.calls, [], "nothing started");
    const ok = await post({ origin: portal.base, "x-csrf-token": csrf });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    // Sign-out is a mutation too.
    assert.equal(
      (await call(portal.base, "POST", "/logout", undefined, { cookie, origin: portal.base }))
        .status,
      403,
    );
    const out = await call(portal.base, "POST", "/logout", undefined, {
      cookie,
      origin: portal.base,
      "x-csrf-token": csrf,
    });
    assert.equal(out.status, 303);
    assert.equal(
      (await call(portal.base, "GET", "/api/session", undefined, { cookie })).status,
      401,
    );
  });

  it("security headers on every answer: a CSP without inline scripts, nosniff, no framing", async () => {
    const { cookie } = await signIn();
    for (const [route, headers] of [
      ["/", { cookie }],
      ["/api/stacks", { cookie }],
      ["/assets/app.js", {}],
      ["/stacks/dev", {}],
    ] as [string, Record<string, string>][]) {
      const r = await call(portal.base, "GET", route, undefined, headers);
      assert.equal(r.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY, route);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
      assert.equal(r.headers.get("x-frame-options"), "DENY");
    }
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
    assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /https?:|\*/, "nothing from another origin");
    // No inline script or event handler in any page (the CSP would block them anyway).
    for (const f of readdirSync(PUBLIC_DIR).filter((n) => n.endsWith(".html"))) {
      const html = readFileSync(path.join(PUBLIC_DIR, f), "utf8");
      for (const tag of html.match(/<script\b[^>]*>/g) ?? [])
        assert.match(tag, / src="\/assets\//, `${f}: ${tag}`);
      assert.doesNotMatch(html, /<script\b[^>]*>(?!<\/script>)/, `${f}: inline script`);
      assert.doesNotMatch(html, /\son[a-z]+=/i, `${f}: inline event handler`);
    }
  });
});
