import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { commands, type Progress } from "../bindings";
import { locale } from "../lib/locale.svelte";
import { canOpen, go, groups, nav, resetState, server, studio } from "../lib/state.svelte";
import {
  buildReport,
  copyOutput,
  copyResult,
  err,
  group,
  hostKey,
  member,
  ok,
  progress,
  relayCheckFailed,
  relayCheckOk,
  relayImport,
  relays as kept,
  session,
  settle,
} from "../test/fakes";
import Relays from "./Relays.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const text = (id: string) => document.getElementById(id)!.textContent!;
const click = async (id: string) => {
  await fireEvent.click(document.getElementById(id)!);
  await settle();
};
type CopyAnswer = Awaited<ReturnType<typeof commands.relayCopy>>;

/** Unmounts the screen and forgets the state, for a second opening in the same test. */
function cleanupScreen(): void {
  cleanup();
  resetState();
}

async function fill(id: string, value: string): Promise<void> {
  await fireEvent.input(input(id), { target: { value } });
}

/** The Relais screen with the two kept servers of the fakes. */
async function open(): Promise<void> {
  cmd.relayList.mockResolvedValue(ok(kept()));
  go("relays");
  render(Relays);
  await settle();
}

describe("Relais screen: the list", () => {
  it("is reached from the rail, lists the kept servers and removes one", async () => {
    await open();
    expect(nav.screen).toBe("relays");
    const rows = document.querySelectorAll("#relays tbody tr");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("ocs@relais-pau.example.org:2222");
    expect(rows[0].textContent).toContain("/home/admin/.ssh/relais");
    expect(rows[1].textContent).toContain("root@relais-bordeaux.example.org");
    expect(rows[1].textContent).toContain("relais-bordeaux.example.org/download");
    cmd.relayRemove.mockResolvedValueOnce(ok([kept()[1]]));
    await click("relay-remove-0");
    expect(cmd.relayRemove).toHaveBeenCalledWith("relais-pau");
    expect(document.querySelectorAll("#relays tbody tr")).toHaveLength(1);
  });

  it("says when no server is kept", async () => {
    go("relays");
    render(Relays);
    await settle();
    expect(text("no-relay")).toBe("Aucun serveur relais enregistré : ajoutez-en un ou importez la liste.");
    expect((document.getElementById("check-relays") as HTMLButtonElement).disabled).toBe(true);
  });

  it("adds a server: the form goes to the core as typed, which fills the empty fields and keeps it", async () => {
    await open();
    expect(input("add-dir").value).toBe("/var/www/download"); // relay_defaults
    await fill("add-address", " ocs@relais-pau.example.org:2222 ");
    await fill("add-key", "/home/admin/.ssh/relais");
    cmd.relayAdd.mockResolvedValueOnce(ok(kept()));
    await click("add-relay");
    expect(cmd.relayAdd).toHaveBeenCalledWith({
      name: "",
      address: " ocs@relais-pau.example.org:2222 ",
      key: "/home/admin/.ssh/relais",
      download_dir: "/var/www/download",
      url: "",
    });
    expect(input("add-address").value).toBe("");
    expect(input("add-dir").value).toBe("/var/www/download");

    // The admin's own name, folder and address; no key.
    await fill("add-name", "bordeaux");
    await fill("add-address", "relais-bordeaux.example.org");
    await fill("add-dir", "/srv/www/download");
    await fill("add-url", "dl.bordeaux.example.org/ocs");
    await click("add-relay");
    expect(cmd.relayAdd).toHaveBeenLastCalledWith({
      name: "bordeaux",
      address: "relais-bordeaux.example.org",
      key: null,
      download_dir: "/srv/www/download",
      url: "dl.bordeaux.example.org/ocs",
    });
  });

  it("shows the core's refusal of an unreadable address or an emptied folder, and keeps the form to fix", async () => {
    await open();
    cmd.relayAdd.mockResolvedValueOnce(err("bad_target", "'ocs@relais-pau.example.org:99999' is not an SSH address (the port is not a number from 1 to 65535)"));
    await fill("add-address", "ocs@relais-pau.example.org:99999");
    await click("add-relay");
    expect(document.getElementById("add-error")!.getAttribute("data-code")).toBe("bad_target");
    expect(text("add-error")).toContain("Adresse SSH illisible");
    expect(text("add-error")).toContain("the port is not a number from 1 to 65535");
    expect((document.getElementById("add-relay") as HTMLButtonElement).disabled).toBe(false);
    // No folder: nothing is put in its place; the core's validation answers.
    await fill("add-address", "relais-pau.example.org");
    await fill("add-dir", "");
    cmd.relayAdd.mockResolvedValueOnce(err("refused", "the download folder '' must be an absolute path on the server, e.g. /var/www/download"));
    await click("add-relay");
    expect(cmd.relayAdd.mock.calls[1][0].download_dir).toBe("");
    expect(text("add-error")).toContain("Réglage refusé.");
    expect(text("add-error")).toContain("must be an absolute path");
    expect(input("add-address").value).toBe("relais-pau.example.org"); // kept to fix
  });

  it("imports a pasted list with its defaults, and shows each refused line with its number and reason", async () => {
    await open();
    expect(input("import-user").value).toBe("root");
    expect(input("import-dir").value).toBe("/var/www/download");
    const list = "relais-bordeaux.example.org\nocs@relais-pau.example.org:2222\nroot@\n";
    await fill("import-text", list);
    await fill("import-user", "ocs");
    await fill("import-key", "/home/admin/.ssh/relais");
    cmd.relayImport.mockResolvedValueOnce(
      ok(
        relayImport({
          added: [kept()[1]],
          updated: ["relais-pau"],
          problems: [
            { line: 3, text: "root@", code: "address", part: "root@", reason: "'root@' is not an SSH address (the host is empty)" },
            { line: 4, text: "relais-pau.example.org", code: "duplicate", part: "relais-pau.example.org", reason: "the name 'relais-pau.example.org' is used twice" },
          ],
          relays: [...kept(), { ...kept()[1], name: "relais-limoges" }],
        }),
      ),
    );
    await click("import-list");
    expect(cmd.relayImport).toHaveBeenCalledWith(list, { user: "ocs", download_dir: "/var/www/download", key: "/home/admin/.ssh/relais" });
    expect(text("import-result").replace(/\s+/g, " ").trim()).toBe("1 ajouté(s) (relais-bordeaux) · 1 mis à jour (relais-pau) · 2 ligne(s) refusée(s)");
    const refused = document.querySelectorAll("#import-problems li");
    expect(refused).toHaveLength(2);
    expect(refused[0].getAttribute("data-line")).toBe("3");
    expect(refused[0].textContent).toContain("Ligne 3");
    // The reason in French, from the core's code; the core's English sentence as the tooltip.
    expect(refused[0].textContent).toContain("adresse SSH illisible : « root@ »");
    expect(refused[0].querySelector("span.small")!.getAttribute("title")).toContain("the host is empty");
    expect(refused[1].textContent).toContain("le nom « relais-pau.example.org » est déjà pris par une autre ligne");
    expect(document.querySelectorAll("#relays tbody tr")).toHaveLength(3);
    // The new server is ticked for the next copy.
    expect(input("copy-to-2").checked).toBe(true);
  });
});

