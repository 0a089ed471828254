// The server side of the work: connect, list, publish, deploy (rings), results, delete. A view over the core's
// `ocs` API; every decision (checks, gate, explanations) comes from the Rust side.
import { SvelteSet } from "svelte/reactivity";
import {
  commands,
  type AppError,
  type BuildReport,
  type CheckOutput,
  type Computer,
  type DeployOutcome,
  type ImportOutput,
  type PackageStats,
  type Progress,
  type PublishReport,
  type RingGate,
  type RingRule,
  type ServerPackage,
  type ServerSession,
  type ServerSpec,
  type ServerSsh_Deserialize,
  type Store,
} from "../bindings";
import { joinPath } from "./format";
import { nav } from "./nav.svelte";
import { progressChannel } from "./progress";
import { FIXABLE, readTarget, SshFix, targetText } from "./ssh.svelte";

/** A package on the server, as deploy and results refer to it. */
export type Pkg = { server_id: string; name: string };

/** The publication of one built package (a new build starts a new one). */
export class Publication {
  name = $state("");
  description = $state("");
  infoLoc = $state("");
  fileLoc = $state("");
  replace = $state(false);
  /** Publish over SSH even below the console's upload limit. */
  direct = $state(false);
  running = $state(false);
  progress = $state.raw<Progress | undefined>();
  report = $state.raw<PublishReport | undefined>();
  error = $state.raw<AppError | undefined>();
  /** What the admin can do about an SSH refusal of the OCS server (its host key, password, passphrase). */
  fix = $state.raw<SshFix | undefined>();
  readonly dir: string;
  constructor(dir: string, name: string) {
    this.dir = dir;
    this.name = name;
  }
}

/** The deployment screen. The filter and the ring rule stay from one package to the next. */
export class Deployment {
  forId = $state("");
  tag = $state("ALPHA");
  name = $state("");
  computers = $state.raw<Computer[] | undefined>();
  selected = new SvelteSet<string>();
  useRule = $state(false);
  after = $state("ALPHA");
  min = $state<number | null>(90);
  gate = $state.raw<RingGate | undefined>();
  outcome = $state.raw<DeployOutcome | undefined>();
  error = $state.raw<AppError | undefined>();
  busy = $state(false);

  /** Forgets what was about another package (its computers, gate, outcome), keeps the filter. */
  about(serverId: string): void {
    if (this.forId === serverId) return;
    this.forId = serverId;
    this.computers = undefined;
    this.selected.clear();
    this.gate = undefined;
    this.outcome = undefined;
    this.error = undefined;
  }

  rule(): RingRule {
    const min = typeof this.min === "number" && !Number.isNaN(this.min) ? this.min : 90;
    return { after: this.after, min_success: min };
  }
}

/** The results screen of one package. */
export class Results {
  stats = $state.raw<PackageStats | undefined>();
  error = $state.raw<AppError | undefined>();
  busy = $state(false);
  confirmDelete = $state(false);
  deleted = $state.raw<ServerPackage | undefined>();
  readonly forId: string;
  constructor(forId: string) {
    this.forId = forId;
  }
}

/** The opening of a server's package in the studio: its progress, or why it failed. */
export class ServerImport {
  running = $state(false);
  progress = $state.raw<Progress | undefined>();
  error = $state.raw<AppError | undefined>();
  readonly serverId: string;
  readonly name: string;
  constructor(serverId: string, name: string) {
    this.serverId = serverId;
    this.name = name;
  }
}

/**
 * The check of the OCS server's SSH access ("Vérifier" on the connection card): what the core found (host key, login,
 * download folder), or its refusal with what the admin can do about it (trust the key, give a password or passphrase).
 */
export class SshAccessCheck {
  running = $state(false);
  result = $state.raw<CheckOutput | undefined>();
  error = $state.raw<AppError | undefined>();
  fix = $state.raw<SshFix | undefined>();
  /** Where the password or passphrase given before this check was kept. */
  kept = $state<Store | undefined>();
}

// The SSH access to the OCS server: `sshTarget` as typed (user@host[:port]), the key file and the download folder
// (empty: the core's defaults); `sshDb` keeps a saved server's dbconfig.inc.php path, which the window does not edit.
const blankForm = () => ({ url: "", user: "", ca: "", password: "", remember: true, sshTarget: "", sshKey: "", sshDir: "", sshDb: "" });

class Server {
  form = $state(blankForm());
  session = $state.raw<ServerSession | undefined>();
  connecting = $state(false);
  /** Why the connection failed. */
  error = $state.raw<AppError | undefined>();
  /** The SSH access given with the current session (direct publishing, server groups): what was sent at connection. */
  ssh = $state.raw<ServerSsh_Deserialize | undefined>();
  /** The last check of the SSH access. */
  sshCheck = $state.raw(new SshAccessCheck());
  saved = $state.raw<ServerSpec[]>([]);
  savedError = $state.raw<AppError | undefined>();
  packages = $state.raw<ServerPackage[] | undefined>();
  packagesError = $state.raw<AppError | undefined>();
  /** The package the deploy and results screens are about. */
  target = $state.raw<Pkg | undefined>();
  pub = $state.raw<Publication | undefined>();
  dep = $state.raw(new Deployment());
  res = $state.raw(new Results(""));
  /** The last opening of a server package in the studio. */
  imp = $state.raw<ServerImport | undefined>();

