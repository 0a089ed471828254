// The app's state in one place: the screen (nav), the local work (studio), the server work (server), the
// redistribution servers (relays) and the OCS server's groups of them (groups), and the rules of the rail: which step can be opened now, and what opening it does.
import { commands, type ServerPackage } from "../bindings";
import { groups } from "./groups.svelte";
import { nav } from "./nav.svelte";
import { relays } from "./relay.svelte";
import { server } from "./server.svelte";
import type { ScreenId } from "./steps";
import { studio } from "./studio.svelte";

export { groups, nav, relays, server, studio };

/** A job the core runs for the current screen (cancelled with `cancel_build`): no other screen meanwhile. */
export function busy(): boolean {
  return studio.busy || relays.copying || server.imp?.running === true;
}

/** The built package may go to a server: built, and not refused by the offline verification. */
export function canPublish(): boolean {
  return studio.report !== undefined && !(studio.verify && !studio.verify.ok);
}

/** Whether the rail lets the admin open `id` now. */
export function canOpen(id: ScreenId): boolean {
  if (busy()) return id === nav.screen;
  switch (id) {
    case "start":
    case "server":
    case "relays":
      return true;
    case "analysis":
    case "package":
    case "notification":
    case "footprint":
      return studio.opened !== undefined;
    case "build":
      return studio.report !== undefined;
    case "publish":
      return canPublish();
    case "deploy":
    case "results":
      return server.target !== undefined;
  }
}

/** Whether step `id` is done for the current package (a check mark in the rail). */
export function isDone(id: ScreenId): boolean {
  switch (id) {
    case "analysis":
      return studio.opened !== undefined;
    case "package":
      // Every choice is in package.toml.
      return studio.opened?.saved === true && !studio.dirty;
    case "build":
      return studio.verify?.ok === true;
    case "publish":
      return published() !== undefined;
    case "deploy":
      return server.dep.outcome !== undefined && server.dep.forId === server.target?.server_id && !server.res.deleted;
    default:
      return false;
  }
}

/** The current build's id on the server, once published. */
export function published(): string | undefined {
  const pub = server.pub;
  return pub && pub.dir === studio.report?.dir ? pub.report?.server_id : undefined;
}

/** Opens a screen (what the rail and the screens' own buttons do). */
export function go(id: ScreenId): void {
  if (!canOpen(id)) return;
  switch (id) {
    case "server":
      server.openServer();
      return;
    case "relays":
      void relays.open(studio.report?.dir, published());
      // The server groups need the OCS server's SSH access, as sent when connecting.
      if (server.session && server.ssh) void groups.open(server.ssh, server.pub?.report?.server_id);
      return;
    case "publish":
      if (studio.report) server.openPublish(studio.report);
      return;
    case "deploy":
      if (server.target) server.openDeploy(server.target);
      return;
    case "results":
      if (server.target) server.openResults(server.target);
      return;
    default:
      // The local steps only show what the studio holds.
      nav.screen = id;
  }
}

/** Opens a package of the server in the studio (downloaded, unpacked, its package.toml written by the core), then
 * its settings; the server screen says why when it cannot. */
export async function openFromServer(pkg: ServerPackage): Promise<void> {
  if (busy()) return;
  const out = await server.importPackage(pkg);
  if (!out) return;
  await studio.analyze(out.manifest_file);
  if (studio.opened && !studio.startError) nav.screen = "package";
}

/** Before the first drawing: the default output folder and the saved servers. */
export async function init(): Promise<void> {
  const [info] = await Promise.all([commands.appInfo(), server.loadSaved()]);
  studio.outDir = info.default_out_dir;
}

/** Back to a fresh window (tests). */
export function resetState(): void {
  nav.screen = "start";
  studio.reset();
  server.reset();
  relays.reset();
  groups.reset();
}
