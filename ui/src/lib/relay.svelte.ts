// The redistribution servers: the kept list, adding one or importing the procedure's list, checking the connections
// (with the host-key and secret questions), copying a package to them, and retiring a package. A view over the
// core's `relay_*` commands: the core reads the lists, checks, copies and deletes; the window shows and asks.
import { SvelteSet } from "svelte/reactivity";
import {
  commands,
  type AppError,
  type CopyOutput,
  type CopyRequest_Deserialize,
  type Progress,
  type Relay,
  type RelayCheck,
  type RelayDefaults,
  type RelayImportOutput,
  type RetireOutcome,
} from "../bindings";
import { nav } from "./nav.svelte";
import { progressChannelPer } from "./progress";
import { FIXABLE, SshFix } from "./ssh.svelte";

const MIB = 1048576;

const blankAdd = () => ({ name: "", address: "", key: "", dir: "", url: "" });
const blankImport = () => ({ text: "", user: "", dir: "", key: "" });
// `limit` in MiB/s as typed (a number input: null when empty).
const blankCopy = () => ({ folder: "", serverId: "", limit: null as number | null, at: "" });

/** One server's check, and what the admin can do about its refusal. */
export type CheckRow = { check: RelayCheck; fix?: SshFix };

class Relays {
  list = $state.raw<Relay[] | undefined>();
  listError = $state.raw<AppError | undefined>();
  defaults = $state.raw<RelayDefaults | undefined>();

  add = $state(blankAdd());
  adding = $state(false);
  addError = $state.raw<AppError | undefined>();

  imp = $state(blankImport());
  importing = $state(false);
  imported = $state.raw<RelayImportOutput | undefined>();
  importError = $state.raw<AppError | undefined>();

  checking = $state(false);
  checks = $state.raw<CheckRow[] | undefined>();
  checkError = $state.raw<AppError | undefined>();

  copy = $state(blankCopy());
  /** The servers to copy to (every kept server unless the admin unticks it). */
  selected = new SvelteSet<string>();
  private known = new Set<string>();
  copying = $state(false);
  /** The servers of the running copy, in the list's order, and each one's last report. */
  targets = $state.raw<string[]>([]);
  bars = $state.raw<Record<string, Progress>>({});
  /** The copy's wait for its time of day (the core's `waiting` reports), until the first server's report. */
  wait = $state.raw<Progress | undefined>();
  copied = $state.raw<CopyOutput | undefined>();
  copyError = $state.raw<AppError | undefined>();
  schedule = $state<string | undefined>();
  scheduleError = $state.raw<AppError | undefined>();

  retireId = $state("");
  confirmRetire = $state(false);
  retiring = $state(false);
  retired = $state.raw<{ outcome: RetireOutcome; withConsole: boolean } | undefined>();
  retireError = $state.raw<AppError | undefined>();

  reset(): void {
    this.list = undefined;
    this.listError = undefined;
    this.defaults = undefined;
    this.add = blankAdd();
    this.adding = false;
    this.addError = undefined;
    this.imp = blankImport();
    this.importing = false;
    this.imported = undefined;
    this.importError = undefined;
    this.checking = false;
    this.checks = undefined;
    this.checkError = undefined;
    this.copy = blankCopy();
    this.selected.clear();
    this.known = new Set();
    this.copying = false;
    this.targets = [];
    this.bars = {};
    this.wait = undefined;
    this.copied = undefined;
    this.copyError = undefined;
    this.schedule = undefined;
    this.scheduleError = undefined;
    this.retireId = "";
    this.confirmRetire = false;
    this.retiring = false;
    this.retired = undefined;
    this.retireError = undefined;
  }

  /** The screen, with the kept list and the defaults; the copy starts from the last build and its publication. */
  async open(folder: string | undefined, serverId: string | undefined): Promise<void> {
    nav.screen = "relays";
    if (!this.copy.folder && folder) this.copy.folder = folder;
    if (!this.copy.serverId && serverId) this.copy.serverId = serverId;
    if (!this.retireId && serverId) this.retireId = serverId;
    await Promise.all([this.load(), this.loadDefaults()]);
  }

  async load(): Promise<void> {
    const r = await commands.relayList();
    if (r.status === "error") this.listError = r.error;
    else this.setList(r.data);
  }

  private async loadDefaults(): Promise<void> {
    if (this.defaults) return;
    const d = await commands.relayDefaults();
    this.defaults = d;
    this.add.dir ||= d.download_dir;
    this.imp.user ||= d.user;
    this.imp.dir ||= d.download_dir;
    this.imp.key ||= d.key ?? "";
  }

  /** The list as the core returned it; a server new to the window is ticked for the copy. */
  private setList(list: Relay[]): void {
    this.listError = undefined;
    this.list = list;
    const names = new Set(list.map((r) => r.name));
    for (const n of names) if (!this.known.has(n)) this.selected.add(n);
    for (const n of [...this.selected]) if (!names.has(n)) this.selected.delete(n);
    this.known = names;
  }

  relay(name: string): Relay | undefined {
    return this.list?.find((r) => r.name === name);
  }

  // ---------- The list ----------

  async remove(name: string): Promise<void> {
    const r = await commands.relayRemove(name);
    if (r.status === "error") this.listError = r.error;
    else this.setList(r.data);
  }