  reset(): void {
    this.form = blankForm();
    this.session = undefined;
    this.ssh = undefined;
    this.sshCheck = new SshAccessCheck();
    this.imp = undefined;
    this.connecting = false;
    this.error = undefined;
    this.saved = [];
    this.savedError = undefined;
    this.packages = undefined;
    this.packagesError = undefined;
    this.target = undefined;
    this.pub = undefined;
    this.dep = new Deployment();
    this.res = new Results("");
  }

  private get key(): string {
    return this.session?.key ?? "";
  }

  // ---------- Saved servers ----------

  /** Loads the saved servers and fills the form with the most recent one (before the first drawing). */
  async loadSaved(): Promise<void> {
    this.saved = await commands.savedServers();
    if (!this.form.url && this.saved[0]) this.useSpec(this.saved[0]);
  }

  useSpec(s: ServerSpec): void {
    this.form.url = s.url;
    this.form.user = s.user;
    this.form.ca = s.ca ?? "";
    const ssh = s.ssh;
    this.form.sshTarget = ssh ? targetText(ssh.target) : "";
    this.form.sshKey = ssh?.target.key ?? "";
    this.form.sshDir = ssh?.download_dir ?? "";
    this.form.sshDb = ssh?.db_config ?? "";
  }

  /** The SSH access as typed: undefined when none; the core's `bad_target` when it cannot read the address. */
  private async sshSpec(): Promise<{ ssh?: ServerSsh_Deserialize; error?: AppError }> {
    const f = this.form;
    f.sshTarget = f.sshTarget.trim();
    f.sshKey = f.sshKey.trim();
    f.sshDir = f.sshDir.trim();
    if (!f.sshTarget) return {};
    const read = await readTarget(f.sshTarget);
    if (read.error) return { error: read.error };
    return { ssh: { target: { ...read.target, key: f.sshKey || null }, download_dir: f.sshDir || null, db_config: f.sshDb || null } };
  }

  /** Forgets a server: its place in the list and its saved password. */
  async forget(s: ServerSpec): Promise<void> {
    const r = await commands.forgetServer(s);
    this.savedError = r.status === "error" ? r.error : undefined;
    this.saved = await commands.savedServers();
  }

  // ---------- Connection ----------

  async connect(): Promise<void> {
    if (this.connecting) return;
    const f = this.form;
    f.url = f.url.trim();
    f.user = f.user.trim();
    f.ca = f.ca.trim();
    this.connecting = true;
    this.error = undefined;
    const { ssh, error } = await this.sshSpec();
    if (error) {
      this.connecting = false;
      this.error = error;
      return;
    }
    const spec = { url: f.url, user: f.user, ca: f.ca || null, ...(ssh ? { ssh } : {}) };
    const r = await commands.connectServer({ spec, password: f.password || null, remember: f.remember });
    this.connecting = false;
    f.password = ""; // never kept in the page once used
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.session = r.data;
    this.ssh = ssh;
    this.sshCheck = new SshAccessCheck();
    this.packages = undefined;
    if (nav.screen === "server") void this.loadPackages();
    if (nav.screen === "results" && this.target) void this.loadStats(this.target);
  }

  disconnect(): void {
    this.session = undefined;
    this.ssh = undefined;
    this.sshCheck = new SshAccessCheck();
    this.packages = undefined;
  }

  /**
   * Checks the SSH access (the one of the session, else the one typed in the form): the server's key, the login, and
   * the download folder when one is given. An unknown key is read at once for the trust question (nothing is trusted
   * but by the admin's click); a refused login or a locked key offers the password or the passphrase. A kept fix
   * checks again (`kept`: where its secret was kept, to say so).
   */
  async checkSsh(kept?: Store): Promise<void> {
    const c = this.sshCheck;
    if (c.running) return;
    c.running = true;
    c.error = undefined;
    c.result = undefined;
    c.kept = kept;
    let ssh = this.session ? this.ssh : undefined;
    if (!ssh) {
      const spec = await this.sshSpec();
      if (spec.error) {
        c.running = false;
        c.error = spec.error;
        c.fix = undefined;
        return;
      }
      ssh = spec.ssh;
    }
    if (!ssh) {
      c.running = false;
      return;
    }
    const target = ssh.target;
    const r = await commands.sshCheck(target, ssh.download_dir || null);
    c.running = false;
    if (r.status === "ok") {
      c.result = r.data;
      c.fix = undefined;
      return;
    }
    c.error = r.error;
    if (!(FIXABLE as readonly string[]).includes(r.error.code)) {
      c.fix = undefined;
      return;
    }
    const fix: SshFix = new SshFix(target, undefined, () => this.checkSsh(fix.saved));
    c.fix = fix;
    if (r.error.code === "ssh_unknown_host") await fix.showKey();
  }

