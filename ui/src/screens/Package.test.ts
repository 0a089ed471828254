import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type Installer_Serialize } from "../bindings";
import { checkTiming } from "../lib/checks";
import { scriptTiming } from "../lib/script.svelte";
import { studio } from "../lib/state.svelte";
import { choose, err, GENERATED, ok, opened, scriptOutput, scriptText, settle } from "../test/fakes";
import Package from "./Package.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const el = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const lf = (s: string) => s.replace(/\r\n/g, "\n");
const text = () => el<HTMLTextAreaElement>("script-text").value;

async function check(id: string, on: boolean): Promise<void> {
  const box = el(id);
  if (box.checked !== on) await fireEvent.click(box);
  await settle();
}

const mst: Installer_Serialize = {
  path: "fr.mst",
  kind: "mst",
  label: "MSI transform",
  size: 2000,
  silent_args: null,
  product_name: null,
  product_version: null,
  manufacturer: null,
  product_code: null,
  upgrade_code: null,
  title: "Français",
  arch: null,
};

/** Opens the sample folder, whose analysis suggests installing its MSI, and draws the screen. */
async function openScreen(o = opened()): Promise<void> {
  o.analysis!.installers.push(mst);
  o.analysis!.suggested_script = { template: "msi-install", msi: "Mon Appli.msi", transforms: [], properties: {}, ui: "quiet", log: true };
  cmd.openPackage.mockResolvedValueOnce(ok(o));
  await studio.analyze(o.folder);
  render(Package);
  await settle();
}