describe("Relais screen: checks", () => {
  it("shows each server ready with its free space, or the error of a refused one", async () => {
    await open();
    cmd.relayCheck.mockResolvedValueOnce(
      ok([relayCheckOk("relais-pau"), relayCheckFailed("relais-bordeaux", "ssh_host_key_changed", "the key of relais-bordeaux changed (known_hosts:3)")]),
    );
    await click("check-relays");
    expect(cmd.relayCheck).toHaveBeenCalledWith([]);
    const [pau, bdx] = document.querySelectorAll("#checks tbody tr");
    expect(pau.textContent).toContain("✔ prêt");
    expect(pau.textContent).toContain("20 Gio");
    expect(pau.textContent).toContain("key /home/admin/.ssh/relais");
    expect(bdx.textContent).toContain("✗ échec");
    expect(bdx.textContent).toContain("La clé du serveur SSH n'est plus celle qui était connue");
    expect(bdx.textContent).toContain("known_hosts:3");
    // A changed key is never offered to trust.
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.querySelector(".fix-row")).toBeNull();
  });

  it("asks before trusting a new server: only the click trusts, with the fingerprint shown, then checks again", async () => {
    await open();
    cmd.relayCheck.mockResolvedValueOnce(
      ok([relayCheckOk("relais-pau"), relayCheckFailed("relais-bordeaux", "ssh_unknown_host", "relais-bordeaux is not known yet", { host_key: hostKey() })]),
    );
    await click("check-relays");
    const dialog = screen.getByRole("dialog", { name: "Faire confiance à ce serveur SSH ?" });
    expect(text("trust-server")).toBe("relais-bordeaux — root@relais-bordeaux.example.org");
    expect(text("trust-algorithm")).toBe("ssh-ed25519");
    expect(text("trust-fingerprint")).toBe(hostKey().fingerprint);
    expect(dialog.textContent).toContain("ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub");
    expect(document.activeElement).toBe(dialog);
    await settle();
    expect(cmd.sshTrust).not.toHaveBeenCalled();

    cmd.relayCheck.mockResolvedValueOnce(ok([relayCheckOk("relais-bordeaux")]));
    await fireEvent.click(screen.getByRole("button", { name: "Faire confiance" }));
    await settle();
    expect(cmd.sshTrust).toHaveBeenCalledTimes(1);
    expect(cmd.sshTrust).toHaveBeenCalledWith(kept()[1].ssh, hostKey().fingerprint);
    expect(cmd.relayCheck).toHaveBeenLastCalledWith(["relais-bordeaux"]);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.querySelectorAll("#checks tbody tr")[1].textContent).toContain("✔ prêt");
  });

  it("trusts nothing on Cancel, and asks again on demand", async () => {
    await open();
    cmd.relayCheck.mockResolvedValueOnce(ok([relayCheckFailed("relais-pau", "ssh_unknown_host", "not known yet", { host_key: hostKey({ target: "ocs@relais-pau.example.org:2222" }) })]));
    await click("check-relays");
    await click("trust-cancel");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(cmd.sshTrust).not.toHaveBeenCalled();
    await click("fix-0-ask");
    expect(text("trust-server")).toBe("relais-pau — ocs@relais-pau.example.org:2222");
    expect(cmd.sshHostKey).not.toHaveBeenCalled(); // the key the check gave
  });

  it("shows why trusting failed, in the question", async () => {
    await open();
    cmd.relayCheck.mockResolvedValueOnce(ok([relayCheckFailed("relais-pau", "ssh_unknown_host", "not known yet", { host_key: hostKey() })]));
    await click("check-relays");
    cmd.sshTrust.mockResolvedValueOnce(err("ssh_host_key_changed", "the server now shows SHA256:other"));
    await click("trust-accept");
    expect(text("trust-error")).toContain("SHA256:other");
    expect(screen.getByRole("dialog")).toBeTruthy();
  });

  it("offers the SSH password for a refused login and the key's passphrase for a locked key", async () => {
    await open();
    cmd.relayCheck.mockResolvedValueOnce(
      ok([
        relayCheckFailed("relais-pau", "ssh_key", "the key /home/admin/.ssh/relais needs its passphrase"),
        relayCheckFailed("relais-bordeaux", "ssh_auth", "root@relais-bordeaux.example.org refused every way of logging in"),
      ]),
    );
    await click("check-relays");
    expect(input("fix-0-key").value).toBe("/home/admin/.ssh/relais");
    await fill("fix-0-passphrase", "phrase secrète");
    cmd.relayCheck.mockResolvedValueOnce(ok([relayCheckOk("relais-pau")]));
    await click("fix-0-save");
    expect(cmd.sshSavePassphrase).toHaveBeenCalledWith("/home/admin/.ssh/relais", "phrase secrète");
    expect(cmd.relayCheck).toHaveBeenLastCalledWith(["relais-pau"]);
    expect(document.querySelectorAll("#checks tbody tr.check-ok")).toHaveLength(1);

    // A wrong password: the core says so, the field is emptied.
    cmd.sshSavePassword.mockResolvedValueOnce(err("ssh_auth", "the password was refused"));
    await fill("fix-1-password", "faux");
    await fireEvent.keyDown(input("fix-1-password"), { key: "Enter" });
    await settle();
    expect(cmd.sshSavePassword).toHaveBeenCalledWith(kept()[1].ssh, "faux");
    expect(text("fix-1-error")).toContain("the password was refused");
    expect(input("fix-1-password").value).toBe("");
    await fill("fix-1-password", "secret");
    await click("fix-1-save");
    expect(cmd.sshSavePassword).toHaveBeenLastCalledWith(kept()[1].ssh, "secret");
    expect(text("fix-1-saved")).toBe("✔ Enregistré dans le trousseau du système.");
    expect(cmd.relayCheck).toHaveBeenLastCalledWith(["relais-bordeaux"]);
  });
});

