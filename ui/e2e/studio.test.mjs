// End-to-end tests of the real window: tauri-driver + WebKitWebDriver under Xvfb, driven by selenium.
// Run with: xvfb-run -a -s "-screen 0 1280x800x24" npm run e2e  (after npm run app:build:debug)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { By, Window, realMsi, root, until } from "./support.mjs";

const w = new Window("e2e");
const work = w.work;
let driver;
const shot = (name) => w.shot(name);
const dropFolder = (folder) => w.dropFolder(folder);
const appFolder = (name, files) => w.folder(name, files);
const firstOf = (id, errorId, ms) => w.firstOf(id, errorId, ms);

describe("OCS Package Studio window", () => {
  before(async () => {
    driver = await w.start();
  });

  after(async () => {
    await w.stop();
  });

  it("opens on the drop zone and switches between French and English", async () => {
    const zone = await driver.wait(until.elementLocated(By.id("drop-zone")), 15000);
    const before = await zone.getText();
    await driver.findElement(By.id("lang")).click();
    const afterText = await driver.findElement(By.id("drop-zone")).getText();
    assert.notEqual(before, afterText);
    const texts = [before, afterText].join("\n");
    assert.match(texts, /Déposez le dossier de l'application ici/);
    assert.match(texts, /Drop the application folder here/);
    // Leave the window in French, the admins' language, for the rest of the run.
    if (!afterText.includes("Déposez")) await driver.findElement(By.id("lang")).click();
    await shot("start.png");
  });

  it("builds a dropped folder with progress, then shows the verification", async () => {
    const folder = appFolder("Mon Appli", {
      "install.bat": "@echo off\r\nmsiexec /i \"Mon Appli.msi\" /passive /norestart\r\n",
      "config/réglages.ini": "[main]\nserveur=ocs\n",
    });
    realMsi(folder, "Mon Appli.msi", "Mon Appli", "2.1.0");
    await dropFolder(folder);
    const count = await driver.wait(until.elementLocated(By.id("file-count")), 15000);
    assert.match(await count.getText(), /^3 /);
    const installers = await driver.findElement(By.id("installers")).getText();
    assert.match(installers, /Mon Appli\.msi/);
    assert.match(installers, /Mon Appli · 2\.1\.0 · ACME Logiciels/);
    assert.match(installers, /ProductCode \{[0-9A-F-]{36}\}/);
    assert.equal(await driver.findElement(By.id("name")).getAttribute("value"), "Mon Appli");
    assert.equal(await driver.findElement(By.id("version")).getAttribute("value"), "2.1.0");
    const out = path.join(work, "out");
    const outInput = await driver.findElement(By.id("out-dir"));
    await outInput.clear();
    await outInput.sendKeys(out);
    // The procedure's default priority (5): the loopback server takes 1-9 like a real one.
    assert.equal(await driver.findElement(By.id("priority")).getAttribute("value"), "5");
    await shot("analysis.png");
    await driver.findElement(By.id("build")).click();
    await driver.wait(until.elementLocated(By.id("verify-ok")), 30000);
    const id = await driver.findElement(By.id("package-id")).getText();
    assert.match(id, /^\d+$/);
    const dir = path.join(out, id);
    assert.ok(fs.existsSync(path.join(dir, "info")), "info written");
    assert.ok(fs.existsSync(path.join(dir, `${id}-1`)), "fragment written");
    const info = fs.readFileSync(path.join(dir, "info"), "utf8");
    assert.match(info, /ACT="LAUNCH"/);
    assert.match(await driver.findElement(By.id("result")).getText(), /Mon Appli 2\.1\.0/);
    await shot("built.png");
  });

  // The server screens against the real loopback OCS server (scripts/test.sh starts it and sets STUDIO_OCS_SERVER).
  it("publishes the package, deploys it to ALPHA and explains the agent's result", { skip: !process.env.STUDIO_OCS_SERVER }, async () => {
    // The ALPHA computer this test deploys to: registered (or brought up to date) by the real agent, whatever ran before.
    const register = spawnSync("bash", [path.join(root, "scripts/ocs-server/agent-run.sh"), "ALPHA"], { env: { ...process.env, OCS_AGENT_TIMEOUT: "60" } });
    assert.equal(register.status, 0, `agent-run.sh failed: ${register.stderr}`);
    await driver.findElement(By.id("to-publish")).click();
    const fill = async (id, value) => {
      const el = await driver.wait(until.elementLocated(By.id(id)), 10000);
      await el.clear();
      await el.sendKeys(value);
    };
    await fill("srv-url", process.env.STUDIO_OCS_SERVER);
    await fill("srv-user", "admin");
    await fill("srv-ca", process.env.STUDIO_OCS_CA);
    await fill("srv-password", process.env.STUDIO_OCS_PASSWORD);
    const remember = await driver.findElement(By.id("srv-remember"));
    if (await remember.isSelected()) await remember.click();
    await driver.findElement(By.id("connect")).click();
    const connected = await driver.wait(until.elementLocated(By.id("connected")), 20000);
    assert.match(await connected.getText(), /2\.11\.1/);
    await fill("pub-name", `Mon Appli e2e ${Date.now()}`);
    assert.match(await driver.findElement(By.id("frag-tradeoff")).getText(), /réglage global/);
    await shot("publish.png");
    await driver.findElement(By.id("publish")).click();
    const idEl = await firstOf("server-id", "publish-error", 60000);
    const serverId = await idEl.getText();
    assert.match(serverId, /^\d+$/);
    assert.ok(fs.existsSync(path.join("/var/lib/ocsinventory-reports/download", serverId, "info")), "the server holds it");
    await shot("published.png");

    await driver.findElement(By.id("to-deploy")).click();
    await driver.wait(until.elementLocated(By.id("dep-search")), 10000).click();
    const count = await driver.wait(until.elementLocated(By.id("computer-count")), 20000);
    assert.match(await count.getText(), /^1 /, "one computer has a TAG containing ALPHA");
    assert.match(await driver.findElement(By.id("computers")).getText(), /ALPHA/);
    await shot("deploy.png");
    await driver.findElement(By.id("affect")).click();
    const deployed = await driver.wait(until.elementLocated(By.id("deployed")), 20000);
    assert.match(await deployed.getText(), /^✔ 1 /);

    // The real agent runs it: install.bat is a Windows script, so the Unix agent's LAUNCH ends in SUCCESS_<n≠0>.
    const agent = spawnSync("bash", [path.join(root, "scripts/ocs-server/agent-run.sh"), "ALPHA"], { env: { ...process.env, OCS_AGENT_TIMEOUT: "60" } });
    assert.equal(agent.status, 0, `agent-run.sh failed: ${agent.stderr}`);
    await driver.findElement(By.id("to-results")).click();
    const state = await driver.wait(until.elementLocated(By.css(".state")), 20000);
    const code = await state.getAttribute("data-state");
    assert.match(code, /^(SUCCESS_[1-9]\d*|ERR_EXECUTE)$/, code);
    assert.equal(await state.getAttribute("class"), "state failure");
    assert.match(await state.getText(), /À faire/);
    await shot("results.png");

    await driver.findElement(By.id("delete")).click();
    await driver.findElement(By.id("delete-confirm")).click();
    await driver.wait(until.elementLocated(By.id("deleted")), 20000);
    assert.ok(!fs.existsSync(path.join("/var/lib/ocsinventory-reports/download", serverId)), "deleted from the server");
    await driver.findElement(By.id("back")).click();
    await driver.wait(until.elementLocated(By.id("drop-zone")), 10000);
  });

  it("explains a folder without install.bat and writes nothing", async () => {
    const another = await driver.findElements(By.id("another"));
    if (another.length > 0) await another[0].click();
    const folder = appFolder("Sans script", { "setup.exe": "MZ" });
    await dropFolder(folder);
    await driver.wait(until.elementLocated(By.id("build")), 15000);
    const warnings = await driver.findElement(By.id("summary")).getText();
    assert.match(warnings, /install\.bat/, "the analysis already says install.bat is missing");
    const out = path.join(work, "out-bad");
    const outInput = await driver.findElement(By.id("out-dir"));
    await outInput.clear();
    await outInput.sendKeys(out);
    await driver.findElement(By.id("build")).click();
    const err = await driver.wait(until.elementLocated(By.id("error")), 15000);
    const text = await err.getText();
    assert.match(text, /install\.bat/);
    assert.match(text, /setup\.exe/);
    assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], []);
    await shot("error.png");
  });

  // The bad-input matrix, in the window: each folder is refused with a French headline, the core's message naming
  // the path at fault, and nothing written. The same rows are tested through the CLI in tests/bad_input.rs.
  it("names every bad input of the matrix in French and writes nothing", async () => {
    const script = { "install.bat": "@echo off\r\necho ok\r\n" };
    const cases = [
      {
        name: "Noms Windows",
        make: (dir) => {
          for (const f of ["con.txt", "a:b.txt", "fin.", "Lisez-moi.txt", "LISEZ-MOI.txt"]) fs.writeFileSync(path.join(dir, f), "x");
        },
        code: "windows_paths",
        headline: /Des noms de fichiers ne pourront pas être décompressés sur les PC Windows/,
        parts: ["con.txt", "a:b.txt", "fin.", "Lisez-moi.txt", "LISEZ-MOI.txt"],
        keep: true,
      },
      {
        name: "Lien en boucle",
        make: (dir) => {
          fs.mkdirSync(path.join(dir, "sous"));
          fs.symlinkSync("..", path.join(dir, "sous/haut"));
        },
        code: "source",
        headline: /Le dossier de l'application ne peut pas être empaqueté/,
        parts: ["sous/haut", "remove the link or exclude it"],
      },
      {
        name: "Lien mort",
        make: (dir) => fs.symlinkSync("absent/setup.msi", path.join(dir, "setup.msi")),
        code: "source",
        headline: /Le dossier de l'application ne peut pas être empaqueté/,
        parts: ["setup.msi", "does not exist"],
      },
      {
        name: "Tube nommé",
        make: (dir) => assert.equal(spawnSync("mkfifo", [path.join(dir, "tube")]).status, 0),
        code: "source",
        headline: /Le dossier de l'application ne peut pas être empaqueté/,
        parts: ["tube", "is a named pipe, not a file"],
      },
      {
        name: "Manifeste faux",
        make: (dir) =>
          fs.writeFileSync(
            path.join(dir, "package.toml"),
            '[package]\nname = "Manifeste faux"\nversion = "1.0"\nprority = 5\n\n[action]\nkind = "launch"\nfile = "install.bat"\n',
          ),
        code: "manifest",
        headline: /Le manifeste \(package\.toml\) ou un réglage est invalide/,
        parts: ["package.toml", "line 4", "unknown field `prority`"],
      },
    ];
    for (const c of cases) {
      const folder = appFolder(c.name, script);
      c.make(folder);
      const out = path.join(work, `out-${c.name}`);
      const before = await driver.findElements(By.id("error"));
      await dropFolder(folder);
      if (before.length > 0) await driver.wait(until.stalenessOf(before[0]), 15000);
      // Refused when the folder is opened, or when it is built.
      const first = await driver.wait(async () => {
        for (const id of ["error", "build"]) {
          const els = await driver.findElements(By.id(id));
          if (els.length > 0) return id;
        }
        return false;
      }, 15000);
      if (first === "build") {
        const outInput = await driver.findElement(By.id("out-dir"));
        await outInput.clear();
        await outInput.sendKeys(out);
        await driver.findElement(By.id("build")).click();
      }
      const box = await driver.wait(until.elementLocated(By.id("error")), 15000);
      assert.equal(await box.getAttribute("data-code"), c.code, `${c.name}: ${await box.getText()}`);
      const text = await box.getText();
      assert.match(text, c.headline, c.name);
      assert.match(text, /Détail :/, c.name);
      for (const part of c.parts) assert.ok(text.includes(part), `${c.name}: «${part}» missing from ${text}`);
      assert.equal((await driver.findElements(By.id("keep-build"))).length > 0, !!c.keep, `${c.name}: keep-build offered`);
      assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], [], `${c.name}: nothing written`);
      if (c.keep) await shot("error-windows-names.png");
    }
  });

  it("names a damaged installer in the analysis instead of failing", async () => {
    const folder = appFolder("Installeur abîmé", { "install.bat": "@echo off\r\n", "abîmé.msi": Buffer.alloc(4096, 7) });
    realMsi(folder, "bon.msi", "Bon Produit", "1.0");
    const good = fs.readFileSync(path.join(folder, "bon.msi"));
    fs.writeFileSync(path.join(folder, "tronqué.msi"), good.subarray(0, good.length >> 1));
    await dropFolder(folder);
    await driver.wait(until.elementLocated(By.id("build")), 15000);
    const installers = await driver.findElement(By.id("installers")).getText();
    assert.match(installers, /Bon Produit · 1\.0/);
    const warnings = await driver.findElements(By.css(".analysis-warning[data-code=unreadable_installer]"));
    const texts = await Promise.all(warnings.map((w) => w.getText()));
    for (const name of ["abîmé.msi", "tronqué.msi"]) {
      const w = texts.find((t) => t.includes(name));
      assert.ok(w, `no warning for ${name}: ${texts.join(" | ")}`);
      assert.match(w, /Installeur illisible/);
      assert.match(w, /download it again/);
    }
  });
});
