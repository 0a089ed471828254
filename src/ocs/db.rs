//! The OCS database, reached through the SSH connection to the OCS server, with the console's own account (read
//! from the console's `dbconfig.inc.php` on the server): what direct publishing and server groups write, in the
//! console's own form. The database port is never opened to the network: a local port on loopback is bridged to
//! an SSH forwarding channel for this one connection.

use mysql_async::prelude::Queryable;

use super::OcsError;
use crate::ssh::{SshError, SshSession};

/// Where the console keeps its database settings, by distribution (Debian first).
pub const DBCONFIG_PATHS: [&str; 3] = ["/etc/ocsinventory/dbconfig.inc.php", "/usr/share/ocsinventory-reports/ocsreports/dbconfig.inc.php", "/var/www/html/ocsreports/dbconfig.inc.php"];

/// The database settings of the console.
#[derive(Clone, PartialEq, Eq)]
pub struct DbConfig {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for DbConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password, not even in a debug log.
        write!(f, "DbConfig {{ {}@{}:{}/{} }}", self.user, self.host, self.port, self.name)
    }
}

/// Reads the PHP `define("KEY", "value");` lines of `dbconfig.inc.php`.
pub fn parse_dbconfig(php: &str) -> Result<DbConfig, String> {
    let mut values = std::collections::HashMap::new();
    let mut rest = php;
    while let Some(i) = rest.find("define") {
        rest = &rest[i + 6..];
        let Some(open) = rest.trim_start().strip_prefix('(') else { continue };
        let mut strings = Vec::new();
        let mut chars = open.char_indices().peekable();
        while strings.len() < 2 {
            let Some((_, c)) = chars.next() else { break };
            if c == '"' || c == '\'' {
                let mut s = String::new();
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        if let Some((_, e)) = chars.next() {
                            s.push(e);
                        }
                    } else if d == c {
                        break;
                    } else {
                        s.push(d);
                    }
                }
                strings.push(s);
            } else if c == ')' {
                break;
            }
        }
        if let [k, v] = &strings[..] {
            values.insert(k.clone(), v.clone());
        }
    }
    let get = |k: &str| values.get(k).cloned().ok_or_else(|| format!("{k} is not defined"));
    let host = values.get("SERVER_WRITE").or(values.get("SERVER_READ")).cloned().ok_or("SERVER_WRITE is not defined")?;
    let port = match values.get("SERVER_PORT").map(|p| p.trim()) {
        None | Some("") => 3306,
        Some(p) => p.parse().map_err(|_| format!("SERVER_PORT '{p}' is not a port number"))?,
    };
    Ok(DbConfig { name: get("DB_NAME")?, host, port, user: get("COMPTE_BASE")?, password: values.get("PSWD_BASE").cloned().unwrap_or_default() })
}

pub(crate) fn db_error(step: &str, e: impl std::fmt::Display) -> OcsError {
    OcsError::Database { step: step.to_string(), detail: e.to_string() }
}

/// An open connection to the OCS database through SSH.
pub struct Db {
    pub conn: mysql_async::Conn,
    pub config: DbConfig,
    bridge: tokio::task::JoinHandle<()>,
}

