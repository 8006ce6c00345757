// A headless Chromium for the browser tests and `npm run screenshots`: the system's own, driven
// by puppeteer-core, with a fresh profile each time and nothing fetched from the network on its
// own. Debian's headless shell (`chromium-headless-shell`: Chromium's Blink and V8 without the
// browser around them, puppeteer's `headless: "shell"`) when it is installed: the browser tests
// cost it about a quarter less CPU than the full `chromium`, which is the fallback.
// CHROMIUM_PATH picks another binary.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";

const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
const FULL_CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ?? [HEADLESS_SHELL, FULL_CHROMIUM].find(existsSync) ?? HEADLESS_SHELL;

/** The headless mode a binary runs in: the shell only has the old one (`--headless`). */
export function headlessMode(binary: string): "shell" | true {
  return /headless[-_]shell$/.test(path.basename(binary)) ? "shell" : true;
}

export class ChromiumMissingError extends Error {
  constructor(where: string) {
    super(
      `no Chromium at ${where}: install it (apt-get install -y chromium-headless-shell; .ci/run does) or set CHROMIUM_PATH`,
    );
  }
}

export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) throw new ChromiumMissingError(CHROMIUM_PATH);
  const profile = mkdtempSync(path.join(tmpdir(), "rancher-ha-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: headlessMode(CHROMIUM_PATH),
    args: [
      "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
