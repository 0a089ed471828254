// SSH as the window shows it: the address the admin types (`[user@]host[:port]`) read into the core's SshTarget, and
// what the admin can do when the core refuses a server: compare and trust its host key, give a password or a key's
// passphrase. The core checks everything (host keys, logins, secrets); the window only asks and passes on.
import { commands, type AppError, type HostKeyInfo, type SshTarget, type SshTarget_Deserialize } from "../bindings";

/**
 * Reads `[user@]host[:port]` as the core does (IPv6 in brackets: `[::1]:2222`; port 22 by default; the user
 * `defaultUser` when none is typed). Undefined when it cannot be read: the caller reports `bad_target`.
 */
export function parseTarget(text: string, defaultUser = ""): SshTarget_Deserialize | undefined {
  const t = text.trim();
  const at = t.lastIndexOf("@");
  const user = at < 0 ? defaultUser : t.slice(0, at);
  const rest = at < 0 ? t : t.slice(at + 1);
  if (!user) return undefined;
  let host: string;
  let port: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return undefined;
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after.startsWith(":")) port = after.slice(1);
    else if (after !== "") return undefined;
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    host = rest; // a bare IPv6 address
  } else {
    const colon = rest.indexOf(":");
    host = colon < 0 ? rest : rest.slice(0, colon);
    port = colon < 0 ? undefined : rest.slice(colon + 1);
  }
  if (!host || /[\s/]/.test(host)) return undefined;
  let n = 22;
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port)) return undefined;
    n = Number(port);
    if (n < 1 || n > 65535) return undefined;
  }
  return { host, port: n, user };
}

/** A target as the admin types it: `user@host`, `:port` when not 22, an IPv6 host in brackets. */
export function targetText(t: Pick<SshTarget, "host" | "user"> & { port?: number }): string {
  const host = t.host.includes(":") ? `[${t.host}]` : t.host;
  return `${t.user}@${host}${t.port && t.port !== 22 ? `:${t.port}` : ""}`;
}

/** What went wrong with a server that the admin can fix from the window. */
export const FIXABLE = ["ssh_unknown_host", "ssh_auth", "ssh_key"] as const;

/**
 * The fixes of one SSH server the core refused: its host key, shown until the admin trusts it (the fingerprint
 * shown is the one sent) or closes the question; its password; its key's passphrase. `after` runs once a fix is
 * kept (a check again, say).
 */
export class SshFix {
  /** The key the trust question shows (from a check, or read with `showKey`). */
  hostKey = $state.raw<HostKeyInfo | undefined>();
  /** The admin closed the question without trusting. */
  dismissed = $state(false);
  /** The admin trusted the key. */
  trusted = $state(false);
  busy = $state(false);
  error = $state.raw<AppError | undefined>();
  password = $state("");
  passphrase = $state("");
  keyFile = $state("");
  /** Where the password or passphrase was kept, once the core accepted it. */
  saved = $state<string | undefined>();
  readonly target: SshTarget_Deserialize;
  private readonly after?: () => Promise<void> | void;

  constructor(target: SshTarget_Deserialize, hostKey?: HostKeyInfo | null, after?: () => Promise<void> | void) {
    this.target = target;
    this.hostKey = hostKey ?? undefined;
    this.keyFile = target.key ?? "";
    this.after = after;
  }

  /** The trust question is to be shown: a key not known yet, neither trusted nor turned down. */
  get asking(): boolean {
    return this.hostKey !== undefined && !this.hostKey.known && !this.trusted && !this.dismissed;
  }

  /** Reads the server's host key, for the trust question. */
  async showKey(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = undefined;
    const r = await commands.sshHostKey(this.target);
    this.busy = false;
    if (r.status === "error") this.error = r.error;
    else {
      this.hostKey = r.data;
      this.dismissed = false;
    }
  }

  /** The admin's click on "Trust": the fingerprint shown is the one the core must find again. */
  async trust(): Promise<void> {
    const shown = this.hostKey;
    if (!shown || this.busy) return;
    this.busy = true;
    this.error = undefined;
    const r = await commands.sshTrust(this.target, shown.fingerprint);
    this.busy = false;
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.trusted = true;
    await this.after?.();
  }

  cancel(): void {
    this.dismissed = true;
    this.error = undefined;
  }

  /** Asks the trust question again (the key read first when none was given). */
  async ask(): Promise<void> {
    if (this.hostKey) {
      this.dismissed = false;
      this.error = undefined;
    } else await this.showKey();
  }

  /** Keeps the password in the keyring once the server took it (the core tries it first). */
  async savePassword(): Promise<void> {
    const password = this.password;
    if (!password || this.busy) return;
    this.password = ""; // never kept in the page once used
    await this.keep(() => commands.sshSavePassword(this.target, password));
  }

  /** Keeps the key file's passphrase once it opened the key. */
  async savePassphrase(): Promise<void> {
    const passphrase = this.passphrase;
    const key = this.keyFile.trim();
    if (!passphrase || !key || this.busy) return;
    this.passphrase = "";
    await this.keep(() => commands.sshSavePassphrase(key, passphrase));
  }

  private async keep(call: () => ReturnType<typeof commands.sshSavePassword>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    this.saved = undefined;
    const r = await call();
    this.busy = false;
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.saved = r.data;
    await this.after?.();
  }
}