describe("Relais screen: copy", () => {
  it("starts from the last build and its publication, copies with one bar per server, cancels, then reports", async () => {
    await studio.analyze("/apps/Mon Appli");
    await studio.build(false);
    server.session = session();
    server.openPublish(studio.report!);
    await server.publish(studio.report!);
    await open();
    expect(input("copy-folder").value).toBe(buildReport().dir);
    expect(input("copy-id").value).toBe("1796018700");
    expect(input("retire-id").value).toBe("1796018700");
    expect(input("copy-to-0").checked).toBe(true);
    expect(input("copy-to-1").checked).toBe(true);
    await fill("copy-limit", "2.5");
    await fill("copy-at", "18:30");

    let answer: (v: CopyAnswer) => void = () => {};
    cmd.relayCopy.mockReturnValueOnce(new Promise((r) => (answer = r)));
    await click("start-copy");
    expect(cmd.relayCopy.mock.calls[0][0]).toEqual({
      package: buildReport().dir,
      server_id: "1796018700",
      relays: ["relais-pau", "relais-bordeaux"],
      limit: 2621440,
      at: "18:30",
    });
    expect(screen.getAllByRole("progressbar").map((b) => b.getAttribute("aria-label"))).toEqual(["relais-pau", "relais-bordeaux"]);
    expect(canOpen("start")).toBe(false); // the copy holds the window, like a build

    const channel = cmd.relayCopy.mock.calls[0][1] as unknown as { onmessage: (p: Progress) => void };
    // The core waits for 18:30: seconds waited of the wait, the time as `current`.
    channel.onmessage(progress("waiting", 600, 7980, "18:30"));
    await settle();
    expect(document.querySelector("#copy-waiting .progress-head strong")!.textContent).toBe("En attente jusqu'à 18:30 (reste 2 h 03)");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("8");
    channel.onmessage(progress("uploading", 1741, 3482, "relais-pau"));
    channel.onmessage(progress("uploading", 870, 3480, "relais-bordeaux"));
    await settle();
    expect(document.getElementById("copy-waiting")).toBeNull();
    const bar = (name: string) => screen.getByRole("progressbar", { name });
    expect(bar("relais-pau").getAttribute("aria-valuenow")).toBe("50");
    expect(bar("relais-bordeaux").getAttribute("aria-valuenow")).toBe("25");
    expect(text("copy-bar-0")).toContain("Envoi au serveur relais");
    channel.onmessage(progress("done", 3482, 3482, "relais-bordeaux"));
    await settle();
    expect(text("copy-bar-1")).toContain("Copié et vérifié");

    await click("copy-cancel");
    expect(cmd.cancelBuild).toHaveBeenCalled();
    answer(
      ok(
        copyOutput({
          all_ok: false,
          results: [
            copyResult("relais-pau", { attempts: 2, sent_fragments: 2, kept_fragments: 1 }),
            copyResult("relais-bordeaux", { status: "failed", sent_fragments: 0, attempts: 3, error_code: "ssh_remote", error: "No space left on device" }),
          ],
        }),
      ),
    );
    await settle();
    expect(screen.queryAllByRole("progressbar")).toHaveLength(0);
    expect(canOpen("start")).toBe(true);
    const [pau, bdx] = document.querySelectorAll("#copy-results tbody tr");
    expect([...pau.querySelectorAll("td")].map((c) => c.textContent!.trim())).toEqual([
      "relais-paurelais-pau.example.org/download/1796018700/",
      "copié",
      "2",
      "1",
      "2",
      "1,5 s",
      "",
    ]);
    expect(bdx.getAttribute("data-status")).toBe("failed");
    expect(bdx.textContent).toContain("échec");
    expect(bdx.textContent).toContain("Une commande ou une opération sur les fichiers a échoué sur le serveur SSH.");
    expect(bdx.textContent).toContain("No space left on device");
    expect(text("copy-summary")).toMatch(/^Au moins un serveur n'a pas reçu le paquet/);
  });

  it("copies to the ticked servers only, and not at all when none is ticked", async () => {
    await open();
    await fill("copy-folder", "/out/1796018654");
    await fireEvent.click(input("copy-to-0"));
    await click("start-copy");
    expect(cmd.relayCopy.mock.calls[0][0]).toEqual({ package: "/out/1796018654", server_id: null, relays: ["relais-bordeaux"], limit: null, at: null });
    await settle();
    expect(text("copy-summary")).toBe("✔ Copie vérifiée sur tous les serveurs.");
    expect(document.querySelector("#copy-results tbody tr[data-status='already_there']")!.textContent).toContain("déjà présent");
    await fireEvent.click(input("copy-to-1"));
    expect((document.getElementById("start-copy") as HTMLButtonElement).disabled).toBe(true);
  });

  it("chooses the package folder with the system's chooser, and shows why a copy failed", async () => {
    await open();
    expect(input("copy-folder").value).toBe("");
    cmd.pickFolder.mockResolvedValueOnce("/home/admin/ocs-packages/1796018654");
    await click("copy-pick");
    expect(input("copy-folder").value).toBe("/home/admin/ocs-packages/1796018654");
    cmd.relayCopy.mockResolvedValueOnce(err("cancelled", "cancelled"));
    await click("start-copy");
    expect(text("copy-error")).toContain("Opération annulée");
  });

  it("shows the line to schedule on a server, in a block the admin can copy", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await open();
    await fill("copy-folder", "/home/admin/ocs-packages/1796018654");
    await fill("copy-at", "22:00");
    await click("schedule-line");
    expect(cmd.relayScheduleLine).toHaveBeenCalledWith({
      package: "/home/admin/ocs-packages/1796018654",
      server_id: null,
      relays: ["relais-pau", "relais-bordeaux"],
      limit: null,
      at: "22:00",
    });
    expect(document.querySelector("#schedule code")!.textContent).toBe("echo 'ocs-studio' relay copy /home/admin/ocs-packages/1796018654 | at 18:00");
    await click("copy-line");
    expect(writeText).toHaveBeenCalledWith("echo 'ocs-studio' relay copy /home/admin/ocs-packages/1796018654 | at 18:00");
    expect(text("copy-line")).toBe("✔ Ligne copiée");
    cmd.relayScheduleLine.mockResolvedValueOnce(err("refused", "'25:00' is not a time of day"));
    await fill("copy-at", "25:00");
    await click("schedule-line");
    expect(text("schedule-error")).toContain("'25:00' is not a time of day");
    expect(document.getElementById("schedule")).toBeNull();
  });
});