impl Db {
    /// Reads the console's database settings on the server (`dbconfig`: a given path, else the usual ones) and
    /// connects through the SSH session.
    pub async fn open(s: &SshSession, dbconfig: Option<&str>) -> Result<Db, OcsError> {
        let sftp = s.sftp().await.map_err(ssh)?;
        let paths: Vec<&str> = match dbconfig {
            Some(p) => vec![p],
            None => DBCONFIG_PATHS.to_vec(),
        };
        let mut tried = Vec::new();
        let mut config = None;
        for p in &paths {
            match sftp.read(*p).await {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    config = Some(parse_dbconfig(&text).map_err(|e| db_error("reading the console's database settings", format!("{p}: {e}")))?);
                    break;
                }
                Err(e) => tried.push(format!("{p}: {e}")),
            }
        }
        let config = config.ok_or_else(|| {
            db_error(
                "reading the console's database settings",
                format!(
                    "cannot read {} as {} ({}). Give the SSH account read access to the console's dbconfig.inc.php (e.g. membership of the web server's group), or give its path",
                    paths.join(" or "),
                    s.target().user,
                    tried.join("; ")
                ),
            )
        })?;
        let host = if config.host == "localhost" { "127.0.0.1".to_string() } else { config.host.clone() };
        let channel = s.forward(&host, config.port).await.map_err(ssh)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| db_error("opening a local port for the database", e))?;
        let port = listener.local_addr().map_err(|e| db_error("opening a local port for the database", e))?.port();
        let bridge = tokio::spawn(async move {
            // One connection only: ours, made right below.
            if let Ok((mut tcp, _)) = listener.accept().await {
                let mut channel = channel;
                let _ = tokio::io::copy_bidirectional(&mut tcp, &mut channel).await;
            }
        });
        let opts = mysql_async::OptsBuilder::default()
            .ip_or_hostname("127.0.0.1")
            .tcp_port(port)
            .prefer_socket(false)
            .user(Some(config.user.clone()))
            .pass(Some(config.password.clone()))
            .db_name(Some(config.name.clone()));
        let conn = mysql_async::Conn::new(opts).await.map_err(|e| {
            db_error("connecting to the database", format!("{e} (account {} on {}:{} as seen from the server, from the console's settings)", config.user, config.host, config.port))
        })?;
        tracing::debug!(config = ?config, "database reached through SSH");
        Ok(Db { conn, config, bridge })
    }

    /// The folder the console keeps packages in: config DOWNLOAD_PACK_DIR + `/download`, else Debian's.
    pub async fn download_root(&mut self) -> Result<String, OcsError> {
        let dir: Option<Option<String>> = self.conn.query_first("SELECT TVALUE FROM config WHERE NAME='DOWNLOAD_PACK_DIR'").await.map_err(|e| db_error("reading DOWNLOAD_PACK_DIR", e))?;
        Ok(match dir.flatten().filter(|d| !d.trim().is_empty()) {
            Some(d) => format!("{}/download", d.trim_end_matches('/')),
            None => "/var/lib/ocsinventory-reports/download".to_string(),
        })
    }

    /// Ends the connection (a dropped `Db` ends with its SSH session).
    pub async fn close(self) {
        let Db { conn, bridge, .. } = self;
        let _ = conn.disconnect().await;
        bridge.abort();
    }
}

pub(crate) fn ssh(e: SshError) -> OcsError {
    OcsError::Ssh(Box::new(e))
}

/// `htmlspecialchars($s, ENT_QUOTES)`: how the 2.11 console stores a package's name and description.
pub fn html_escape(s: &str) -> String {
    crate::xml::escape_attr(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbconfig_of_debian_and_odd_quoting() {
        let php = "<?php\ndefine(\"DB_NAME\", \"ocsweb\");\ndefine(\"SERVER_READ\",\"localhost\");\ndefine(\"SERVER_WRITE\",\"db.lan\");\ndefine(\"SERVER_PORT\",\"3307\");\ndefine( 'COMPTE_BASE' , 'ocs' );\ndefine(\"PSWD_BASE\",\"p\\\"w'd\");\n?>";
        let c = parse_dbconfig(php).unwrap();
        assert_eq!((c.name.as_str(), c.host.as_str(), c.port, c.user.as_str(), c.password.as_str()), ("ocsweb", "db.lan", 3307, "ocs", "p\"w'd"));
        assert!(!format!("{c:?}").contains("p\"w'd"), "the password never reaches a log");
        assert!(parse_dbconfig("<?php define(\"DB_NAME\",\"x\"); ?>").unwrap_err().contains("SERVER_WRITE"));
    }

    #[test]
    fn names_are_stored_as_the_console_stores_them() {
        assert_eq!(html_escape("A & B \"q\" l'x é <i>"), "A &amp; B &quot;q&quot; l&#039;x é &lt;i&gt;");
    }
}
