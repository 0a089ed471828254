import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { commands, type Progress } from "../bindings";
import { locale } from "../lib/locale.svelte";
import { canOpen, go, init, nav, server, studio } from "../lib/state.svelte";
import { err, hostKey, importOutput, ok, progress, session, settle, sshCheck } from "../test/fakes";
import Server from "./Server.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const packages = [
  { server_id: "1700000001", name: "7-Zip 24.09", created: "2025-04-30", priority: "5", fragments: "1", os: "WINDOWS", comment: "" },
  { server_id: "1700000002", name: "Firefox 128", created: "2025-05-01", priority: "5", fragments: "4", os: "WINDOWS", comment: "" },
];

async function fill(id: string, value: string): Promise<void> {
  await fireEvent.input(input(id), { target: { value } });
}

describe("Server screen", () => {
  it("connects with the typed values, trimmed, and forgets the password once used", async () => {
    go("server");
    render(Server);
    await fill("srv-url", "  https://ocs.example.com/ocsreports/ ");
    await fill("srv-user", " admin ");
    await fill("srv-ca", "");
    await fill("srv-password", "secret");
    await fireEvent.click(input("srv-remember")); // on by default: now off
    cmd.serverPackages.mockResolvedValueOnce(ok(packages));
    await fireEvent.click(document.getElementById("connect")!);
    await settle();
    expect(cmd.connectServer).toHaveBeenCalledWith({ spec: { url: "https://ocs.example.com/ocsreports/", user: "admin", ca: null }, password: "secret", remember: false });
    expect(server.form.password).toBe("");
    expect(document.getElementById("connected")!.textContent).toMatch(/✔ Connecté : admin @ https:\/\/ocs\.example\.com\/ocsreports\/ — Console 2\.11\.1/);
    expect(document.getElementById("srv-url")).toBeNull();
    // On the server screen, the packages are listed once connected.
    expect(cmd.serverPackages).toHaveBeenCalledWith(session().key);
    expect(screen.getByText("Paquets du serveur (2)")).toBeTruthy();
    expect(screen.getByText("Firefox 128")).toBeTruthy();
  });

  it("sends no password when the field is empty (the saved one is used) and says where it came from", async () => {
    cmd.connectServer.mockResolvedValueOnce(ok(session({ password_from: "keyring" })));
    go("server");
    render(Server);
    await fill("srv-url", "https://ocs.example.com/ocsreports/");
    await fireEvent.keyDown(input("srv-password"), { key: "Enter" });
    await settle();
    expect(cmd.connectServer.mock.calls[0][0].password).toBeNull();
    expect(cmd.connectServer.mock.calls[0][0].remember).toBe(true);
    expect(document.getElementById("connected")!.textContent).toContain("· mot de passe du trousseau");
  });

  it("says when the password was right but no keyring could keep it", async () => {
    cmd.connectServer.mockResolvedValueOnce(ok(session({ not_saved: "no keyring" })));
    go("server");
    render(Server);
    await fill("srv-url", "https://ocs.example.com/ocsreports/");
    await fill("srv-password", "secret");
    await fireEvent.click(screen.getByRole("button", { name: "Se connecter" }));
    await settle();
    expect(document.getElementById("connected")).toBeTruthy();
    expect(document.getElementById("not-saved")!.textContent).toContain("aucun trousseau");
  });

  it("shows why the connection failed, and disables the form while connecting", async () => {
    let answer: (v: Awaited<ReturnType<typeof commands.connectServer>>) => void = () => {};
    cmd.connectServer.mockReturnValueOnce(new Promise((r) => (answer = r)));
    go("server");
    render(Server);
    await fireEvent.click(document.getElementById("connect")!);
    expect(input("srv-url").disabled).toBe(true);
    expect(document.getElementById("connect")!.textContent).toBe("Connexion…");
    answer(err("login_refused", "HTTP 200 with the login form again"));
    await settle();
    const box = document.getElementById("connect-error")!;
    expect(box.textContent).toContain("La console refuse cet utilisateur ou ce mot de passe.");
    expect(box.textContent).toContain("HTTP 200 with the login form again");
    expect(input("srv-url").disabled).toBe(false);
  });

  it("opens a listed package's deployment or results", async () => {
    server.session = session();
    cmd.serverPackages.mockResolvedValue(ok(packages));
    go("server");
    render(Server);
    await settle();
    await fireEvent.click(document.getElementById("pkg-deploy-1")!);
    expect(nav.screen).toBe("deploy");
    expect(server.target).toEqual({ server_id: "1700000002", name: "Firefox 128" });
    go("server");
    await settle();
    await fireEvent.click(screen.getAllByRole("button", { name: "Résultats" })[0]);
    expect(nav.screen).toBe("results");
    expect(server.target?.server_id).toBe("1700000001");
    expect(cmd.packageStats).toHaveBeenCalledWith(session().key, "1700000001");
  });

  it("shows why the packages cannot be listed", async () => {
    server.session = session();
    cmd.serverPackages.mockResolvedValueOnce(err("not_connected", "session expired"));
    go("server");
    render(Server);
    await settle();
    expect(document.getElementById("packages-error")!.textContent).toContain("Connexion au serveur perdue.");
  });

  it("goes back to another server, and to the start screen", async () => {
    server.session = session();
    go("server");
    render(Server);
    await settle();
    await fireEvent.click(document.getElementById("disconnect")!);
    expect(server.session).toBeUndefined();
    expect(document.getElementById("srv-url")).not.toBeNull();
    await fireEvent.click(document.getElementById("back")!);
    expect(nav.screen).toBe("start");
  });
});