describe("Relais screen: retire", () => {
  const consolePkg = { server_id: "1796018700", name: "Mon Appli 2.1.0", created: "", priority: "5", fragments: "1", os: "WINDOWS", comment: "" };

  it("deletes from the servers, then from the console with the session's key, after a confirmation", async () => {
    server.session = session();
    await open();
    expect(document.getElementById("retire-no-console")).toBeNull();
    await fill("retire-id", " 1796018700 ");
    cmd.relayRetire.mockResolvedValueOnce(
      ok({
        relays: [
          { relay: "relais-pau", removed: true, error: null, error_code: null },
          { relay: "relais-bordeaux", removed: false, error: null, error_code: null },
        ],
        console: consolePkg,
      }),
    );
    await click("retire");
    expect(cmd.relayRetire).not.toHaveBeenCalled();
    await click("retire-confirm");
    expect(cmd.relayRetire).toHaveBeenCalledWith("1796018700", [], session().key);
    const rows = [...document.querySelectorAll("#retire-results tr")].map((r) => r.textContent!.trim());
    expect(rows).toEqual(["relais-pauretiré", "relais-bordeauxabsent"]);
    expect(text("retire-console")).toBe("✔ Supprimé de la console : 1796018700 Mon Appli 2.1.0");
  });

  it("only cleans the servers when not connected to a console", async () => {
    await open();
    expect(text("retire-no-console")).toContain("Non connecté à une console");
    await fill("retire-id", "1796018700");
    await click("retire");
    await click("retire-confirm");
    expect(cmd.relayRetire).toHaveBeenCalledWith("1796018700", [], null);
    expect(text("retire-console")).toBe("Console non modifiée (pas de connexion à une console).");
  });

  it("says why the console kept the package when a server could not be cleaned", async () => {
    server.session = session();
    await open();
    await fill("retire-id", "1796018700");
    cmd.relayRetire.mockResolvedValueOnce(
      ok({ relays: [{ relay: "relais-pau", removed: false, error: "cannot reach relais-pau.example.org:2222", error_code: "unreachable" }], console: null }),
    );
    await click("retire");
    await click("retire-confirm");
    expect(document.querySelector("#retire-results tr")!.textContent).toContain("cannot reach relais-pau.example.org:2222");
    expect(text("retire-console")).toMatch(/^Paquet laissé sur la console/);
  });
});

