import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type Progress } from "../bindings";
import { locale } from "../lib/locale.svelte";
import { go, nav, server, studio } from "../lib/state.svelte";
import { buildReport, err, hostKey, ok, progress, publishReport, session, settle } from "../test/fakes";
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
      direct: false,
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

  it("names the packages a replacing publication took over, also when it finished an earlier run's", async () => {
    server.session = session();
    cmd.publishPackage.mockResolvedValueOnce(ok(publishReport({ already_published: true, replaced: ["1796018600", "1796018650"], moved_computers: 3 })));
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    expect(document.querySelector("#published .ok")!.textContent).toBe("Déjà publié à l'identique sous cet identifiant : rien n'a été envoyé.");
    expect(document.getElementById("replaced")!.textContent).toBe("1796018600, 1796018650 (3 ordinateur(s) repris)");
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

describe("Publish screen: direct publishing over SSH", () => {
  const ssh = { target: { host: "ocs.example.com", port: 22, user: "root", key: null }, download_dir: null, db_config: null };
  const direct = publishReport({
    direct: "root@ocs.example.com:22:/var/lib/ocsinventory-reports/download/1796018700",
    fragment_ratio_mib: null,
    fragment_setting_changed: false,
    steps: [
      { step: "upload-limit", detail: { kind: "over_upload_limit", bytes: 300 * 1048576, limit: 100 * 1048576, measured: true }, ms: 2 },
      {
        step: "direct-copy",
        detail: { kind: "direct_copied", server_id: "1796018700", bytes: 300 * 1048576, target: "root@ocs.example.com", download_dir: "/var/lib/ocsinventory-reports/download", ms: 9000 },
        ms: 9100,
      },
    ],
  });

  beforeEach(async () => {
    await studio.analyze("/apps/Mon Appli");
    await studio.build(false);
    go("publish");
  });

  it("shows the direct copy as a step and where the package went, in both languages", async () => {
    server.session = session();
    server.ssh = ssh;
    cmd.publishPackage.mockResolvedValueOnce(ok(direct));
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    expect(document.getElementById("direct")!.textContent).toBe("root@ocs.example.com:22:/var/lib/ocsinventory-reports/download/1796018700");
    expect(screen.getByText("Publication directe")).toBeTruthy();
    expect(document.getElementById("frag-cut")).toBeNull();
    let steps = document.querySelector("table.steps")!.textContent!;
    expect(steps).toContain("Limite d'envoi");
    expect(steps).toContain("Au-dessus de la limite d'envoi de la console (300 Mio > 100 Mio) : publication directe par SSH");
    expect(steps).toContain("Copie directe par SSH");
    expect(steps).toContain("300 Mio copiés par SSH vers root@ocs.example.com:/var/lib/ocsinventory-reports/download/1796018700 et vérifiés");
    locale.set("en");
    await settle();
    steps = document.querySelector("table.steps")!.textContent!;
    expect(steps).toContain("Direct copy over SSH");
    expect(steps).toContain("Above the console's upload limit (300 MiB > 100 MiB): published directly over SSH");
    expect(steps).toContain("300 MiB copied over SSH to root@ocs.example.com:/var/lib/ocsinventory-reports/download/1796018700 and verified");
    expect(screen.getByText("Direct publishing")).toBeTruthy();
  });

  it("offers to publish directly only when the connection gives the SSH access", async () => {
    server.session = session();
    render(Publish);
    expect(document.getElementById("pub-direct")).toBeNull();
    expect(document.getElementById("upload-check")!.textContent).toContain("renseignez l'accès SSH au serveur OCS");
    server.ssh = ssh;
    await settle();
    expect(document.getElementById("upload-check")!.textContent).toContain("Au-dessus, le paquet est publié directement par SSH.");
    await fireEvent.click(document.getElementById("pub-direct")!);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    expect(cmd.publishPackage.mock.calls[0][2].direct).toBe(true);
  });

  it("after the OCS server's SSH refused an unknown key, compares and trusts it on the admin's click", async () => {
    server.session = session();
    server.ssh = ssh;
    cmd.publishPackage.mockResolvedValueOnce(err("ssh_unknown_host", "ocs.example.com is not known yet"));
    cmd.sshHostKey.mockResolvedValueOnce(ok(hostKey({ target: "root@ocs.example.com" })));
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    expect(document.getElementById("publish-error")!.textContent).toContain("Serveur SSH encore inconnu");
    await fireEvent.click(document.getElementById("publish-ssh-ask")!);
    await settle();
    expect(cmd.sshHostKey).toHaveBeenCalledWith(ssh.target);
    expect(document.getElementById("publish-ssh-trust-server")!.textContent).toBe("root@ocs.example.com");
    expect(cmd.sshTrust).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole("button", { name: "Faire confiance" }));
    await settle();
    expect(cmd.sshTrust).toHaveBeenCalledWith(ssh.target, hostKey().fingerprint);
    expect(document.getElementById("publish-ssh-trusted")!.textContent).toBe("✔ Clé du serveur acceptée.");
    expect(document.getElementById("publish-again")!.textContent).toBe("Publiez à nouveau.");
  });

  it("after the OCS server's SSH refused the login, keeps the typed password", async () => {
    server.session = session();
    server.ssh = ssh;
    cmd.publishPackage.mockResolvedValueOnce(err("ssh_auth", "root@ocs.example.com refused every way of logging in"));
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    await fireEvent.input(input("publish-ssh-password"), { target: { value: "secret" } });
    await fireEvent.click(document.getElementById("publish-ssh-save")!);
    await settle();
    expect(cmd.sshSavePassword).toHaveBeenCalledWith(ssh.target, "secret");
    expect(document.getElementById("publish-ssh-saved")!.textContent).toBe("✔ Enregistré dans le trousseau du système.");
  });

  it("offers no SSH fix when the connection has no SSH access", async () => {
    server.session = session();
    cmd.publishPackage.mockResolvedValueOnce(err("upload_too_large", "300 MiB > 100 MiB"));
    render(Publish);
    await fireEvent.click(document.getElementById("publish")!);
    await settle();
    expect(document.getElementById("publish-ssh")).toBeNull();
  });
});