  async loadPackages(): Promise<void> {
    const r = await commands.serverPackages(this.key);
    if (r.status === "error") this.packagesError = r.error;
    else {
      this.packagesError = undefined;
      this.packages = r.data;
    }
  }

  // ---------- Screens ----------

  openServer(): void {
    nav.screen = "server";
    if (this.session) void this.loadPackages();
  }

  /** The publish screen for a built package: a new publication when it is another package than last time. */
  openPublish(report: BuildReport): void {
    if (this.pub?.dir !== report.dir) this.pub = new Publication(report.dir, report.name);
    nav.screen = "publish";
  }

  openDeploy(pkg: Pkg): void {
    this.target = pkg;
    this.dep.about(pkg.server_id);
    nav.screen = "deploy";
  }

  /** The results screen: read again each time it is opened. */
  openResults(pkg: Pkg): void {
    this.target = pkg;
    if (this.res.forId !== pkg.server_id) this.res = new Results(pkg.server_id);
    nav.screen = "results";
    if (this.session) void this.loadStats(pkg);
  }

  // ---------- Publish ----------

  async publish(r: BuildReport): Promise<void> {
    const p = this.pub;
    if (!p || p.dir !== r.dir || p.running) return;
    p.name = p.name.trim();
    p.infoLoc = p.infoLoc.trim();
    p.fileLoc = p.fileLoc.trim();
    p.running = true;
    p.error = undefined;
    p.fix = undefined;
    p.progress = undefined;
    const channel = progressChannel((m) => {
      if (p.running) p.progress = m;
    });
    const res = await commands.publishPackage(
      this.key,
      r.dir,
      {
        name: p.name,
        description: p.description,
        os: r.os,
        fragment_size: r.fragment_size,
        info_location: p.infoLoc || null,
        fragment_location: p.fileLoc || null,
        replace: p.replace,
        direct: p.direct,
      },
      channel,
    );
    p.running = false;
    if (res.status === "error") {
      p.error = res.error;
      // The OCS server's SSH refused: its key to compare, a password or a passphrase to give, then publish again.
      const ssh = this.ssh;
      if (ssh && (FIXABLE as readonly string[]).includes(res.error.code)) p.fix = new SshFix(ssh.target);
    } else p.report = res.data;
  }

  // ---------- Import ----------

  /**
   * Downloads a package of the server as a studio package (in the default output folder's `imported`), with
   * progress; cancelled like a build. The package folder, or undefined when it failed (the screen says why).
   */
  async importPackage(pkg: ServerPackage): Promise<ImportOutput | undefined> {
    if (this.imp?.running) return undefined;
    const imp = new ServerImport(pkg.server_id, pkg.name);
    this.imp = imp;
    imp.running = true;
    const info = await commands.appInfo();
    const channel = progressChannel((m) => {
      if (imp.running) imp.progress = m;
    });
    const r = await commands.importServerPackage(
      this.key,
      { server_id: pkg.server_id, out_dir: joinPath(info.default_out_dir, "imported"), folder_name: null },
      channel,
    );
    imp.running = false;
    if (r.status === "error") {
      imp.error = r.error;
      return undefined;
    }
    return r.data;
  }

  // ---------- Deploy ----------

  async searchComputers(): Promise<void> {
    const d = this.dep;
    if (d.busy) return;
    d.busy = true;
    d.error = undefined;
    const r = await commands.searchComputers(this.key, { tag: d.tag.trim() || null, name: d.name.trim() || null });
    d.busy = false;
    if (r.status === "error") d.error = r.error;
    else {
      d.computers = r.data;
      d.selected.clear();
      for (const c of r.data) d.selected.add(c.id);
    }
  }

  async checkRing(pkg: Pkg): Promise<void> {
    const d = this.dep;
    const r = await commands.checkRing(this.key, pkg.server_id, d.rule());
    if (r.status === "error") d.error = r.error;
    else d.gate = r.data;
  }

  async affect(pkg: Pkg): Promise<void> {
    const d = this.dep;
    if (d.busy) return;
    const chosen = (d.computers ?? []).filter((c) => d.selected.has(c.id));
    d.busy = true;
    d.error = undefined;
    d.outcome = undefined;
    const r = await commands.deployPackage(this.key, pkg.server_id, chosen, d.useRule ? d.rule() : null);
    d.busy = false;
    if (r.status === "error") d.error = r.error;
    else {
      d.outcome = r.data;
      d.gate = r.data.gate ?? d.gate;
    }
  }

  // ---------- Results ----------

  async loadStats(pkg: Pkg): Promise<void> {
    const r = this.res;
    r.busy = true;
    const s = await commands.packageStats(this.key, pkg.server_id);
    r.busy = false;
    if (s.status === "error") r.error = s.error;
    else {
      r.error = undefined;
      r.stats = s.data;
    }
  }

  /** The second click of the two-click delete. */
  async deletePackage(pkg: Pkg): Promise<void> {
    const r = this.res;
    r.busy = true;
    const s = await commands.deleteServerPackage(this.key, pkg.server_id);
    r.busy = false;
    r.confirmDelete = false;
    if (s.status === "error") r.error = s.error;
    else r.deleted = s.data;
  }
}

export const server = new Server();
