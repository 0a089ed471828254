// SSH as the window shows it: the address the admin types (`[user@]host[:port]`), read by the core into its SshTarget,
// and what the admin can do when the core refuses a server: compare and trust its host key, give a password or a key's
// passphrase. The core checks everything (host keys, logins, secrets); the window only asks and passes on.
import { commands, type AppError, type HostKeyInfo, type Store, type SshTarget, type SshTarget_Deserialize } from "../bindings";

/**
 * Reads `[user@]host[:port]` with the core (`ssh_parse_target`; the user `defaultUser` when none is typed): the
 * target, or the core's `bad_target` refusal to show.
 */
export async function readTarget(text: string, defaultUser = ""): Promise<{ target: SshTarget_Deserialize; error?: undefined } | { target?: undefined; error: AppError }> {
  const r = await commands.sshParseTarget(text, defaultUser);
  return r.status === "error" ? { error: r.error } : { target: r.data };
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
  saved = $state<Store | undefined>();
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
