// `npm run portal`: the portal's process. The settings come from the environment (PORTAL_*) and
// are checked before the server and the library load, so a refusal (an open portal beyond
// loopback, a bad port) is printed at once, exit 2.
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type * as Server from "./server";
import { settingsFromEnv, SettingsError } from "./settings";

export function main(env: NodeJS.ProcessEnv = process.env): void {
  let settings;
  try {
    settings = settingsFromEnv(env);
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    process.stderr.write(`portal: ${e.message}\n`);
    process.exit(2);
  }
  // Loaded once the settings are good: a refusal answers without loading the Pulumi SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createPortal } = require("./server") as typeof Server;
  const server = createPortal({
    auth: settings.auth,
    allowedStacks: settings.stacks,
    projectDir: path.resolve(__dirname, "../.."),
  });
  server.listen(settings.port, settings.host, () => {
    // The port listened on: PORTAL_PORT=0 lets the system choose one.
    const { port } = server.address() as AddressInfo;
    const where = `http://${settings.host.includes(":") ? `[${settings.host}]` : settings.host}:${port}`;
    const ways = [
      settings.auth.token ? "token" : undefined,
      settings.auth.trustedHeader ? `trusted header ${settings.auth.trustedHeader}` : undefined,
    ].filter(Boolean);
    process.stdout.write(`rancher-ha portal on ${where} (sign-in: ${ways.join(", ")})\n`);
    if (settings.generatedToken) {
      // Loopback only, no PORTAL_TOKEN: a token for this run, shown to whoever started it.
      process.stdout.write(
        `No PORTAL_TOKEN set: sign in at ${where}/login with this token (valid until the portal stops):\n  ${settings.generatedToken}\n`,
      );
    }
  });
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => {
      server.close();
      server.closeAllConnections();
      process.exit(code);
    });
  }
}

if (require.main === module) main();
