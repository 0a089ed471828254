import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../bindings";
import { locale } from "../lib/locale.svelte";
import { nav, server } from "../lib/state.svelte";
import { err, ok, session, settle, stats } from "../test/fakes";
import Results from "./Results.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const pkg = { server_id: "1796018700", name: "Mon Appli 2.1.0" };
const key = session().key;

describe("Results screen", () => {
  beforeEach(async () => {
    server.session = session();
    server.openResults(pkg);
    await settle();
  });

  it("explains each state, with what to do, and lists its computers", () => {
    render(Results);
    const states = [...document.querySelectorAll(".state")];
    expect(states).toHaveLength(2);
    // The WebDriver test reads these exact attributes.
    expect(states[0].getAttribute("class")).toBe("state failure");
    expect(states[0].getAttribute("data-state")).toBe("ERR_EXECUTE");
    expect(states[0].textContent).toContain("L'agent n'a pas pu lancer la commande.");
    expect(states[0].textContent).toMatch(/À faire : Vérifiez install\.bat\./);
    expect(states[0].querySelector(".machines")!.textContent).toContain("PC-ALPHA-01");
    expect(states[0].querySelector(".machines")!.textContent).not.toContain("PC-ALPHA-02");
    expect(states[1].getAttribute("class")).toBe("state success");
    expect(states[1].querySelector(".fixline")).toBeNull();
    const bars = [...document.querySelectorAll<HTMLElement>("#stack > div")].map((d) => d.style.width);
    expect(bars).toEqual(["50%", "50%", "0%"]);
    expect(document.querySelector(".legend")!.textContent!.replace(/\s+/g, " ")).toMatch(/1 réussis .*1 en échec .*0 en attente — 2 ordinateurs/);
  });

  it("explains in English when the window is in English", async () => {
    render(Results);
    locale.set("en");
    await settle();
    expect(document.querySelector(".state")!.textContent).toContain("The agent could not run the command.");
    expect(document.querySelector(".state")!.textContent).toContain("Fix : Check install.bat.");
  });

  it("says when no computer has the package yet", async () => {
    cmd.packageStats.mockResolvedValueOnce(ok(stats({ total: 0, counts: [], machines: [], succeeded: 0, failed: 0, pending: 0 })));
    render(Results);
    await fireEvent.click(document.getElementById("refresh")!);
    await settle();
    expect(cmd.packageStats).toHaveBeenCalledTimes(2);
    expect(screen.getByText(/Aucun ordinateur n'a encore ce paquet/)).toBeTruthy();
    expect(document.querySelector(".state")).toBeNull();
  });

  it("deletes only on the second click, then says so", async () => {
    cmd.deleteServerPackage.mockResolvedValueOnce(ok({ ...pkg, created: "", priority: "5", fragments: "1", os: "WINDOWS", comment: "" }));
    render(Results);
    await fireEvent.click(document.getElementById("delete")!);
    expect(cmd.deleteServerPackage).not.toHaveBeenCalled();
    expect(document.getElementById("delete")).toBeNull();
    await fireEvent.click(document.getElementById("delete-confirm")!);
    await settle();
    expect(cmd.deleteServerPackage).toHaveBeenCalledWith(key, pkg.server_id);
    expect(document.getElementById("deleted")!.textContent).toBe("✔ Paquet supprimé du serveur. 1796018700 Mon Appli 2.1.0");
    await fireEvent.click(document.getElementById("back")!);
    expect(nav.screen).toBe("start");
  });

  it("shows why the results or the deletion failed", async () => {
    cmd.deleteServerPackage.mockResolvedValueOnce(err("no_such_package", "1796018700 is not on the server"));
    render(Results);
    await fireEvent.click(document.getElementById("delete")!);
    await fireEvent.click(document.getElementById("delete-confirm")!);
    await settle();
    expect(document.getElementById("results-error")!.textContent).toContain("Ce paquet n'existe pas (ou plus) sur le serveur.");
    expect(document.getElementById("delete")).not.toBeNull();
  });

  it("goes to the deployment", async () => {
    render(Results);
    await fireEvent.click(document.getElementById("to-deploy")!);
    expect(nav.screen).toBe("deploy");
  });
});
