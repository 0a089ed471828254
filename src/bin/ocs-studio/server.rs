//! The server commands: login, logout, publish, deploy, stats, delete. Each one is a thin caller of `ocs_studio::ocs`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use ocs_studio::credentials;
use ocs_studio::ocs::{self, ComputerFilter, Console, OcsError, ServerSpec};
use ocs_studio::ByteSize;

use crate::{cancel_on_ctrl_c, progress_bar, Failure, OsArg};

/// Which server and as whom. The password comes from the keyring (see `login`) or OCS_STUDIO_PASSWORD.
#[derive(clap::Args, Clone)]
pub struct ServerArgs {
    /// The OCS console's address, e.g. https://ocs.example.com/ocsreports/
    #[arg(long, env = "OCS_STUDIO_SERVER")]
    server: String,
    /// Console user
    #[arg(long, env = "OCS_STUDIO_USER")]
    user: String,
    /// PEM file of the CA that signed the server's certificate (the cacert.pem deployed to agents); default: the system's trust store
    #[arg(long, env = "OCS_STUDIO_CA")]
    ca: Option<PathBuf>,
    /// Accept a plain http:// console address on this machine (a loopback test server); refused anywhere else,
    /// since the password would travel in clear
    #[arg(long, env = "OCS_STUDIO_ALLOW_HTTP")]
    allow_http: bool,
    /// SSH access to the OCS server itself, user@host[:port]: publishing directly (packages above the console's upload
    /// limit), through the console's database reached over SSH
    #[arg(long, env = "OCS_STUDIO_SSH")]
    ssh: Option<String>,
    /// Private key file for --ssh (default: the SSH agent, the default keys, then a kept password)
    #[arg(long, env = "OCS_STUDIO_SSH_KEY", requires = "ssh")]
    ssh_key: Option<PathBuf>,
    /// The console's package folder on the server (default: from the console's settings, else Debian's)
    #[arg(long, requires = "ssh")]
    download_dir: Option<String>,
    /// The console's dbconfig.inc.php on the server (default: /etc/ocsinventory/dbconfig.inc.php and the usual places)
    #[arg(long, requires = "ssh")]
    db_config: Option<String>,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

impl ServerArgs {
    fn spec(&self) -> Result<ServerSpec, Failure> {
        if self.allow_http && self.server.trim_start().to_ascii_lowercase().starts_with("http://") {
            eprintln!("warning: plain HTTP to {} (allowed with --allow-http: for a test server on this machine only)", self.server);
        }
        let ssh = match &self.ssh {
            None => None,
            Some(t) => {
                let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
                let mut target = ocs_studio::ssh::SshTarget::parse(t, &user).map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })?;
                target.key = self.ssh_key.clone();
                Some(ocs::ServerSsh { target, download_dir: self.download_dir.clone(), db_config: self.db_config.clone() })
            }
        };
        Ok(ServerSpec { url: self.server.clone(), user: self.user.clone(), ca: self.ca.clone(), allow_http: self.allow_http, ssh })
    }
}

/// A console that a command may also act on (`relay delete --server …`); the same options as the server commands.
#[derive(clap::Args, Clone)]
pub struct OptionalServerArgs {
    /// The OCS console's address, e.g. https://ocs.example.com/ocsreports/
    #[arg(long = "server")]
    server: Option<String>,
    /// Console user
    #[arg(long = "user", env = "OCS_STUDIO_USER")]
    user: Option<String>,
    /// PEM file of the CA that signed the console's certificate
    #[arg(long = "ca", env = "OCS_STUDIO_CA")]
    ca: Option<PathBuf>,
}

impl OptionalServerArgs {
    pub fn spec(&self) -> Option<ServerSpec> {
        Some(ServerSpec { url: self.server.clone()?, user: self.user.clone().unwrap_or_else(|| "admin".into()), ca: self.ca.clone(), allow_http: false, ssh: None })
    }
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The package's ID on the server (ocs-studio stats --list shows them)
    server_id: String,
    /// Folder that receives the studio package folder (files/, original/, package.toml)
    #[arg(long, short)]
    out: PathBuf,
    /// Name of the studio package folder (default: from the package's name)
    #[arg(long)]
    folder_name: Option<String>,
    #[command(flatten)]
    pub server: ServerArgs,
}