describe("Package screen: the settings", () => {
  beforeEach(() => {
    scriptTiming.debounceMs = 0;
    checkTiming.debounceMs = 0;
  });

  it("shows the package's settings and edits the manifest's fields", async () => {
    await openScreen();
    expect(el("pkg-name").value).toBe("Mon Appli");
    expect(el("pkg-version").value).toBe("2.1.0");
    expect(el<HTMLSelectElement>("pkg-priority").value).toBe("5");
    expect([...el<HTMLSelectElement>("pkg-priority").options].map((o) => o.value)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(screen.getByText(/La priorité 0 est refusée/)).toBeTruthy();
    expect(el<HTMLSelectElement>("pkg-os").value).toBe("windows");
    expect(el<HTMLSelectElement>("pkg-action").value).toBe("launch");
    expect(el("pkg-action-value").value).toBe("install.bat");
    expect(el("pkg-https").checked).toBe(false);
    expect(el<HTMLSelectElement>("pkg-digest").value).toBe("MD5");
    expect(el("pkg-base64").checked).toBe(false);

    await fireEvent.input(el("pkg-name"), { target: { value: "Mon Appli Pro" } });
    await choose("pkg-priority", "2");
    await check("pkg-https", true);
    await choose("pkg-digest", "SHA256");
    await check("pkg-base64", true);
    const m = studio.manifest!;
    expect(m.package).toMatchObject({ name: "Mon Appli Pro", priority: 2, protocol: "HTTPS" });
    expect(m.digest).toEqual({ algorithm: "SHA256", encoding: "Base64" });
    await check("pkg-https", false);
    await check("pkg-base64", false);
    expect(m.package.protocol).toBe("HTTP");
    expect(m.digest.encoding).toBe("Hexa");
  });

  it("changes the action's kind and value, and gives back what was typed for a kind", async () => {
    await openScreen();
    await choose("pkg-action", "execute");
    expect(studio.manifest!.action).toEqual({ kind: "execute", command: "" });
    expect(screen.getByLabelText("Commande")).toBe(el("pkg-action-value"));
    await fireEvent.input(el("pkg-action-value"), { target: { value: 'msiexec /i "Mon Appli.msi" /qn' } });
    expect(studio.manifest!.action).toEqual({ kind: "execute", command: 'msiexec /i "Mon Appli.msi" /qn' });
    await choose("pkg-action", "store");
    await fireEvent.input(el("pkg-action-value"), { target: { value: "C:\\Apps\\Mon Appli" } });
    expect(studio.manifest!.action).toEqual({ kind: "store", path: "C:\\Apps\\Mon Appli" });
    await choose("pkg-action", "launch");
    expect(studio.manifest!.action).toEqual({ kind: "launch", file: "install.bat" });
    await choose("pkg-action", "execute");
    expect(el("pkg-action-value").value).toBe('msiexec /i "Mon Appli.msi" /qn');
  });

  it("retargets the package through the core: the entry script follows, install.sh is the admin's", async () => {
    await openScreen();
    expect(document.getElementById("script-text")).not.toBeNull();
    await choose("pkg-os", "linux");
    expect(cmd.setTargetOs).toHaveBeenCalledTimes(1);
    const [sent, os] = cmd.setTargetOs.mock.calls[0];
    expect(os).toBe("linux");
    expect(sent.package.name).toBe("Mon Appli");
    expect(studio.manifest!.package.os).toBe("linux");
    expect(studio.manifest!.action).toEqual({ kind: "launch", file: "install.sh" });
    expect(el("pkg-action-value").value).toBe("install.sh");
    expect(document.getElementById("script-text")).toBeNull();
    expect(el("script-none").textContent).toMatch(/install\.sh est le vôtre/);
    await choose("pkg-os", "windows");
    expect(cmd.setTargetOs).toHaveBeenLastCalledWith(expect.anything(), "windows");
    expect(studio.manifest!.action).toEqual({ kind: "launch", file: "install.bat" });
    expect(document.getElementById("script-text")).not.toBeNull();
  });

  it("shows the core's check of the settings after each change", async () => {
    await openScreen();
    expect(cmd.checkManifest).toHaveBeenCalled();
    expect(el("pkg-check-ok").textContent).toBe("✔ Réglages valides.");
    cmd.checkManifest.mockResolvedValueOnce(err("manifest", "the package name is empty: give the package a name"));
    await fireEvent.input(el("pkg-name"), { target: { value: "" } });
    await settle();
    expect(cmd.checkManifest.mock.lastCall![0].package.name).toBe("");
    const box = el("pkg-check");
    expect(box.dataset.code).toBe("manifest");
    expect(box.textContent).toContain("the package name is empty");
    cmd.checkManifest.mockResolvedValueOnce(ok([{ code: "digest_caveat", message: "SHA256 is accepted by the Windows agent only" }]));
    await fireEvent.input(el("pkg-name"), { target: { value: "Mon Appli" } });
    await settle();
    expect(document.getElementById("pkg-check")).toBeNull();
    const w = document.querySelector("#pkg-check-warnings li") as HTMLElement;
    expect(w.dataset.code).toBe("digest_caveat");
    expect(w.textContent).toContain("SHA256 is accepted by the Windows agent only");
  });
});

describe("Package screen: install.bat", () => {
  beforeEach(() => {
    scriptTiming.debounceMs = 0;
    checkTiming.debounceMs = 0;
  });

  it("generates the suggested template on opening, with its exit codes", async () => {
    await openScreen();
    expect(cmd.generateScript).toHaveBeenCalledTimes(1);
    expect(cmd.generateScript.mock.calls[0][0]).toEqual({
      folder: "/apps/Mon Appli",
      choice: { template: "msi-install", msi: "Mon Appli.msi", transforms: [], properties: {}, ui: "quiet", log: true },
      name: "Mon Appli 2.1.0",
      code_page: 850,
    });
    expect(el<HTMLSelectElement>("script-template").value).toBe("msi-install");
    expect(el<HTMLSelectElement>("script-msi").value).toBe("Mon Appli.msi");
    expect(text()).toBe(lf(GENERATED));
    expect([...document.querySelectorAll("#script-codes li")].map((li) => li.textContent)).toEqual([
      "0 SUCCESS — installé",
      "3010 SUCCESS_REBOOT_REQUIRED — installé ; un redémarrage est nécessaire pour terminer",
    ]);
    expect([...el<HTMLSelectElement>("script-code-page").options].map((o) => o.textContent)).toEqual([
      "850 — Western Europe (French)",
      "437 — United States",
    ]);
    // Back on the screen: nothing changed, nothing asked again.
    render(Package);
    await settle();
    expect(cmd.generateScript).toHaveBeenCalledTimes(1);
  });

  it("regenerates on each change of the template or its fields", async () => {
    await openScreen();
    const uninstall = scriptText("msiexec /x {12345678-1234-1234-1234-123456789ABC} /qn /norestart");
    cmd.generateScript.mockResolvedValueOnce(ok(scriptOutput({ text: uninstall })));
    await choose("script-template", "msi-uninstall");
    expect(cmd.generateScript.mock.lastCall![0].choice).toEqual({ template: "msi-uninstall", product_code: null, ui: "quiet" });
    expect(text()).toBe(lf(uninstall));
    expect(el("script-product-code").placeholder).toBe("{12345678-1234-1234-1234-123456789ABC}");

    await choose("script-template", "msi-install");
    await check("script-transform-0", true);
    expect(cmd.generateScript.mock.lastCall![0].choice).toMatchObject({ template: "msi-install", transforms: ["fr.mst"] });
    await fireEvent.input(el("script-properties"), { target: { value: "ALLUSERS=1\n\nINSTALLDIR = C:\\Program Files\\Mon Appli\n" } });
    await settle();
    await check("script-passive", true);
    await check("script-log", false);
    expect(cmd.generateScript.mock.lastCall![0].choice).toEqual({
      template: "msi-install",
      msi: "Mon Appli.msi",
      transforms: ["fr.mst"],
      properties: { ALLUSERS: "1", INSTALLDIR: "C:\\Program Files\\Mon Appli" },
      ui: "passive",
      log: false,
    });

    await choose("script-template", "command");
    await fireEvent.input(el("script-line"), { target: { value: "setup.exe /S" } });
    await settle();
    expect(cmd.generateScript.mock.lastCall![0].choice).toEqual({ template: "command", line: "setup.exe /S" });
    await choose("script-code-page", "437");
    expect(cmd.generateScript.mock.lastCall![0].code_page).toBe(437);
    // The package's name is in the script's comment and log file name.
    await fireEvent.input(el("pkg-version"), { target: { value: "2.2" } });
    await settle();
    expect(cmd.generateScript.mock.lastCall![0].name).toBe("Mon Appli 2.2");
  });

  it("waits for the next keystroke before asking the core", async () => {
    scriptTiming.debounceMs = 40;
    await openScreen();
    await choose("script-template", "command");
    const before = cmd.generateScript.mock.calls.length;
    for (const v of ["s", "se", "set"]) await fireEvent.input(el("script-line"), { target: { value: v } });
    await settle();
    expect(cmd.generateScript.mock.calls.length).toBe(before);
    await new Promise((r) => setTimeout(r, 80));
    await settle();
    expect(cmd.generateScript.mock.calls.length).toBe(before + 1);
    expect(cmd.generateScript.mock.lastCall![0].choice).toEqual({ template: "command", line: "set" });
  });

  it("keeps a hand-edited text when the template changes, shows the difference until the admin takes the new one", async () => {
    await openScreen();
    const mine = lf(GENERATED).replace("exit /b %ERRORLEVEL%", "echo fini\nexit /b %ERRORLEVEL%");
    await fireEvent.input(el("script-text"), { target: { value: mine } });
    const passive = scriptText('msiexec /i "Mon Appli.msi" /passive /norestart /l*v "%TEMP%\\Mon_Appli_2.1.0.log"');
    cmd.generateScript.mockResolvedValue(ok(scriptOutput({ text: passive })));
    await check("script-passive", true);
    expect(text()).toBe(mine);
    const diff = el<HTMLElement>("script-diff");
    const lines = (kind: string) => [...diff.querySelectorAll(`.diff-line.${kind} .diff-text`)].map((l) => l.textContent);
    expect(lines("del")).toEqual(['msiexec /i "Mon Appli.msi" /qn /norestart /l*v "%TEMP%\\Mon_Appli_2.1.0.log"', "echo fini"]);
    expect(lines("add")).toEqual(['msiexec /i "Mon Appli.msi" /passive /norestart /l*v "%TEMP%\\Mon_Appli_2.1.0.log"']);
    expect(diff.textContent).toContain("Vous avez modifié le texte à la main");

    await fireEvent.click(el("script-keep-mine"));
    expect(document.getElementById("script-diff")).toBeNull();
    expect(text()).toBe(mine);

    const noLog = scriptText('msiexec /i "Mon Appli.msi" /passive /norestart');
    cmd.generateScript.mockResolvedValue(ok(scriptOutput({ text: noLog })));
    await check("script-log", false);
    expect(text()).toBe(mine);
    expect(document.getElementById("script-diff")).not.toBeNull();
    await fireEvent.click(el("script-use-new"));
    expect(text()).toBe(lf(noLog));
    expect(document.getElementById("script-diff")).toBeNull();
    // No longer edited: the next generation goes straight into the editor.
    cmd.generateScript.mockResolvedValue(ok(scriptOutput({ text: passive })));
    await check("script-log", true);
    expect(text()).toBe(lf(passive));
    expect(document.getElementById("script-diff")).toBeNull();
  });

  it("writes the generated text through its template and keeps the template in the manifest", async () => {
    await openScreen();
    await choose("script-code-page", "437");
    cmd.writeScript.mockResolvedValueOnce(ok(scriptOutput({ code_page: 437, current: GENERATED, changes: false, written: "/apps/Mon Appli/install.bat" })));
    await fireEvent.click(el("script-write"));
    await settle();
    expect(cmd.writeScript).toHaveBeenCalledTimes(1);
    const [request, overwrite] = cmd.writeScript.mock.calls[0];
    expect(overwrite).toBe(false);
    expect(request).toMatchObject({ folder: "/apps/Mon Appli", code_page: 437, name: "Mon Appli 2.1.0", choice: { template: "msi-install" } });
    expect(cmd.writeScriptText).not.toHaveBeenCalled();
    expect(el("script-written").textContent).toContain("✔ install.bat écrit (page de codes 437) : /apps/Mon Appli/install.bat");
    expect(studio.manifest!.script).toEqual(scriptOutput().script);
    expect(studio.manifest!.windows.batch_code_page).toBe(437);
    expect(cmd.openPackage).toHaveBeenCalledTimes(1);
  });

  it("shows what would change in the admin's own install.bat, and replaces it only when asked", async () => {
    cmd.generateScript.mockResolvedValue(ok(scriptOutput({ current: "@echo off\r\nmsiexec /i \"Mon Appli.msi\" /passive\r\n", changes: true })));
    await openScreen();
    expect(el("script-current-own").textContent).toMatch(/n'a pas été généré/);
    cmd.writeScript.mockResolvedValueOnce(err("exists", "/apps/Mon Appli/install.bat exists and was not generated from a template"));
    await fireEvent.click(el("script-write"));
    await settle();
    expect(document.getElementById("script-written")).toBeNull();
    const diff = el<HTMLElement>("script-diff");
    expect(diff.textContent).toContain("n'a pas été généré par le studio");
    expect([...diff.querySelectorAll(".diff-line.del .diff-text")].map((l) => l.textContent)).toEqual(['msiexec /i "Mon Appli.msi" /passive']);
    expect([...diff.querySelectorAll(".diff-line.same .diff-text")].map((l) => l.textContent)).toEqual(["@echo off"]);
    expect(diff.querySelectorAll(".diff-line.add")).toHaveLength(5);

    await fireEvent.click(el("script-keep-file"));
    expect(document.getElementById("script-diff")).toBeNull();
    expect(cmd.writeScript).toHaveBeenCalledTimes(1);

    cmd.writeScript.mockResolvedValueOnce(err("exists", "not generated"));
    await fireEvent.click(el("script-write"));
    await settle();
    await fireEvent.click(el("script-overwrite"));
    await settle();
    expect(cmd.writeScript).toHaveBeenCalledTimes(3);
    expect(cmd.writeScript.mock.calls[2][1]).toBe(true);
    expect(document.getElementById("script-diff")).toBeNull();
    expect(el("script-written").textContent).toContain("page de codes 850");
    // The path is the one the core wrote.
    expect(el("script-written").textContent).toContain("/apps/Mon Appli/install.bat");
    expect(studio.manifest!.script?.template).toBe("msi-install");
  });

  it("writes a hand-edited text as it is, and the manifest forgets its template", async () => {
    const o = opened();
    o.manifest.script = { template: "command", line: "setup.exe /S" };
    await openScreen(o);
    expect(el<HTMLSelectElement>("script-template").value).toBe("command");
    expect(el("script-line").value).toBe("setup.exe /S");
    const mine = "@echo off\nsetup.exe /S /norestart\nexit /b %ERRORLEVEL%\n";
    await fireEvent.input(el("script-text"), { target: { value: mine } });
    await fireEvent.click(el("script-write"));
    await settle();
    expect(cmd.writeScript).not.toHaveBeenCalled();
    expect(cmd.writeScriptText).toHaveBeenCalledWith("/apps/Mon Appli", mine, 850);
    expect(el("script-written").textContent).toContain("Texte modifié à la main");
    expect(studio.manifest!.script).toBeUndefined();
  });

  it("shows why the core cannot write the script, and keeps the text", async () => {
    await openScreen();
    cmd.generateScript.mockResolvedValueOnce(err("script", "several MSIs in the folder (a.msi, b.msi): choose the one to install"));
    await choose("script-msi", "");
    const box = el("script-error");
    expect(box.dataset.code).toBe("script");
    expect(box.textContent).toContain("Le modèle d'install.bat ne peut pas être écrit avec ces valeurs.");
    expect(box.textContent).toContain("several MSIs in the folder");
    expect(text()).toBe(lf(GENERATED));
    cmd.writeScriptText.mockResolvedValueOnce(err("script", "the character Ł is not in code page 850"));
    await fireEvent.input(el("script-text"), { target: { value: "echo Ł" } });
    await fireEvent.click(el("script-write"));
    await settle();
    expect(el("script-error").textContent).toContain("the character Ł is not in code page 850");
    expect(document.getElementById("script-written")).toBeNull();
  });

  it("generates nothing on opening when no template can be suggested", async () => {
    const o = opened();
    o.analysis!.installers = [];
    cmd.openPackage.mockResolvedValueOnce(ok(o));
    await studio.analyze(o.folder);
    render(Package);
    await settle();
    expect(cmd.generateScript).not.toHaveBeenCalled();
    expect(el<HTMLSelectElement>("script-template").value).toBe("command");
    expect(el("script-no-default").textContent).toMatch(/Aucun modèle/);
  });
});
