// The OCS server's groups of redistribution servers, reached over the OCS server's SSH access (the one the window sent
// when connecting): list, create from kept relays, delete, activate a package on every member, and assign it with the
// "same subnet" rule. The console's own screens no longer show these groups (2.9 and later); the server still serves
// them. A view over the core's `group_*` commands: the core matches relays to OCS computers, writes the rows and
// decides who is served by whom; the window shows and asks.
import { SvelteSet } from "svelte/reactivity";
import {
  commands,
  type AppError,
  type GroupActivation,
  type Relay,
  type ServerGroup,
  type ServerSsh_Deserialize,
  type SubnetAssignReport,
} from "../bindings";
import { FIXABLE, SshFix } from "./ssh.svelte";

const blankCreate = () => ({ name: "", description: "" });

class Groups {
  list = $state.raw<ServerGroup[] | undefined>();
  loading = $state(false);
  listError = $state.raw<AppError | undefined>();
  /** What the admin can do when the OCS server's SSH refused (its key, a password, a passphrase). */
  fix = $state.raw<SshFix | undefined>();
  fixCode = $state.raw<AppError["code"] | undefined>();

  create = $state(blankCreate());
  /** The kept relays ticked for the new group (none until the admin ticks them). */
  members = new SvelteSet<string>();
  creating = $state(false);
  createError = $state.raw<AppError | undefined>();

  /** The group waiting for the second click of its deletion. */
  confirmDelete = $state<string | undefined>();
  deleting = $state(false);
  deleteError = $state.raw<AppError | undefined>();

  /** The package and group the activation and the assignment are about. */
  serverId = $state("");
  group = $state("");
  infoLoc = $state("");
  activating = $state(false);
  activation = $state.raw<{ group: string; serverId: string; rows: GroupActivation[] } | undefined>();
  activateError = $state.raw<AppError | undefined>();

  tag = $state("ALPHA");
  name = $state("");
  /** The admin changed the TAG filter: the core's default no longer replaces it. */
  private tagTouched = false;
  assigning = $state(false);
  report = $state.raw<SubnetAssignReport | undefined>();
  assignError = $state.raw<AppError | undefined>();

  reset(): void {
    this.list = undefined;
    this.loading = false;
    this.listError = undefined;
    this.fix = undefined;
    this.fixCode = undefined;
    this.create = blankCreate();
    this.members.clear();
    this.creating = false;
    this.createError = undefined;
    this.confirmDelete = undefined;
    this.deleting = false;
    this.deleteError = undefined;
    this.serverId = "";
    this.group = "";
    this.infoLoc = "";
    this.activating = false;
    this.activation = undefined;
    this.activateError = undefined;
    this.tag = "ALPHA";
    this.name = "";
    this.tagTouched = false;
    this.assigning = false;
    this.report = undefined;
    this.assignError = undefined;
  }

  /** The section on the Relais screen: the groups, the package of the last publication, the first ring's filter. */
  async open(ssh: ServerSsh_Deserialize, serverId: string | undefined): Promise<void> {
    if (!this.serverId && serverId) this.serverId = serverId;
    await Promise.all([this.load(ssh), this.loadDefaults()]);
  }

  /** The first ring's TAG, as the Deploy screen starts from (the core's deploy defaults). */
  private async loadDefaults(): Promise<void> {
    const d = await commands.deployDefaults();
    if (!this.tagTouched && d?.filter.tag) this.tag = d.filter.tag;
  }

  setTag(tag: string): void {
    this.tagTouched = true;
    this.tag = tag;
  }

  async load(ssh: ServerSsh_Deserialize): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    const r = await commands.groupList(ssh);
    this.loading = false;
    if (this.failed(r, ssh, (e) => (this.listError = e))) return;
    if (r.status === "ok") {
      this.listError = undefined;
      this.setList(r.data);
    }
  }

  private setList(list: ServerGroup[]): void {
    this.list = list;
    if (!list.some((g) => g.name === this.group)) this.group = list[0]?.name ?? "";
  }

  /**
   * Keeps the error where the screen shows it, and offers the fix of an SSH refusal of the OCS server (then reads the
   * groups again). True when the command failed.
   */
  private failed<T>(r: { status: "ok"; data: T } | { status: "error"; error: AppError }, ssh: ServerSsh_Deserialize, keep: (e: AppError) => void): boolean {
    if (r.status === "ok") return false;
    keep(r.error);
    if ((FIXABLE as readonly string[]).includes(r.error.code)) {
      this.fix = new SshFix(ssh.target, undefined, () => {
        this.fix = undefined;
        this.fixCode = undefined;
        return this.load(ssh);
      });
      this.fixCode = r.error.code;
    }
    return true;
  }

  // ---------- Create, delete ----------

  /** Creates the group from the ticked kept relays (the core matches each to its OCS computer). */
  async createGroup(ssh: ServerSsh_Deserialize, kept: readonly Relay[]): Promise<void> {
    if (this.creating) return;
    const f = this.create;
    f.name = f.name.trim();
    f.description = f.description.trim();
    const relays = kept.filter((r) => this.members.has(r.name));
    this.creating = true;
    this.createError = undefined;
    const r = await commands.groupCreate(ssh, { name: f.name, description: f.description, relays });
    this.creating = false;
    if (this.failed(r, ssh, (e) => (this.createError = e))) return;
    if (r.status === "ok") {
      const g = r.data;
      this.setList([...(this.list ?? []).filter((x) => x.name !== g.name), g]);
      this.group = g.name;
      this.create = blankCreate();
      this.members.clear();
    }
  }

  /** The second click of the deletion. */
  async deleteGroup(ssh: ServerSsh_Deserialize, name: string): Promise<void> {
    if (this.deleting) return;
    this.deleting = true;
    this.deleteError = undefined;
    const r = await commands.groupDelete(ssh, name);
    this.deleting = false;
    this.confirmDelete = undefined;
    if (this.failed(r, ssh, (e) => (this.deleteError = e))) return;
    this.setList((this.list ?? []).filter((g) => g.name !== name));
  }

  // ---------- Activate, assign ----------

  /** Activates the package on every member of the group: one row per member (added, or already there). */
  async activate(ssh: ServerSsh_Deserialize): Promise<void> {
    if (this.activating) return;
    this.serverId = this.serverId.trim();
    this.infoLoc = this.infoLoc.trim();
    const serverId = this.serverId;
    const group = this.group;
    this.activating = true;
    this.activateError = undefined;
    this.activation = undefined;
    const r = await commands.groupActivate(ssh, serverId, group, this.infoLoc || null);
    this.activating = false;
    if (this.failed(r, ssh, (e) => (this.activateError = e))) return;
    if (r.status === "ok") this.activation = { group, serverId, rows: r.data };
  }

  /** Assigns the package to the filter's computers, each to the member of its subnet; the others are named. */
  async assign(ssh: ServerSsh_Deserialize): Promise<void> {
    if (this.assigning) return;
    this.serverId = this.serverId.trim();
    this.tag = this.tag.trim();
    this.name = this.name.trim();
    this.assigning = true;
    this.assignError = undefined;
    this.report = undefined;
    const r = await commands.groupAssign(ssh, { server_id: this.serverId, group: this.group, filter: { tag: this.tag || null, name: this.name || null } });
    this.assigning = false;
    if (this.failed(r, ssh, (e) => (this.assignError = e))) return;
    if (r.status === "ok") this.report = r.data;
  }
}

export const groups = new Groups();
