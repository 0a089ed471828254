// The server side of the work: connect, list, publish, deploy (rings), results, delete. A view over the core's
// `ocs` API; every decision (checks, gate, explanations) comes from the Rust side.
import { SvelteSet } from "svelte/reactivity";
import {
  commands,
  type AppError,
  type BuildReport,
  type Computer,
  type DeployOutcome,
  type PackageStats,
  type Progress,
  type PublishReport,
  type RingGate,
  type RingRule,
  type ServerPackage,
  type ServerSession,
  type ServerSpec,
} from "../bindings";
import { nav } from "./nav.svelte";
import { progressChannel } from "./progress";

/** A package on the server, as deploy and results refer to it. */
export type Pkg = { server_id: string; name: string };

/** The publication of one built package (a new build starts a new one). */
export class Publication {
  name = $state("");
  description = $state("");
  infoLoc = $state("");
  fileLoc = $state("");
  replace = $state(false);
  running = $state(false);
  progress = $state.raw<Progress | undefined>();
  report = $state.raw<PublishReport | undefined>();
  error = $state.raw<AppError | undefined>();
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

const blankForm = () => ({ url: "", user: "", ca: "", password: "", remember: true });

class Server {
  form = $state(blankForm());
  session = $state.raw<ServerSession | undefined>();
  connecting = $state(false);
  /** Why the connection failed. */
  error = $state.raw<AppError | undefined>();
  saved = $state.raw<ServerSpec[]>([]);
  savedError = $state.raw<AppError | undefined>();
  packages = $state.raw<ServerPackage[] | undefined>();
  packagesError = $state.raw<AppError | undefined>();
  /** The package the deploy and results screens are about. */
  target = $state.raw<Pkg | undefined>();
  pub = $state.raw<Publication | undefined>();
  dep = $state.raw(new Deployment());
  res = $state.raw(new Results(""));

  reset(): void {
    this.form = blankForm();
    this.session = undefined;
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
    const r = await commands.connectServer({ spec: { url: f.url, user: f.user, ca: f.ca || null }, password: f.password || null, remember: f.remember });
    this.connecting = false;
    f.password = ""; // never kept in the page once used
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.session = r.data;
    this.packages = undefined;
    if (nav.screen === "server") void this.loadPackages();
    if (nav.screen === "results" && this.target) void this.loadStats(this.target);
  }

  disconnect(): void {
    this.session = undefined;
    this.packages = undefined;
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
      },
      channel,
    );
    p.running = false;
    if (res.status === "error") p.error = res.error;
    else p.report = res.data;
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