describe("SSH access to the OCS server", () => {
  const details = () => document.getElementById("srv-ssh-section") as HTMLDetailsElement;

  it("is folded away until asked for, and fills spec.ssh when given", async () => {
    go("server");
    render(Server);
    expect(details().open).toBe(false);
    expect(details().querySelector("summary")!.textContent).toBe("Accès SSH au serveur OCS (publication directe, sans limite de taille)");
    expect(document.getElementById("srv-ssh-help")!.textContent).toMatch(/^Les paquets au-dessus de la limite d'envoi de la console sont alors publiés directement par SSH/);
    await fill("srv-url", "https://ocs.example.com/ocsreports/");
    await fill("srv-user", "admin");
    await fill("srv-ssh", " root@ocs.example.com:2222 ");
    await fill("srv-ssh-key", " /home/admin/.ssh/ocs ");
    await fireEvent.click(document.getElementById("connect")!);
    await settle();
    expect(cmd.connectServer).toHaveBeenCalledWith({
      spec: {
        url: "https://ocs.example.com/ocsreports/",
        user: "admin",
        ca: null,
        ssh: { target: { host: "ocs.example.com", port: 2222, user: "root", key: "/home/admin/.ssh/ocs" }, download_dir: null, db_config: null },
      },
      password: null,
      remember: true,
    });
    expect(document.getElementById("connected-ssh")!.textContent).toBe("root@ocs.example.com:2222");
    expect(server.ssh?.target.host).toBe("ocs.example.com");
    await fireEvent.click(document.getElementById("disconnect")!);
    expect(server.ssh).toBeUndefined();
  });

  it("sends no ssh when the section is left empty", async () => {
    go("server");
    render(Server);
    await fill("srv-url", "https://ocs.example.com/ocsreports/");
    await fireEvent.click(document.getElementById("connect")!);
    await settle();
    expect(cmd.connectServer.mock.calls[0][0].spec).not.toHaveProperty("ssh");
    expect(document.getElementById("connected-ssh")).toBeNull();
  });

  it("has the SSH address read by the core, and shows its refusal before connecting", async () => {
    go("server");
    render(Server);
    await fill("srv-url", "https://ocs.example.com/ocsreports/");
    await fill("srv-ssh", " ocs.example.com ");
    cmd.sshParseTarget.mockResolvedValueOnce(err("bad_target", "'ocs.example.com' is not an SSH address (the user name is empty)"));
    await fireEvent.click(document.getElementById("connect")!);
    await settle();
    expect(cmd.sshParseTarget).toHaveBeenCalledWith("ocs.example.com", "");
    expect(cmd.connectServer).not.toHaveBeenCalled();
    const box = document.getElementById("connect-error")!;
    expect(box.getAttribute("data-code")).toBe("bad_target");
    expect(box.textContent).toContain("Adresse SSH illisible : écrivez-la utilisateur@hôte ou utilisateur@hôte:port");
    expect(box.textContent).toContain("the user name is empty");
    expect((document.getElementById("connect") as HTMLButtonElement).disabled).toBe(false);
  });

  it("comes back from a saved server, unfolded, and in English too", async () => {
    cmd.savedServers.mockResolvedValueOnce([
      {
        url: "https://ocs.example.com/ocsreports/",
        user: "admin",
        ca: null,
        ssh: { target: { host: "ocs.example.com", port: 22, user: "root", key: "/home/admin/.ssh/ocs" }, download_dir: "/srv/download", db_config: "/etc/ocs/dbconfig.inc.php" },
      },
    ]);
    await init();
    locale.set("en");
    go("server");
    render(Server);
    expect(details().open).toBe(true);
    expect(details().querySelector("summary")!.textContent).toBe("SSH access to the OCS server (direct publishing, no size limit)");
    expect(input("srv-ssh").value).toBe("root@ocs.example.com");
    expect(input("srv-ssh-key").value).toBe("/home/admin/.ssh/ocs");
    expect(input("srv-ssh-dir").value).toBe("/srv/download");
    await fireEvent.click(document.getElementById("connect")!);
    await settle();
    expect(cmd.connectServer.mock.calls[0][0].spec.ssh).toEqual({
      target: { host: "ocs.example.com", port: 22, user: "root", key: "/home/admin/.ssh/ocs" },
      download_dir: "/srv/download",
      db_config: "/etc/ocs/dbconfig.inc.php",
    });
  });
});

describe("Opening a server package in the studio", () => {
  it("imports it with progress into the default output folder, then opens its settings", async () => {
    server.session = session();
    cmd.serverPackages.mockResolvedValue(ok(packages));
    go("server");
    render(Server);
    await settle();
    expect(document.getElementById("pkg-open-1")!.textContent).toBe("Ouvrir dans le studio");
    let answer: (v: Awaited<ReturnType<typeof commands.importServerPackage>>) => void = () => {};
    cmd.importServerPackage.mockReturnValueOnce(new Promise((r) => (answer = r)));
    await fireEvent.click(document.getElementById("pkg-open-1")!);
    await settle();
    const [key, request, channel] = cmd.importServerPackage.mock.calls[0];
    expect(key).toBe(session().key);
    expect(request).toEqual({ server_id: "1700000002", out_dir: "/home/admin/ocs-packages/imported", folder_name: null });
    expect(document.getElementById("importing")!.textContent).toContain("Import de Firefox 128");
    const send = (channel as unknown as { onmessage: (p: Progress) => void }).onmessage;
    send(progress("checking", 0, 0, "info"));
    await settle();
    expect(document.querySelector("#import-progress .progress-head strong")!.textContent).toBe("Contrôle sur le serveur");
    // The fragments come down: the stage says so, with the fragment and what was fetched (no total is known).
    send(progress("downloading", 2048, 0, "1/4"));
    await settle();
    expect(document.querySelector("#import-progress .progress-head strong")!.textContent).toBe("Téléchargement depuis le serveur");
    expect(document.querySelector("#import-progress .progress-head span")!.textContent).toBe("2 Kio");
    expect(document.querySelector("#import-progress p.mono")!.textContent).toBe("Fragment 1/4");
    locale.set("en");
    await settle();
    expect(document.querySelector("#import-progress .progress-head strong")!.textContent).toBe("Downloading from the server");
    expect(document.querySelector("#import-progress .progress-head span")!.textContent).toBe("2 KiB");
    locale.set("fr");
    expect((document.getElementById("pkg-open-0") as HTMLButtonElement).disabled).toBe(true);
    expect(canOpen("start")).toBe(false);
    await fireEvent.click(document.getElementById("import-cancel")!);
    expect(cmd.cancelBuild).toHaveBeenCalled();
    answer(ok(importOutput()));
    await settle();
    expect(cmd.openPackage).toHaveBeenCalledWith(importOutput().manifest_file);
    expect(studio.opened).toBeDefined();
    expect(nav.screen).toBe("package");
  });

  it("keeps a Windows output folder's separators", async () => {
    server.session = session();
    cmd.serverPackages.mockResolvedValue(ok(packages));
    cmd.appInfo.mockResolvedValueOnce({ version: "0.1.0", default_out_dir: "C:\\Users\\admin\\ocs-packages" });
    go("server");
    render(Server);
    await settle();
    await fireEvent.click(document.getElementById("pkg-open-0")!);
    await settle();
    expect(cmd.importServerPackage.mock.calls[0][1].out_dir).toBe("C:\\Users\\admin\\ocs-packages\\imported");
  });

  it("shows why the package cannot be opened, and stays on the server", async () => {
    server.session = session();
    cmd.serverPackages.mockResolvedValue(ok(packages));
    cmd.importServerPackage.mockResolvedValueOnce(err("not_served", "https://ocs.example.com/download/1700000002/info: 404"));
    locale.set("en");
    go("server");
    render(Server);
    await settle();
    expect(screen.getAllByRole("button", { name: "Open in the studio" })).toHaveLength(2);
    await fireEvent.click(document.getElementById("pkg-open-0")!);
    await settle();
    const box = document.getElementById("import-error")!;
    expect(box.textContent).toContain("The download addresses do not serve the package");
    expect(box.textContent).toContain("404");
    expect(cmd.openPackage).not.toHaveBeenCalled();
    expect(nav.screen).toBe("server");
    expect(canOpen("start")).toBe(true);
  });
});

describe("Checking the SSH access to the OCS server", () => {
  const target = { host: "ocs.example.com", port: 2222, user: "root", key: "/home/admin/.ssh/ocs" };

  /** The server screen, with the SSH section filled (not connected yet). */
  async function typed(dir = "/var/lib/ocsinventory-reports/download"): Promise<void> {
    go("server");
    render(Server);
    await fireEvent.click(document.querySelector("#srv-ssh-section summary")!);
    await fill("srv-ssh", "root@ocs.example.com:2222");
    await fill("srv-ssh-key", "/home/admin/.ssh/ocs");
    await fill("srv-ssh-dir", dir);
  }

  const click = async (id: string) => {
    await fireEvent.click(document.getElementById(id)!);
    await settle();
  };

  it("checks the typed access: the key's fingerprint, the login, the folder's write access and free space", async () => {
    go("server");
    render(Server);
    expect((document.getElementById("srv-ssh-check") as HTMLButtonElement).disabled).toBe(true); // nothing typed
    await typed();
    expect(document.getElementById("srv-ssh-check")!.textContent).toBe("Vérifier");
    await click("srv-ssh-check");
    expect(cmd.sshParseTarget).toHaveBeenCalledWith("root@ocs.example.com:2222", "");
    expect(cmd.sshCheck).toHaveBeenCalledWith(target, "/var/lib/ocsinventory-reports/download");
    expect(document.getElementById("srv-ssh-result")!.textContent).toContain("✔ Accès SSH vérifié : root@ocs.example.com");
    expect(document.getElementById("srv-ssh-fingerprint")!.textContent).toBe(sshCheck().fingerprint);
    expect(document.getElementById("srv-ssh-auth")!.textContent).toBe("key /home/admin/.ssh/ocs");
    expect(document.getElementById("srv-ssh-folder")!.textContent!.replace(/\s+/g, " ").trim()).toBe("/var/lib/ocsinventory-reports/download — ✔ accessible en écriture");
    expect(document.getElementById("srv-ssh-free")!.textContent).toBe("50 Gio");
    expect(cmd.connectServer).not.toHaveBeenCalled();

    // A folder the account cannot write; then no folder at all (null: only the login is checked).
    cmd.sshCheck.mockResolvedValueOnce(ok(sshCheck({ dir_writable: false, free_bytes: 1073741824 })));
    await click("srv-ssh-check");
    expect(document.getElementById("srv-ssh-folder")!.textContent).toContain("✗ pas accessible en écriture");
    await fill("srv-ssh-dir", "");
    cmd.sshCheck.mockResolvedValueOnce(ok(sshCheck({ dir: null, dir_writable: null, free_bytes: null })));
    await click("srv-ssh-check");
    expect(cmd.sshCheck).toHaveBeenLastCalledWith(target, null);
    expect(document.getElementById("srv-ssh-folder")!.textContent).toContain("non vérifié");
    expect(document.getElementById("srv-ssh-free")).toBeNull();
  });

  it("checks the session's access once connected, in English too", async () => {
    const ssh = { target, download_dir: "/srv/download", db_config: null };
    server.session = session();
    server.ssh = ssh;
    locale.set("en");
    go("server");
    render(Server);
    await settle();
    expect(document.getElementById("srv-ssh-check")!.textContent).toBe("Check");
    await click("srv-ssh-check");
    expect(cmd.sshParseTarget).not.toHaveBeenCalled();
    expect(cmd.sshCheck).toHaveBeenCalledWith(target, "/srv/download");
    expect(document.getElementById("srv-ssh-result")!.textContent).toContain("✔ SSH access checked");
    expect(document.getElementById("srv-ssh-folder")!.textContent).toContain("✔ writable");
    expect(document.getElementById("srv-ssh-free")!.textContent).toBe("50 GiB");
  });

  it("asks before trusting an unknown server: its key read, trusted on the click only, then checked again", async () => {
    await typed();
    cmd.sshCheck.mockResolvedValueOnce(err("ssh_unknown_host", "ocs.example.com:2222 is not known yet"));
    cmd.sshHostKey.mockResolvedValueOnce(ok(hostKey({ target: "root@ocs.example.com:2222", host: "ocs.example.com", port: 2222 })));
    await click("srv-ssh-check");
    expect(document.getElementById("srv-ssh-check-error")!.textContent).toContain("Serveur SSH encore inconnu");
    expect(cmd.sshHostKey).toHaveBeenCalledWith(target);
    const dialog = screen.getByRole("dialog", { name: "Faire confiance à ce serveur SSH ?" });
    expect(dialog.textContent).toContain(hostKey().fingerprint);
    expect(document.getElementById("srv-ssh-fix-trust-server")!.textContent).toBe("root@ocs.example.com:2222");
    await settle();
    expect(cmd.sshTrust).not.toHaveBeenCalled();
    await click("srv-ssh-fix-trust-accept");
    expect(cmd.sshTrust).toHaveBeenCalledWith(target, hostKey().fingerprint);
    expect(cmd.sshCheck).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.getElementById("srv-ssh-check-error")).toBeNull();
    expect(document.getElementById("srv-ssh-fingerprint")!.textContent).toBe(sshCheck().fingerprint);
  });

  it("trusts nothing on Cancel", async () => {
    await typed();
    cmd.sshCheck.mockResolvedValueOnce(err("ssh_unknown_host", "not known yet"));
    await click("srv-ssh-check");
    await click("srv-ssh-fix-trust-cancel");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(cmd.sshTrust).not.toHaveBeenCalled();
    expect(cmd.sshCheck).toHaveBeenCalledTimes(1);
    expect(document.getElementById("srv-ssh-fix-ask")).not.toBeNull();
  });

  it("offers the password of a refused login, says where it was kept, and checks again", async () => {
    await typed();
    cmd.sshCheck.mockResolvedValueOnce(err("ssh_auth", "root@ocs.example.com:2222 refused every way of logging in"));
    await click("srv-ssh-check");
    expect(cmd.sshHostKey).not.toHaveBeenCalled();
    await fill("srv-ssh-fix-password", "secret");
    cmd.sshSavePassword.mockResolvedValueOnce(ok("session_keyring"));
    await click("srv-ssh-fix-save");
    expect(cmd.sshSavePassword).toHaveBeenCalledWith(target, "secret");
    expect(cmd.sshCheck).toHaveBeenCalledTimes(2);
    expect(document.getElementById("srv-ssh-result")).not.toBeNull();
    expect(document.getElementById("srv-ssh-kept")!.textContent).toBe(
      "✔ Enregistré dans le trousseau de cette session (aucun trousseau du système ne répond : oublié à la déconnexion).",
    );
    // A new check by the button says nothing more about it.
    await click("srv-ssh-check");
    expect(document.getElementById("srv-ssh-kept")).toBeNull();
  });

  it("offers the passphrase of a locked key, and words where it was kept in English", async () => {
    locale.set("en");
    await typed();
    cmd.sshCheck.mockResolvedValueOnce(err("ssh_key", "the key /home/admin/.ssh/ocs needs its passphrase"));
    await click("srv-ssh-check");
    expect(input("srv-ssh-fix-key").value).toBe("/home/admin/.ssh/ocs");
    await fill("srv-ssh-fix-passphrase", "phrase");
    await click("srv-ssh-fix-save");
    expect(cmd.sshSavePassphrase).toHaveBeenCalledWith("/home/admin/.ssh/ocs", "phrase");
    expect(cmd.sshCheck).toHaveBeenCalledTimes(2);
    expect(document.getElementById("srv-ssh-kept")!.textContent).toBe("✔ Saved in the system keyring.");
    expect(document.getElementById("srv-ssh-fingerprint")).not.toBeNull();
  });
});