describe("Relais screen in English", () => {
  it("has every label in English, the trust question too", async () => {
    locale.set("en");
    await open();
    for (const h of ["Kept redistribution servers", "Add a server", "Import a list", "Connections", "Copy a package", "Retire a package"]) {
      expect(screen.getByRole("heading", { name: h })).toBeTruthy();
    }
    for (const b of ["Check the connections", "Start the copy", "Line to schedule on a server", "Import", "Add", "Delete from the servers, then from the console"]) {
      expect(screen.getByRole("button", { name: b })).toBeTruthy();
    }
    expect(text("retire-no-console")).toMatch(/^Not connected to a console/);
    expect(text("groups-no-ssh")).toMatch(/^To manage server groups, connect to the console with the SSH access/);
    cmd.relayCheck.mockResolvedValueOnce(ok([relayCheckFailed("relais-pau", "ssh_unknown_host", "not known yet", { host_key: hostKey() })]));
    await click("check-relays");
    expect(screen.getByRole("dialog", { name: "Trust this SSH server?" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Trust" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeTruthy();
    expect(document.querySelector("#checks tbody tr")!.textContent).toContain("✗ failed");
  });
});

describe("Relais screen in English: a scheduled copy", () => {
  it("says until when it waits and how long is left", async () => {
    locale.set("en");
    await open();
    await fill("copy-folder", "/out/1796018654");
    await fill("copy-at", "18:00");
    cmd.relayCopy.mockReturnValueOnce(new Promise(() => {}));
    await click("start-copy");
    const channel = cmd.relayCopy.mock.calls[0][1] as unknown as { onmessage: (p: Progress) => void };
    channel.onmessage(progress("waiting", 0, 7380, "18:00"));
    await settle();
    expect(document.querySelector("#copy-waiting .progress-head strong")!.textContent).toBe("Waiting until 18:00 (2 h 03 left)");
    expect(document.getElementById("copy-bars")).toBeNull();
  });
});

describe("Relais screen: server groups", () => {
  const ocsSsh = { target: { host: "ocs.example.com", port: 22, user: "root", key: null }, download_dir: null, db_config: null };
  const sites = () =>
    group("sites-sud", [member("RELAIS-PAU", "10.1.2.3", ["10.1.2.0/24"]), member("RELAIS-BORDEAUX", "10.2.0.5", ["10.2.0.0/16", "192.168.30.0/24"])], {
      description: "Relais des sites du sud",
    });

  /** Connected to the console with the OCS server's SSH access, then the Relais screen. */
  async function openWithSsh(): Promise<void> {
    server.session = session();
    server.ssh = ocsSsh;
    await open();
  }

  it("is hidden without the OCS server's SSH access, with how to give it", async () => {
    await open();
    expect(text("groups-no-ssh")).toMatch(/^Pour gérer les groupes de serveurs, connectez-vous à la console avec l'accès SSH au serveur OCS/);
    expect(text("groups-since")).toMatch(/^Depuis la version 2\.9, les écrans de la console n'affichent plus les groupes de serveurs, mais le serveur OCS les sert toujours/);
    expect(document.getElementById("group-create")).toBeNull();
    expect(document.getElementById("group-activate")).toBeNull();
    expect(cmd.groupList).not.toHaveBeenCalled();
    // A console session without SSH access: hidden too.
    cleanupScreen();
    server.session = session();
    await open();
    expect(document.getElementById("groups-no-ssh")).not.toBeNull();
    expect(cmd.groupList).not.toHaveBeenCalled();
  });

  it("lists the groups with their members over the SSH access sent at connection", async () => {
    cmd.groupList.mockResolvedValue(ok([sites(), group("vide", [])]));
    await openWithSsh();
    expect(cmd.groupList).toHaveBeenCalledWith(ocsSsh);
    expect(document.getElementById("groups-no-ssh")).toBeNull();
    const first = document.getElementById("group-0")!;
    expect(first.querySelector("h3")!.textContent).toContain("sites-sud");
    expect(first.querySelector("h3")!.textContent).toContain("2 membre(s)");
    expect(first.textContent).toContain("Relais des sites du sud");
    const rows = [...first.querySelectorAll("tbody tr")].map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent!.trim()));
    expect(rows).toEqual([
      ["RELAIS-PAU", "10.1.2.3", "relais-pau.example.org/download", "10.1.2.0/24"],
      ["RELAIS-BORDEAUX", "10.2.0.5", "relais-bordeaux.example.org/download", "10.2.0.0/16, 192.168.30.0/24"],
    ]);
    expect(document.getElementById("group-1")!.textContent).toContain("Aucun membre.");
    expect((document.getElementById("group-select") as HTMLSelectElement).value).toBe("sites-sud");
  });

  it("creates a group from the ticked kept relays only", async () => {
    await openWithSsh();
    expect(text("no-group")).toBe("Aucun groupe de serveurs sur ce serveur OCS.");
    const create = document.getElementById("group-create") as HTMLButtonElement;
    expect(input("group-relay-0").checked).toBe(false);
    expect(input("group-relay-1").checked).toBe(false);
    await fill("group-name", " sites-sud ");
    expect(create.disabled).toBe(true); // no relay ticked
    await fill("group-description", "Relais des sites du sud");
    await fireEvent.click(input("group-relay-1"));
    cmd.groupCreate.mockResolvedValueOnce(ok(group("sites-sud", [member("RELAIS-BORDEAUX", "10.2.0.5", ["10.2.0.0/16"])])));
    await click("group-create");
    expect(cmd.groupCreate).toHaveBeenCalledWith(ocsSsh, { name: "sites-sud", description: "Relais des sites du sud", relays: [kept()[1]] });
    expect(document.getElementById("group-0")!.textContent).toContain("RELAIS-BORDEAUX");
    expect(input("group-name").value).toBe("");
    expect(input("group-relay-1").checked).toBe(false);

    // A relay OCS does not know: the core says which.
    await fill("group-name", "nord");
    await fireEvent.click(input("group-relay-0"));
    cmd.groupCreate.mockResolvedValueOnce(err("database", "relais-pau is no computer known to OCS (neither by name nor by address 10.1.2.3)"));
    await click("group-create");
    expect(cmd.groupCreate).toHaveBeenLastCalledWith(ocsSsh, { name: "nord", description: "", relays: [kept()[0]] });
    expect(text("group-create-error")).toContain("neither by name nor by address");
  });

  it("deletes a group after a confirmation", async () => {
    cmd.groupList.mockResolvedValueOnce(ok([sites()]));
    await openWithSsh();
    await click("group-delete-0");
    expect(cmd.groupDelete).not.toHaveBeenCalled();
    await click("group-delete-cancel");
    expect(cmd.groupDelete).not.toHaveBeenCalled();
    await click("group-delete-0");
    await click("group-delete-confirm");
    expect(cmd.groupDelete).toHaveBeenCalledWith(ocsSsh, "sites-sud");
    expect(text("no-group")).toBe("Aucun groupe de serveurs sur ce serveur OCS.");
  });

  it("activates the last published package on a group: one row per member", async () => {
    await studio.analyze("/apps/Mon Appli");
    await studio.build(false);
    server.session = session();
    server.openPublish(studio.report!);
    await server.publish(studio.report!);
    cmd.groupList.mockResolvedValueOnce(ok([sites()]));
    await openWithSsh();
    expect(input("group-pkg").value).toBe("1796018700");
    await fill("group-info", " ocs.example.com/download ");
    cmd.groupActivate.mockResolvedValueOnce(
      ok([
        { enable_id: "61", computer: "RELAIS-PAU", pack_loc: "relais-pau.example.org/download", added: true },
        { enable_id: "48", computer: "RELAIS-BORDEAUX", pack_loc: "relais-bordeaux.example.org/download", added: false },
      ]),
    );
    await click("group-activate");
    expect(cmd.groupActivate).toHaveBeenCalledWith(ocsSsh, "1796018700", "sites-sud", "ocs.example.com/download");
    expect(text("activation-summary")).toBe("Paquet 1796018700 activé sur le groupe sites-sud :");
    const rows = [...document.querySelectorAll("#activation tbody tr")].map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent!.trim()));
    expect(rows).toEqual([
      ["RELAIS-PAU", "61", "relais-pau.example.org/download", "ajouté"],
      ["RELAIS-BORDEAUX", "48", "relais-bordeaux.example.org/download", "déjà présent"],
    ]);
    // No address: the console's default.
    await fill("group-info", "");
    await click("group-activate");
    expect(cmd.groupActivate).toHaveBeenLastCalledWith(ocsSsh, "1796018700", "sites-sud", null);
  });

  it("assigns by subnet and names the computers left out, with their subnets and what to do", async () => {
    cmd.groupList.mockResolvedValueOnce(ok([sites()]));
    await openWithSsh();
    expect(cmd.deployDefaults).toHaveBeenCalled();
    expect(input("assign-tag").value).toBe("ALPHA");
    await fill("group-pkg", "1796018700");
    cmd.groupAssign.mockResolvedValueOnce(
      ok({
        assigned: [
          { computer: "PC-PAU-01", tag: "ALPHA", subnet: "10.1.2.0/24", server: "RELAIS-PAU" },
          { computer: "PC-BDX-07", tag: "ALPHA", subnet: "10.2.0.0/16", server: "RELAIS-BORDEAUX" },
        ],
        already: ["PC-PAU-02"],
        unmatched: [
          { id: 812, name: "PC-LIMOGES-03", tag: "ALPHA", subnets: ["10.4.1.0/24"] },
          { id: 813, name: "PC-NOMADE-11", tag: "ALPHA", subnets: [] },
        ],
      }),
    );
    await click("group-assign");
    expect(cmd.groupAssign).toHaveBeenCalledWith(ocsSsh, { server_id: "1796018700", group: "sites-sud", filter: { tag: "ALPHA", name: null } });
    expect(text("assign-summary")).toBe("2 affecté(s) · 1 déjà affecté(s) · 2 laissé(s) de côté");
    const left = document.getElementById("assign-unmatched")!;
    expect(left.getAttribute("role")).toBe("alert");
    expect(left.textContent).toContain("2 ordinateur(s) laissé(s) de côté : aucun membre du groupe dans leur sous-réseau");
    const names = [...left.querySelectorAll("li")].map((li) => li.textContent!.replace(/\s+/g, " ").trim());
    expect(names).toEqual(["PC-LIMOGES-03 (ALPHA) — 10.4.1.0/24", "PC-NOMADE-11 (ALPHA) — aucun sous-réseau connu"]);
    expect(left.textContent).toContain("Ajoutez un serveur relais dans ce sous-réseau (puis au groupe), ou déployez ces ordinateurs directement");
    const assigned = [...document.querySelectorAll("#assign-assigned tbody tr")].map((r) => r.textContent!.replace(/\s+/g, " ").trim());
    expect(assigned).toEqual(["PC-PAU-01ALPHA10.1.2.0/24 → RELAIS-PAU", "PC-BDX-07ALPHA10.2.0.0/16 → RELAIS-BORDEAUX"]);
    expect(text("assign-already")).toContain("PC-PAU-02");

    // By name instead of TAG.
    await fireEvent.input(input("assign-tag"), { target: { value: "" } });
    await fill("assign-name", "PC-PAU");
    await click("group-assign");
    expect(cmd.groupAssign).toHaveBeenLastCalledWith(ocsSsh, { server_id: "1796018700", group: "sites-sud", filter: { tag: null, name: "PC-PAU" } });
  });

  it("offers the trust question when the OCS server's SSH key is not known yet, then reads the groups again", async () => {
    cmd.groupList.mockResolvedValueOnce(err("ssh_unknown_host", "ocs.example.com is not known yet"));
    cmd.sshHostKey.mockResolvedValueOnce(ok(hostKey({ target: "root@ocs.example.com" })));
    await openWithSsh();
    expect(text("groups-error")).toContain("Serveur SSH encore inconnu");
    await click("groups-fix-ask");
    expect(cmd.sshHostKey).toHaveBeenCalledWith(ocsSsh.target);
    expect(cmd.sshTrust).not.toHaveBeenCalled();
    cmd.groupList.mockResolvedValueOnce(ok([sites()]));
    await click("groups-fix-trust-accept");
    expect(cmd.sshTrust).toHaveBeenCalledWith(ocsSsh.target, hostKey().fingerprint);
    expect(cmd.groupList).toHaveBeenCalledTimes(2);
    expect(document.getElementById("groups-error")).toBeNull();
    expect(document.getElementById("group-0")).not.toBeNull();
  });

  it("has its words in English", async () => {
    locale.set("en");
    cmd.groupList.mockResolvedValueOnce(ok([sites()]));
    await openWithSsh();
    for (const h of ["Server groups", "Create a group", "Activate a package on a group", "Assign (rule: same subnet)"]) {
      expect(screen.getByRole("heading", { name: h })).toBeTruthy();
    }
    expect(text("groups-since")).toMatch(/^Since version 2\.9 the console's screens no longer show server groups, but the OCS server still serves them/);
    await fill("group-pkg", "1796018700");
    cmd.groupAssign.mockResolvedValueOnce(ok({ assigned: [], already: [], unmatched: [{ id: 812, name: "PC-LIMOGES-03", tag: "ALPHA", subnets: ["10.4.1.0/24"] }] }));
    await click("group-assign");
    expect(text("assign-unmatched")).toContain("1 computer(s) left out: no group member in their subnet");
    expect(text("assign-unmatched")).toContain("PC-LIMOGES-03");
    expect(groups.report?.unmatched).toHaveLength(1);
  });
});