pub fn import(a: ImportArgs) -> Result<ExitCode, Failure> {
    let cancel = cancel_on_ctrl_c();
    let (bar, sink) = progress_bar();
    let req = ocs::ImportRequest { server_id: a.server_id.clone(), out_dir: a.out.clone(), folder_name: a.folder_name.clone() };
    let r = runtime().block_on(async {
        let c = connect(&a.server).await?;
        ocs::import_package(&c, &req, &sink, &cancel).await.map_err(fail)
    });
    bar.finish_and_clear();
    let r = r?;
    if a.server.json {
        print_json(&r);
    } else {
        outln!("Imported package {} \"{}\" into {}", r.server_id, r.manifest.display_name(), r.dir.display());
        outln!("  {} file(s) from {} in {} fragment(s), digest {} checked", r.files, ByteSize(r.archive_bytes), r.fragments, r.digest);
        outln!("  {}: every value of its info; the archive is kept in original/ and sent as it is while files/ is unchanged", r.manifest_file.display());
        for u in &r.unmapped {
            outln!("  not carried over (unknown to the studio): {u}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Deletes package `id` from the console of `spec`; returns a line saying what was deleted.
pub fn delete_on_console(rt: &tokio::runtime::Runtime, spec: &ServerSpec, id: &str) -> Result<String, Failure> {
    let p = rt.block_on(async {
        let (password, _) = credentials::password(spec).map_err(fail)?;
        let c = Console::connect(spec, &password).await.map_err(fail)?;
        ocs::delete(&c, id).await.map_err(fail)
    })?;
    Ok(format!("package {} \"{}\"", p.server_id, p.name))
}

#[derive(clap::Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Read the password from standard input (one line) instead of asking on the terminal
    #[arg(long)]
    password_stdin: bool,
}

#[derive(clap::Args)]
pub struct LogoutArgs {
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(clap::Args)]
pub struct PublishArgs {
    /// A built package folder (OUT/<ID>), or an application folder / package.toml, which is built first
    source: PathBuf,
    #[command(flatten)]
    pub server: ServerArgs,
    /// Name shown in the console (default: the manifest's "Name Version")
    #[arg(long)]
    name: Option<String>,
    /// Description shown in the console
    #[arg(long)]
    description: Option<String>,
    /// Target OS of a package folder (default: from its archive, zip = windows)
    #[arg(long, value_enum)]
    os: Option<OsArg>,
    /// Manifest giving the name, description and fragment size of a package folder
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// HTTPS server address agents fetch info from, host/path (default: <console host>/download)
    #[arg(long)]
    info_location: Option<String>,
    /// File server address for the fragments, host/path (default: the HTTPS server address)
    #[arg(long)]
    fragment_location: Option<String>,
    /// If a different package of that name exists: publish, move its computers to the new one, delete the old one
    /// (run again, it finishes a take-over that stopped)
    #[arg(long)]
    replace: bool,
    /// Publish over SSH (needs --ssh) even when the console would take the upload; without it, only a package above the
    /// console's upload limit goes over SSH
    #[arg(long, requires = "ssh")]
    direct: bool,
}

#[derive(clap::Args)]
pub struct DeployArgs {
    /// The package's id on the server (printed by publish)
    server_id: String,
    #[command(flatten)]
    pub server: ServerArgs,
    /// Computers whose TAG contains this text (case-insensitive)
    #[arg(long, default_value = ocs::FIRST_RING_TAG, conflicts_with = "all")]
    tag: String,
    /// Computers whose name contains this text (with --tag: both must match)
    #[arg(long)]
    name: Option<String>,
    /// Every computer of the server (the last ring)
    #[arg(long)]
    all: bool,
    /// Only if the computers of this previous ring (TAG contains it) succeeded well enough
    #[arg(long)]
    after: Option<String>,
    /// Success rate the previous ring needs, in percent of its finished computers
    #[arg(long, default_value_t = ocs::DEFAULT_MIN_SUCCESS, requires = "after")]
    min_success: f64,
    /// Show the computers that would get the package, assign nothing
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
pub struct StatsArgs {
    /// The package's id on the server (omit with --list)
    #[arg(required_unless_present = "list")]
    server_id: Option<String>,
    #[command(flatten)]
    pub server: ServerArgs,
    /// List the server's packages instead
    #[arg(long)]
    list: bool,
    /// Explanations in this language
    #[arg(long, value_enum, default_value = "en")]
    lang: Lang,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Lang {
    En,
    Fr,
}

#[derive(clap::Args)]
pub struct DeleteArgs {
    /// The package's id on the server
    server_id: String,
    #[command(flatten)]
    pub server: ServerArgs,
}

fn fail(e: OcsError) -> Failure {
    Failure { code: e.code().as_str(), message: e.to_string() }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
}

async fn connect(a: &ServerArgs) -> Result<Console, Failure> {
    let spec = a.spec()?;
    let (password, _) = credentials::password(&spec).map_err(fail)?;
    Console::connect(&spec, &password).await.map_err(fail)
}

fn print_json<T: serde::Serialize>(v: &T) {
    outln!("{}", serde_json::to_string_pretty(v).expect("report serializes"));
}

pub fn login(a: LoginArgs) -> Result<ExitCode, Failure> {
    let spec = a.server.spec()?;
    let password = if a.password_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| Failure::from(("input", e)))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        rpassword::prompt_password(format!("Password for {} on {}: ", spec.user, spec.url)).map_err(|e| Failure::from(("input", e)))?
    };
    if password.is_empty() {
        return Err(Failure { code: "input", message: "empty password: type the console password of this user".into() });
    }
    let req = ocs::LoginRequest { spec, password: Some(password), remember: true };
    let (_, login) = runtime().block_on(ocs::login(&req)).map_err(fail)?;
    if a.server.json {
        outln!("{}", serde_json::json!({ "ok": true, "console": login.console, "saved_in": login.saved_in, "warning": login.not_saved }));
    } else {
        match &login.saved_in {
            Some(store) => outln!("Logged in to {} ({}); password saved in {}", login.url, login.console, store.describe()),
            None => outln!("Logged in to {} ({})", login.url, login.console),
        }
        if let Some(w) = &login.not_saved {
            eprintln!("warning: {w}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn logout(a: LogoutArgs) -> Result<ExitCode, Failure> {
    let removed = ocs::logout(&a.server.spec()?).map_err(fail)?;
    if a.server.json {
        outln!("{}", serde_json::json!({ "ok": true, "removed": removed }));
    } else if removed {
        outln!("Forgot the password of {} on {}", a.server.user, a.server.server);
    } else {
        outln!("No password was saved for {} on {}", a.server.user, a.server.server);
    }
    Ok(ExitCode::SUCCESS)
}

/// What to publish (a package folder, or a folder built first), with the flags applied.
fn package_source(a: &PublishArgs) -> Result<ocs::PublishSource, Failure> {
    let cancel = cancel_on_ctrl_c();
    let (bar, sink) = progress_bar();
    let src = ocs::prepare_source(&a.source, a.manifest.as_deref(), a.os.map(Into::into), &sink, &cancel);
    bar.finish_and_clear();
    let mut src = src.map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })?;
    if let (Some(r), false) = (&src.built, a.server.json) {
        eprintln!("Built package {} ({}) for publishing", r.id, ocs_studio::build::describe(r));
    }
    let o = &mut src.options;
    if let Some(n) = &a.name {
        o.name = n.clone();
    }
    if let Some(d) = &a.description {
        o.description = d.clone();
    }
    (o.info_location, o.fragment_location, o.replace, o.direct) = (a.info_location.clone(), a.fragment_location.clone(), a.replace, a.direct);
    Ok(src)
}

pub fn publish(a: PublishArgs) -> Result<ExitCode, Failure> {
    let src = package_source(&a)?;
    let cancel = cancel_on_ctrl_c();
    let (bar, sink) = progress_bar();
    let r = runtime().block_on(async {
        let c = connect(&a.server).await?;
        ocs::publish(&c, &src.dir, &src.options, &sink, &cancel).await.map_err(fail)
    });
    bar.finish_and_clear();
    let r = r?;
    if a.server.json {
        print_json(&r);
        return Ok(ExitCode::SUCCESS);
    }
    if r.already_published {
        outln!("Already published: \"{}\" is package {} on the server (same content); nothing was sent", r.name, r.server_id);
    } else {
        outln!("Published \"{}\" as package {} on {} (activation {})", r.name, r.server_id, r.console, r.enable_id);
        outln!("  {} in {} fragment(s), digest {}", ByteSize(r.archive_size), r.fragments, r.digest);
        outln!("  {} serves the same info; the fragments match the digest", r.info_url);
        if let Some(to) = &r.direct {
            outln!("  published directly over SSH to {to} (the console's rows written in one transaction)");
        }
        if !r.fragment_note.is_empty() {
            outln!("  fragments: {}", r.fragment_note);
        }
        for s in &r.steps {
            outln!("  {:>6} ms  {:<16} {}", s.ms, s.step.as_str(), s.detail.english());
        }
    }
    if !r.replaced.is_empty() {
        outln!("  replaced package(s) {}: {} computer(s) moved to the new one, the old one(s) deleted", r.replaced.join(", "), r.moved_computers);
    }
    outln!("{}", r.server_id);
    Ok(ExitCode::SUCCESS)
}

pub fn deploy(a: DeployArgs) -> Result<ExitCode, Failure> {
    let filter = ComputerFilter { tag: if a.all { None } else { Some(a.tag.clone()) }, name: a.name.clone() };
    let rule = a.after.as_ref().map(|after| ocs::RingRule { after: after.clone(), min_success: a.min_success });
    let req = ocs::DeployRequest { server_id: a.server_id.clone(), filter: filter.clone(), rule, dry_run: a.dry_run };
    let out = runtime().block_on(async { ocs::deploy_matching(&connect(&a.server).await?, &req).await.map_err(fail) })?;
    let ocs::DeployOutput { computers, report, gate } = out;
    if a.server.json {
        outln!("{}", serde_json::json!({ "ok": true, "filter": filter, "computers": computers, "report": report, "gate": gate, "dry_run": a.dry_run }));
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(g) = &gate {
        outln!("Gate {}: {}", if g.open { "open" } else { "closed" }, g.reason());
    }
    outln!("{} {}:", computers.len(), filter.describe());
    for m in &computers {
        outln!("  {:<24} TAG {:<16} last contact {}", m.name, m.tag, m.last_contact);
    }
    match report {
        None => outln!("Dry run: nothing assigned"),
        Some(r) => {
            outln!("Assigned package {} to {} computer(s); {} already had it", r.server_id, r.assigned.len(), r.already.len());
            outln!("Follow it with: ocs-studio stats {}", r.server_id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn stats(a: StatsArgs) -> Result<ExitCode, Failure> {
    let rt = runtime();
    if a.list {
        let list = rt.block_on(async { ocs::package_list(&connect(&a.server).await?, "").await.map_err(fail) })?;
        if a.server.json {
            outln!("{}", serde_json::json!({ "ok": true, "packages": list }));
        } else {
            let fr = matches!(a.lang, Lang::Fr);
            if list.is_empty() {
                outln!("{}", if fr { "Aucun paquet sur ce serveur" } else { "No package on this server" });
            }
            for p in &list {
                if fr {
                    outln!("{:<12} {:<40} {:<8} {} fragment(s), priorité {}, créé le {}", p.server_id, p.name, p.os, p.fragments, p.priority, p.created);
                } else {
                    outln!("{:<12} {:<40} {:<8} {} fragment(s), priority {}, created {}", p.server_id, p.name, p.os, p.fragments, p.priority, p.created);
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let id = a.server_id.clone().unwrap_or_default();
    let st = rt.block_on(async { ocs::stats(&connect(&a.server).await?, &id).await.map_err(fail) })?;
    if a.server.json {
        let counts: serde_json::Map<String, serde_json::Value> = st.counts.iter().map(|c| (c.state.clone(), c.count.into())).collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "ok": true, "server_id": st.server_id, "name": st.name, "total": st.total,
                "succeeded": st.succeeded, "failed": st.failed, "pending": st.pending,
                "counts": counts, "states": st.counts, "machines": st.machines,
            }))
            .expect("serializes")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let fr = matches!(a.lang, Lang::Fr);
    if fr {
        outln!(
            "Paquet {} « {} » : {} ordinateur(s) — {} réussi(s), {} en échec, {} en attente",
            st.server_id, st.name, st.total, st.succeeded, st.failed, st.pending
        );
    } else {
        outln!("Package {} \"{}\": {} computer(s) — {} succeeded, {} failed, {} pending", st.server_id, st.name, st.total, st.succeeded, st.failed, st.pending);
    }
    for c in &st.counts {
        let e = &c.explanation;
        let (meaning, fix) = if fr { (&e.meaning_fr, &e.fix_fr) } else { (&e.meaning_en, &e.fix_en) };
        outln!("\n{:>5}  {}\n       {}", c.count, c.state, meaning);
        if !fix.is_empty() {
            outln!("       {} {}", if fr { "À faire :" } else { "Fix:" }, fix);
        }
        for m in st.machines.iter().filter(|m| m.state == c.state) {
            outln!("         - {} (TAG {}) {}", m.name, m.tag, m.since);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn delete(a: DeleteArgs) -> Result<ExitCode, Failure> {
    let p = runtime().block_on(async { ocs::delete(&connect(&a.server).await?, &a.server_id).await.map_err(fail) })?;
    if a.server.json {
        outln!("{}", serde_json::json!({ "ok": true, "deleted": p }));
    } else {
        outln!("Deleted package {} \"{}\": assignments, activation, files and console entry", p.server_id, p.name);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct GroupArgs {
    /// list: the groups and their servers; create NAME --relays a,b; delete NAME; activate ID --group NAME (one
    /// activation per server); assign ID --group NAME [--tag T | --name N | --all] (the "same subnet" rule)
    #[arg(value_enum)]
    action: GroupAction,
    /// The group's name (create, delete) or the package's ID on the server (activate, assign)
    what: Option<String>,
    /// create: the kept redistribution servers to put in the group (comma-separated names); each must be a computer
    /// OCS knows, by name or address
    #[arg(long, value_delimiter = ',')]
    relays: Vec<String>,
    /// create: the group's description
    #[arg(long, default_value = "")]
    description: String,
    /// activate, assign: the server group
    #[arg(long)]
    group: Option<String>,
    /// activate: where agents fetch info, host/path (default: the console's DOWNLOAD_URI_INFO)
    #[arg(long)]
    info_location: Option<String>,
    /// assign: computers whose TAG contains this (default ALPHA, the first ring)
    #[arg(long)]
    tag: Option<String>,
    /// assign: computers whose name contains this
    #[arg(long)]
    name: Option<String>,
    /// assign: every computer
    #[arg(long, conflicts_with_all = ["tag", "name"])]
    all: bool,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum GroupAction {
    List,
    Create,
    Delete,
    Activate,
    Assign,
}

pub fn group(a: GroupArgs) -> Result<ExitCode, Failure> {
    let spec = a.server.spec()?;
    let ssh = spec.ssh.clone().ok_or_else(|| Failure { code: "refused", message: "server groups are written in the OCS database over SSH: give --ssh user@host of the OCS server".into() })?;
    let rt = runtime();
    let json = a.server.json;
    let need = |what: &str| Failure { code: "refused", message: format!("give {what}") };
    match a.action {
        GroupAction::List => {
            let groups = rt.block_on(ocs::server_groups(&ssh)).map_err(fail)?;
            if json {
                print_json(&serde_json::json!({ "ok": true, "groups": groups }));
            } else if groups.is_empty() {
                outln!("no server group on this server");
            } else {
                for g in &groups {
                    outln!("{} ({} server(s)){}", g.name, g.members.len(), if g.description.is_empty() { String::new() } else { format!(": {}", g.description) });
                    for m in &g.members {
                        outln!("  {:<20} {:<15} {:<36} subnets {}", m.computer, m.ip, m.url, m.subnets.join(", "));
                    }
                }
            }
        }
        GroupAction::Create => {
            let (name, relays, description) = (a.what.clone().ok_or_else(|| need("the group's name"))?, a.relays.clone(), a.description.clone());
            if relays.is_empty() {
                return Err(need("the redistribution servers of the group: --relays a,b"));
            }
            let list = ocs_studio::relay::select(&relays).map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })?;
            let g = rt.block_on(ocs::create_group(&ssh, &ocs::CreateGroupRequest { name, description, relays: list })).map_err(fail)?;
            if json {
                print_json(&serde_json::json!({ "ok": true, "group": g }));
            } else {
                outln!("created server group {} with {} server(s): {}", g.name, g.members.len(), g.members.iter().map(|m| m.computer.as_str()).collect::<Vec<_>>().join(", "));
            }
        }
        GroupAction::Delete => {
            let name = a.what.clone().ok_or_else(|| need("the group's name"))?;
            rt.block_on(ocs::delete_group(&ssh, &name)).map_err(fail)?;
            if json {
                print_json(&serde_json::json!({ "ok": true }));
            } else {
                outln!("deleted server group {name}");
            }
        }
        GroupAction::Activate => {
            let (server_id, group, info_location) = (a.what.clone().ok_or_else(|| need("the package's ID"))?, a.group.clone().ok_or_else(|| need("the group: --group NAME"))?, a.info_location.clone());
            let rows = rt.block_on(ocs::activate_on_group(&ssh, &server_id, &group, info_location.as_deref())).map_err(fail)?;
            if json {
                print_json(&serde_json::json!({ "ok": true, "activations": rows }));
            } else {
                for r in &rows {
                    outln!("  {:<20} activation {:<6} fragments from {}{}", r.computer, r.enable_id, r.pack_loc, if r.added { "" } else { " (already there)" });
                }
            }
        }
        GroupAction::Assign => {
            let (server_id, group, tag, name, all) = (a.what.clone().ok_or_else(|| need("the package's ID"))?, a.group.clone().ok_or_else(|| need("the group: --group NAME"))?, a.tag.clone(), a.name.clone(), a.all);
            let filter = if all { ComputerFilter::default() } else { ComputerFilter { tag: tag.or_else(|| if name.is_none() { Some(ocs::FIRST_RING_TAG.to_string()) } else { None }), name } };
            let r = rt.block_on(ocs::assign_same_subnet(&ssh, &ocs::SubnetAssignRequest { server_id, group, filter })).map_err(fail)?;
            if json {
                print_json(&serde_json::json!({ "ok": true, "report": r }));
            } else {
                for x in &r.assigned {
                    outln!("  {:<20} {:<10} subnet {:<15} → {}", x.computer, x.tag, x.subnet, x.server);
                }
                for x in &r.already {
                    outln!("  {x:<20} already has it");
                }
                for x in &r.unmatched {
                    outln!("  {:<20} {:<10} NO SERVER in its subnet(s) {}", x.name, x.tag, if x.subnets.is_empty() { "(none inventoried)".to_string() } else { x.subnets.join(", ") });
                }
            }
            return Ok(if r.unmatched.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
    }
    Ok(ExitCode::SUCCESS)
}