  /**
   * Adds the server of the form (or changes the one of that name). The core reads the address (the default user
   * when none is typed), fills what is left empty (the host as name, <host>/download as the agents' address) and
   * checks every field; the window shows its refusal.
   */
  async save(): Promise<void> {
    if (this.adding) return;
    const f = this.add;
    this.adding = true;
    this.addError = undefined;
    const r = await commands.relayAdd({ name: f.name, address: f.address, key: f.key.trim() || null, download_dir: f.dir, url: f.url });
    this.adding = false;
    if (r.status === "error") {
      this.addError = r.error;
      return;
    }
    this.setList(r.data);
    this.add = { ...blankAdd(), dir: this.defaults?.download_dir ?? "" };
  }

  /** Imports the pasted list: what was added or updated, and each refused line with its number and reason. */
  async importList(): Promise<void> {
    if (this.importing) return;
    const f = this.imp;
    this.importing = true;
    this.importError = undefined;
    this.imported = undefined;
    const r = await commands.relayImport(f.text, { user: f.user.trim(), download_dir: f.dir.trim(), key: f.key.trim() || null });
    this.importing = false;
    if (r.status === "error") {
      this.importError = r.error;
      return;
    }
    this.imported = r.data;
    this.setList(r.data.relays);
  }

  // ---------- Checks ----------

  /** Checks every kept server. */
  async checkAll(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    this.checkError = undefined;
    const r = await commands.relayCheck([]);
    this.checking = false;
    if (r.status === "error") {
      this.checkError = r.error;
      return;
    }
    this.checks = r.data.map((c) => this.row(c));
  }

  /** Checks one server again (after a fix) and puts its row in place. */
  async recheck(name: string): Promise<void> {
    const r = await commands.relayCheck([name]);
    if (r.status === "error") {
      this.checkError = r.error;
      return;
    }
    const fresh = r.data.find((c) => c.relay === name);
    if (!fresh || !this.checks) return;
    this.checks = this.checks.map((row) => (row.check.relay === name ? this.row(fresh) : row));
  }

  private row(check: RelayCheck): CheckRow {
    const relay = this.relay(check.relay);
    const fixable = relay && check.error_code && (FIXABLE as readonly string[]).includes(check.error_code);
    return { check, fix: fixable ? new SshFix(relay.ssh, check.host_key, () => this.recheck(check.relay)) : undefined };
  }

  /** The first server whose host key waits for the admin's answer: one question at a time. */
  get question(): CheckRow | undefined {
    return this.checks?.find((row) => row.check.error_code === "ssh_unknown_host" && row.fix?.asking);
  }

  // ---------- Copy ----------

  /** What the copy form asks for (the ticked servers in the list's order; MiB/s in bytes per second). */
  request(): CopyRequest_Deserialize {
    const c = this.copy;
    const mib = c.limit;
    return {
      package: c.folder.trim(),
      server_id: c.serverId.trim() || null,
      relays: (this.list ?? []).map((r) => r.name).filter((n) => this.selected.has(n)),
      limit: typeof mib === "number" && Number.isFinite(mib) && mib > 0 ? Math.round(mib * MIB) : null,
      at: c.at.trim() || null,
    };
  }

  async pickFolder(): Promise<void> {
    const folder = await commands.pickFolder();
    if (folder) this.copy.folder = folder;
  }

  /** The `at` line that runs the same copy on a server. */
  async scheduleLine(): Promise<void> {
    this.scheduleError = undefined;
    const r = await commands.relayScheduleLine(this.request());
    if (r.status === "error") {
      this.schedule = undefined;
      this.scheduleError = r.error;
    } else this.schedule = r.data;
  }

  /** Copies the package to the ticked servers in parallel: one bar per server, then the report. */
  async startCopy(): Promise<void> {
    if (this.copying) return;
    const req = this.request();
    if (!req.relays?.length) return; // none ticked (an empty list would mean every server)
    const names = new Set(req.relays);
    this.copying = true;
    this.copied = undefined;
    this.copyError = undefined;
    this.targets = req.relays;
    this.bars = {};
    this.wait = undefined;
    const channel = progressChannelPer((p) => {
      if (!this.copying) return;
      if (p.stage === "waiting") this.wait = p;
      else if (p.current && names.has(p.current)) {
        this.wait = undefined;
        this.bars = { ...this.bars, [p.current]: p };
      }
    });
    const r = await commands.relayCopy(req, channel);
    this.copying = false;
    this.wait = undefined;
    if (r.status === "error") this.copyError = r.error;
    else this.copied = r.data;
  }

  cancel(): void {
    void commands.cancelBuild();
  }

  // ---------- Retire ----------

  /** The second click: from every kept server, then from the console when `key` names a session. */
  async retire(key: string | null): Promise<void> {
    if (this.retiring) return;
    this.retireId = this.retireId.trim();
    this.confirmRetire = false;
    this.retiring = true;
    this.retired = undefined;
    this.retireError = undefined;
    const r = await commands.relayRetire(this.retireId, [], key);
    this.retiring = false;
    if (r.status === "error") this.retireError = r.error;
    else this.retired = { outcome: r.data, withConsole: key !== null };
  }
}

export const relays = new Relays();
