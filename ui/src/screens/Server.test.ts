import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { commands } from "../bindings";
import { go, nav, server } from "../lib/state.svelte";
import { err, ok, session, settle } from "../test/fakes";
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
