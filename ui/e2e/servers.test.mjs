// The Relays screen in the real window, against the real loopback SSH servers (scripts/ocs-server/ssh-servers.sh):
// import the procedure's list, check the servers (each unknown host key shown and trusted by a click), copy a
// built package to two relays in parallel with a bandwidth limit (a bar per server), read the report, then remove
// the package from the relays. Needs the test servers: skipped without STUDIO_OCS_SERVER (scripts/test.sh sets it).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { By } from "selenium-webdriver";
import { root, Window } from "./support.mjs";

const STATE = "/var/lib/ocs-studio-test";
const KEY = `${STATE}/ssh/id_ed25519`;
const relayDir = (name) => `${STATE}/relays/${name}/download`;
const fingerprint = (name) =>
  spawnSync("ssh-keygen", ["-lf", `${STATE}/ssh/${name}/ssh_host_ed25519_key.pub`], { encoding: "utf8" }).stdout.split(/\s+/)[1];

describe("redistribution servers in the window", { skip: !process.env.STUDIO_OCS_SERVER }, () => {
  const w = new Window("relays");
  let driver;
  let pkg;

  before(async () => {
    // A known_hosts of this test's own: nothing is trusted yet.
    process.env.OCS_STUDIO_KNOWN_HOSTS = path.join(w.work, "known_hosts");
    const app = w.folder("Logiciel relais", { "install.bat": "@echo off\r\nexit /b 0\r\n" });
    fs.writeFileSync(path.join(app, "data.bin"), Buffer.from(Array.from({ length: 6 << 20 }, (_, i) => (i * 2654435761) >>> 24)));
    const cli = path.join(root, "target/debug/ocs-studio");
    const r = spawnSync(cli, ["build", app, "--out", path.join(w.work, "out"), "--action", "execute", "--command", "install.bat", "--fragment-size", "2MiB", "--json"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    pkg = JSON.parse(r.stdout).dir;
    driver = await w.start();
  });
  after(async () => {
    for (const n of ["relay1", "relay2"]) fs.rmSync(path.join(relayDir(n), path.basename(pkg ?? "none")), { recursive: true, force: true });
    await w.stop();
  });

  it("imports the list, trusts each server after a click, copies in parallel and removes the package again", async () => {
    await w.step("relays");
    // WebKitWebDriver drops typed line breaks: the list is pasted (value + input event), as a paste would.
    await w.setValue(
      "import-text",
      [
        "# relais DRAAF",
        `name=relay1 ocsstudio@127.0.0.1:2231 ${relayDir("relay1")} localhost/relay1/download`,
        `name=relay2 ocsstudio@127.0.0.1:2232:${relayDir("relay2")}`,
        "relay3 too many words here",
      ].join("\n"),
    );
    await w.fill("import-key", KEY);
    await w.click("import-list");
    await w.firstOf("import-result", "import-error", 15000);
    const problems = await w.byId("import-problems", 15000);
    assert.match(await problems.getText(), /4/);
    assert.match(await problems.getText(), /mot en trop/);
    await driver.executeScript("document.getElementById('import-problems').scrollIntoView({block: 'center'})");
    await w.shot("relays-import.png");
    assert.equal((await driver.findElements(By.css("#relay-list tbody tr, #relay-list li"))).length, 2);

    // First contact with each server: its fingerprint, as the server's admin reads it, then a click.
    await w.click("check-relays");
    const shown = async () => {
      try {
        const els = await driver.findElements(By.id("trust-fingerprint"));
        return els.length ? await els[0].getText() : null;
      } catch {
        return null; // re-drawn between the find and the read
      }
    };
    for (const name of ["relay1", "relay2"]) {
      await driver.wait(async () => (await shown()) === fingerprint(name), 20000, `the fingerprint of ${name}`);
      if (name === "relay1") await w.shot("relays-trust.png");
      await w.click("trust-accept");
      await driver.wait(async () => (await shown()) !== fingerprint(name), 20000);
    }
    const known = fs.readFileSync(process.env.OCS_STUDIO_KNOWN_HOSTS, "utf8");
    assert.match(known, /^\[127\.0\.0\.1\]:2231 ssh-ed25519 /m);
    assert.match(known, /^\[127\.0\.0\.1\]:2232 ssh-ed25519 /m);
    await driver.wait(async () => (await driver.findElements(By.css("#checks tbody tr"))).length === 2, 20000);

    // Copy at 2 MiB/s per server: both bars move at once.
    await w.fill("copy-folder", pkg);
    await w.fill("copy-limit", "2");
    await w.click("start-copy");
    await w.byId("copy-bars", 10000);
    await driver.sleep(1200);
    await w.shot("relays-copy.png");
    const report = await w.byId("copy-report", 60000);
    const rows = await driver.findElements(By.css("#copy-results tbody tr"));
    assert.equal(rows.length, 2);
    for (const row of rows) assert.equal(await row.getAttribute("data-status"), "copied");
    await w.shot("relays-report.png");
    // Nothing wider than the window (no sideways scroll).
    assert.ok(await driver.executeScript(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "the screen fits the window's width");
    assert.ok(await report.isDisplayed());
    const id = path.basename(pkg);
    for (const n of ["relay1", "relay2"]) assert.ok(fs.existsSync(path.join(relayDir(n), id, "info")), n);

    // Obsolete: removed from both relays (no console session here, so only the relays).
    await w.fill("retire-id", id);
    await w.click("retire");
    await w.click("retire-confirm");
    await driver.wait(async () => (await driver.findElements(By.css("#retire-results tbody tr"))).length === 2, 30000);
    for (const n of ["relay1", "relay2"]) assert.ok(!fs.existsSync(path.join(relayDir(n), id)), n);
  });
});
