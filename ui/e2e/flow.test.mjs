// The whole authoring flow in the real window, as an admin does it: open a folder with a real MSI (wixl), write
// install.bat from the MSI template, pick a ready-made French text and edit it (the preview follows), set the
// countdown and can-delay, look at the footprint, choose 8 MiB fragments, build, verify, publish to the loopback
// OCS server, deploy to ALPHA, run the real agent and read the result.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { By, Window, realMsi, runAgent, until } from "./support.mjs";

const w = new Window("flow");
let driver;
const MIB = 1024 * 1024;

/** The folder's install.bat as cmd.exe reads it in code page 850 (ASCII here, so latin1 decodes it the same). */
function readBat(folder) {
  return fs.readFileSync(path.join(folder, "install.bat")).toString("latin1");
}

async function value(id) {
  return (await w.byId(id)).getAttribute("value");
}

describe("the whole flow in the window", () => {
  before(async () => {
    driver = await w.start();
    await w.byId("drop-zone");
    // French, the admins' language (the default on a French system; this machine may not be one).
    if (!(await (await w.byId("drop-zone")).getText()).includes("Déposez")) await (await w.byId("lang")).click();
  });

  after(async () => {
    await w.stop();
  });

  let folder;
  let dir;

  it("authors, builds and verifies a package from a folder with an MSI", async () => {
    folder = w.folder("Logiciel été", { "données/lisezmoi.txt": "Version 3.2\n" });
    realMsi(folder, "Mon Appli.msi", "Mon Appli", "3.2.0");
    // Incompressible data, so that 8 MiB fragments give 3 of them.
    fs.writeFileSync(path.join(folder, "données", "ressources.bin"), crypto.randomBytes(20 * MIB));
    await w.dropFolder(folder);
    const installers = await w.byId("installers");
    assert.match(await installers.getText(), /Mon Appli\.msi/);
    await w.shot("analysis.png");

    // Package: install.bat from the MSI template, with the procedure's /passive.
    await w.step("package");
    assert.equal(await value("pkg-name"), "Mon Appli");
    assert.equal(await value("pkg-version"), "3.2.0");
    const template = await w.byId("script-template");
    await template.findElement(By.css("option[value='msi-install']")).click();
    await driver.wait(async () => (await value("script-text")).includes('msiexec /i "Mon Appli.msi"'), 10000);
    const passive = await w.byId("script-passive");
    if (!(await passive.isSelected())) await passive.click();
    await driver.wait(async () => (await value("script-text")).includes("/passive"), 10000);
    await w.shot("package.png");
    await w.click("script-write");
    await w.firstOf("script-written", "script-error", 10000);
    const bat = readBat(folder);
    assert.match(bat, /^@echo off\r\n/);
    assert.match(bat, /cd \/d "%~dp0"\r\nmsiexec \/i "Mon Appli\.msi" \/passive \/norestart/);
    assert.match(bat, /exit \/b %ERRORLEVEL%\r\n$/);

    // Notification: a ready-made French text, edited; the preview follows each keystroke.
    await w.step("notification");
    const enabled = await w.byId("notify-enabled");
    if (!(await enabled.isSelected())) await enabled.click();
    const texts = await w.byId("notify-texts");
    await texts.findElement(By.css("option[value='before-fr']")).click();
    await w.click("notify-use-text");
    await driver.wait(async () => (await value("notify-text")).includes("Mon Appli"), 10000);
    const text = await w.byId("notify-text");
    await text.sendKeys(" Merci de votre patience !");
    const preview = await w.byId("notify-preview");
    await driver.wait(async () => (await preview.getAttribute("srcdoc")).includes("Merci de votre patience"), 10000);
    assert.match(await preview.getAttribute("srcdoc"), /Reporter|Delay/, "the Delay button is drawn");
    await w.setValue("notify-countdown", 60);
    const delay = await w.byId("notify-can-delay");
    if (!(await delay.isSelected())) await delay.click();
    await driver.wait(async () => /60/.test(await preview.getAttribute("srcdoc")), 10000);
    await w.shot("notification.png");

    // Footprint and fragments: 8 MiB fragments.
    await w.step("footprint");
    const verdict = await w.firstOf("fp-verdict", "error", 60000);
    assert.match(await verdict.getText(), /C:/);
    await w.byId("fp-chart");
    await w.setValue("fp-slider", 8);
    await driver.wait(async () => (await (await w.byId("fp-count")).getText()).includes("3"), 10000);
    await w.shot("footprint.png");

    // Build (saves package.toml first), then the offline verification.
    await w.step("analysis");
    const out = path.join(w.work, "out");
    await w.fill("out-dir", out);
    await w.click("build");
    await w.firstOf("verify-ok", "error", 60000);
    await w.shot("build.png");
    const id = await (await w.byId("package-id")).getText();
    dir = path.join(out, id);
    const info = fs.readFileSync(path.join(dir, "info"), "utf8");
    assert.match(info, /ACT="LAUNCH"/);
    assert.match(info, /NAME="install\.bat"/);
    assert.match(info, /FRAGS="3"/);
    assert.match(info, /NOTIFY_USER="1"/);
    assert.match(info, /NOTIFY_COUNTDOWN="60"/);
    assert.match(info, /NOTIFY_CAN_DELAY="1"/);
    assert.match(info, /NOTIFY_TEXT="[^"]*Merci de votre patience !/);
    const sizes = [1, 2, 3].map((n) => fs.statSync(path.join(dir, `${id}-${n}`)).size);
    assert.ok(sizes.every((s) => s <= 8 * MIB) && sizes[0] === 8 * MIB, `fragments ${sizes}`);
    assert.ok(!fs.existsSync(path.join(dir, `${id}-4`)));
    // Every choice is kept in package.toml: reopened, it builds the same package again.
    const toml = fs.readFileSync(path.join(folder, "package.toml"), "utf8");
    assert.match(toml, /size = "8MiB"/);
    assert.match(toml, /countdown = 60/);
    assert.match(toml, /template = "msi-install"/);
  });

  it("publishes it, deploys it to ALPHA and shows the agent's result", { skip: !process.env.STUDIO_OCS_SERVER }, async () => {
    runAgent("ALPHA"); // the ALPHA computer, registered whatever ran before
    await (await w.byId("to-publish")).click();
    await w.fill("srv-url", process.env.STUDIO_OCS_SERVER);
    await w.fill("srv-user", "admin");
    await w.fill("srv-ca", process.env.STUDIO_OCS_CA);
    await w.fill("srv-password", process.env.STUDIO_OCS_PASSWORD);
    const remember = await w.byId("srv-remember");
    if (await remember.isSelected()) await remember.click();
    await (await w.byId("connect")).click();
    await w.byId("connected", 20000);
    await w.fill("pub-name", `Mon Appli flow ${Date.now()}`);
    await (await w.byId("publish")).click();
    const serverId = await (await w.firstOf("server-id", "publish-error", 90000)).getText();
    const served = path.join("/var/lib/ocsinventory-reports/download", serverId);
    assert.match(fs.readFileSync(path.join(served, "info"), "utf8"), /FRAGS="3"/);
    await (await w.byId("to-deploy")).click();
    await (await w.byId("dep-search")).click();
    assert.match(await (await w.byId("computer-count", 20000)).getText(), /^1 /);
    await (await w.byId("affect")).click();
    await w.byId("deployed", 20000);
    runAgent("ALPHA");
    await (await w.byId("to-results")).click();
    const state = await driver.wait(until.elementLocated(By.css(".state")), 20000);
    // The Unix agent cannot run a Windows install.bat: a failure, explained.
    assert.equal(await state.getAttribute("class"), "state failure");
    assert.match(await state.getText(), /À faire/);
    await (await w.byId("delete")).click();
    await (await w.byId("delete-confirm")).click();
    await w.byId("deleted", 20000);
    assert.ok(!fs.existsSync(served));
  });
});
