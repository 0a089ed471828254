import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../bindings";
import { nav, server, studio } from "../lib/state.svelte";
import { err, settle } from "../test/fakes";
import Start from "./Start.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const spec = (url: string, user = "admin") => ({ url, user, ca: null });

describe("Start screen", () => {
  beforeEach(() => {
    cmd.pickFolder.mockResolvedValue("/apps/Mon Appli");
  });

  it("opens the chosen folder and goes to the analysis", async () => {
    render(Start);
    await fireEvent.click(screen.getByRole("button", { name: "Choisir un dossier…" }));
    await settle();
    expect(cmd.openPackage).toHaveBeenCalledWith("/apps/Mon Appli");
    expect(nav.screen).toBe("analysis");
    expect(studio.opened?.folder).toBe("/apps/Mon Appli");
    expect(studio.manifest?.package.name).toBe("Mon Appli");
  });

  it("does nothing when the chooser is closed", async () => {
    cmd.pickFolder.mockResolvedValue(null);
    render(Start);
    await fireEvent.click(document.getElementById("choose")!);
    await settle();
    expect(cmd.openPackage).not.toHaveBeenCalled();
    expect(nav.screen).toBe("start");
  });

  it("opens the chooser with Enter or Space on the focusable drop zone", async () => {
    render(Start);
    const zone = document.getElementById("drop-zone")!;
    expect(zone.tabIndex).toBe(0);
    await fireEvent.keyDown(zone, { key: "Enter" });
    await settle();
    expect(cmd.pickFolder).toHaveBeenCalledTimes(1);
    await fireEvent.keyDown(zone, { key: " " });
    await settle();
    expect(cmd.pickFolder).toHaveBeenCalledTimes(2);
    await fireEvent.keyDown(zone, { key: "a" });
    expect(cmd.pickFolder).toHaveBeenCalledTimes(2);
  });

  it("shows why a folder cannot be opened, headline and the core's message", async () => {
    cmd.openPackage.mockResolvedValueOnce(err("source", "/apps/x: permission denied"));
    render(Start);
    await fireEvent.click(document.getElementById("choose")!);
    await settle();
    expect(nav.screen).toBe("start");
    const box = document.getElementById("error")!;
    expect(box.dataset.code).toBe("source");
    expect(box.getAttribute("role")).toBe("alert");
    expect(box.textContent).toContain("Le dossier de l'application ne peut pas être empaqueté.");
    expect(box.textContent).toContain("Détail : /apps/x: permission denied");
  });

  it("escapes what the core sends (no markup from a file name)", async () => {
    cmd.openPackage.mockResolvedValueOnce(err("source", "<img src=x onerror=alert(1)>"));
    render(Start);
    await fireEvent.click(document.getElementById("choose")!);
    await settle();
    expect(document.querySelector("#error img")).toBeNull();
    expect(document.getElementById("error")!.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("says building works without a server when none is saved", () => {
    render(Start);
    expect(screen.getByText(/Aucun serveur enregistré/)).toBeTruthy();
    expect(document.getElementById("new-server")!.textContent).toBe("Se connecter à un serveur…");
  });

  it("lists the saved servers: open fills the connection form, forget removes one", async () => {
    server.saved = [spec("https://a.example/ocsreports/"), spec("https://b.example/ocsreports/", "bob")];
    render(Start);
    expect(screen.getByText("bob @ https://b.example/ocsreports/")).toBeTruthy();
    expect(document.getElementById("new-server")!.textContent).toBe("Autre serveur…");

    await fireEvent.click(document.getElementById("open-server-1")!);
    expect(nav.screen).toBe("server");
    expect(server.form.url).toBe("https://b.example/ocsreports/");
    expect(server.form.user).toBe("bob");

    cmd.savedServers.mockResolvedValueOnce([spec("https://a.example/ocsreports/")]);
    await fireEvent.click(document.getElementById("forget-server-1")!);
    await settle();
    expect(cmd.forgetServer).toHaveBeenCalledWith(spec("https://b.example/ocsreports/", "bob"));
    expect(server.saved).toHaveLength(1);
  });

  it("shows the drop zone's hover state from the native drag events", async () => {
    render(Start);
    studio.dropHover = true;
    await settle();
    expect(document.getElementById("drop-zone")!.classList.contains("hover")).toBe(true);
  });

  it("lists the recent packages: one opens its manifest, a missing one is greyed out", async () => {
    cmd.recentPackages.mockResolvedValueOnce([
      { manifest_file: "/apps/Mon Appli/package.toml", name: "Mon Appli 2.1.0", exists: true },
      { manifest_file: "/apps/Ancienne/package.toml", name: "", exists: false },
    ]);
    render(Start);
    await settle();
    const items = [...document.querySelectorAll<HTMLButtonElement>("#recent button")];
    expect(items.map((b) => b.querySelector(".recent-name")!.textContent)).toEqual(["Mon Appli 2.1.0", "Ancienne"]);
    expect(items[0].disabled).toBe(false);
    expect(items[1].disabled).toBe(true);
    expect(items[1].classList.contains("missing")).toBe(true);
    expect(items[1].textContent).toContain("(introuvable)");
    await fireEvent.click(items[0]);
    await settle();
    expect(cmd.openPackage).toHaveBeenCalledWith("/apps/Mon Appli/package.toml");
    expect(nav.screen).toBe("analysis");
  });

  it("says when there is no recent package, and opens a chosen package.toml", async () => {
    render(Start);
    await settle();
    expect(document.querySelectorAll("#recent li")).toHaveLength(0);
    expect(screen.getByText("Aucun paquet ouvert récemment.")).toBeTruthy();
    await fireEvent.click(document.getElementById("open-manifest")!);
    await settle();
    expect(cmd.pickManifest).toHaveBeenCalledTimes(1);
    expect(cmd.openPackage).not.toHaveBeenCalled();
    cmd.pickManifest.mockResolvedValueOnce("/srv/paquets/Outil/package.toml");
    await fireEvent.click(document.getElementById("open-manifest")!);
    await settle();
    expect(cmd.openPackage).toHaveBeenCalledWith("/srv/paquets/Outil/package.toml");
    expect(nav.screen).toBe("analysis");
  });

  it("loads the saved servers before the first drawing and fills the form with the latest", async () => {
    const { init } = await import("../lib/state.svelte");
    cmd.savedServers.mockResolvedValueOnce([{ url: "https://ocs.lan/ocsreports/", user: "admin", ca: "/etc/ca.pem" }]);
    await init();
    expect(studio.outDir).toBe("/home/admin/ocs-packages");
    expect(server.form).toMatchObject({ url: "https://ocs.lan/ocsreports/", user: "admin", ca: "/etc/ca.pem" });
  });
});
