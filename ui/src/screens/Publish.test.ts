import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type Progress } from "../bindings";
import { go, nav, server, studio } from "../lib/state.svelte";
import { buildReport, err, ok, progress, publishReport, session, settle } from "../test/fakes";
import Publish from "./Publish.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const input = (id: string) => document.getElementById(id) as HTMLInputElement;

describe("Publish screen", () => {
  beforeEach(async () => {
    await studio.analyze("/apps/Mon Appli");
    await studio.build(false);
    go("publish");
  });

  it("asks to connect first", () => {
    render(Publish);
    expect(document.getElementById("srv-url")).not.toBeNull();
    expect(document.getElementById("publish")).toBeNull();
  });

  it("publishes with the admin's name, locations and replace choice, then shows the report", async () => {
    server.session = session();
    render(Publish);
    expect(input("pub-name").value).toBe("Mon Appli 2.1.0");
    expect(document.getElementById("frag-tradeoff")!.textContent).toMatch(/réglage global/);
    expect(input("pub-info").placeholder).toBe("ocs.example.com/download");
    expect(screen.getByText(/^Publication — 3,4 Kio, 1 fragment$/)).toBeTruthy();
    await fireEvent.input(input("pub-name"), { target: { value: " Mon Appli e2e " } });
    await fireEvent.input(input("pub-description"), { target: { value: "pilot" } });
    await fireEvent.input(input("pub-info"), { target: { value: "dl.example.com/download" } });
    expect(input("pub-file").placeholder).toBe("dl.example.com/download");
    await fireEvent.click(input("pub-replace"));
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    const [key, dir, options] = cmd.publishPackage.mock.calls[0];
    expect(key).toBe(session().key);
    expect(dir).toBe(buildReport().dir);
    expect(options).toEqual({
      name: "Mon Appli e2e",
      description: "pilot",
      os: "windows",
      fragment_size: 3482,
      info_location: "dl.example.com/download",
      fragment_location: null,
      replace: true,
    });
    expect(document.getElementById("server-id")!.textContent).toBe("1796018700");
    const steps = document.querySelector("table.steps")!.textContent!;
    expect(steps).toContain("Vérification hors ligne");
    expect(steps).toContain("3,4 Kio ≤ 100 Mio (valeur par défaut de Debian supposée)");
    expect(document.getElementById("frag-cut")!.textContent).toMatch(/mis à 1 Mio le temps de cette publication/);
  });

  it("shows the publication's progress, with cancel", async () => {
    server.session = session();
    let answer: (v: Awaited<ReturnType<typeof commands.publishPackage>>) => void = () => {};
    cmd.publishPackage.mockReturnValueOnce(new Promise((r) => (answer = r)));
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    expect(document.getElementById("progress")!.textContent).toContain("Vérification");
    const channel = cmd.publishPackage.mock.calls[0][3] as unknown as { onmessage: (p: Progress) => void };
    channel.onmessage(progress("uploading", 1, 2, "upload"));
    await settle();
    expect(document.querySelector(".progress-head strong")!.textContent).toBe("Envoi à la console");
    expect(screen.getByText("Envoi")).toBeTruthy();
    await fireEvent.click(document.getElementById("cancel")!);
    expect(cmd.cancelBuild).toHaveBeenCalled();
    answer(ok(publishReport()));
    await settle();
    expect(document.getElementById("progress")).toBeNull();
  });

  it("shows why the publication failed and keeps the form", async () => {
    server.session = session();
    cmd.publishPackage.mockResolvedValueOnce(err("name_taken", "'Mon Appli 2.1.0' exists as 17"));
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    expect(document.getElementById("publish-error")!.textContent).toContain("Un autre paquet porte déjà ce nom sur le serveur.");
    expect(input("pub-name").value).toBe("Mon Appli 2.1.0");
  });

  it("goes on to the deployment and the results of the published package", async () => {
    server.session = session();
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    await fireEvent.click(document.getElementById("to-deploy")!);
    expect(nav.screen).toBe("deploy");
    expect(server.target).toEqual({ server_id: "1796018700", name: "Mon Appli 2.1.0" });
    go("publish");
    await settle();
    await fireEvent.click(document.getElementById("to-results")!);
    expect(nav.screen).toBe("results");
  });

  it("keeps the form when the admin leaves and comes back, and starts afresh for another build", async () => {
    server.session = session();
    render(Publish);
    await fireEvent.input(input("pub-description"), { target: { value: "kept" } });
    go("start");
    go("publish");
    await settle();
    expect(input("pub-description").value).toBe("kept");
    cmd.buildPackage.mockResolvedValueOnce(ok(buildReport({ dir: "/out/2", name: "Mon Appli 2.2" })));
    await studio.build(false);
    go("publish");
    await settle();
    expect(input("pub-description").value).toBe("");
    expect(input("pub-name").value).toBe("Mon Appli 2.2");
  });
});
