//! A logged-in session on the OCS console: one cookie jar, CSRF tokens scraped from the pages, the console's
//! version and build flow, its upload limit, and its DataTables AJAX lists read as JSON.

use std::time::Duration;

use reqwest::{Client, Response, StatusCode};
use scraper::{Html, Selector};
use serde_json::{Map, Value};
use url::Url;

use super::tls::{self, TlsFailure};
use super::{OcsError, ServerSpec};
use crate::ByteSize;

/// How this console creates packages.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildFlow {
    /// ocsreports 2.9 and later (`tele_build`, one POST; fragments from a global setting).
    Wizard,
    /// ocsreports up to 2.8 (`tele_package`, two POSTs; fragment count per package).
    Legacy,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsoleVersion {
    /// As the console's "Server information" page shows it, e.g. `2.11.1`.
    pub label: Option<String>,
    pub flow: BuildFlow,
}

impl ConsoleVersion {
    /// True when the console's version label is `major.minor` or later (false when it showed none).
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        let Some(l) = &self.label else { return false };
        let mut parts = l.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (major, minor)
    }
}

impl std::fmt::Display for ConsoleVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.label, self.flow) {
            (Some(l), _) => write!(f, "ocsreports {l}"),
            (None, BuildFlow::Wizard) => write!(f, "ocsreports 2.9 or later"),
            (None, BuildFlow::Legacy) => write!(f, "ocsreports 2.8 or earlier"),
        }
    }
}

/// The largest archive the console accepts, and whether it was read from the server or assumed.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct UploadLimit {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub bytes: u64,
    /// False when the console did not show it and Debian's default was assumed.
    pub measured: bool,
}

/// One console page as text. Parsing happens on demand and never across an `.await`.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub html: String,
}

impl Page {
    fn doc(&self) -> Html {
        Html::parse_document(&self.html)
    }

    /// The login form is on the page: the session is not (or no longer) logged in.
    pub fn has_login_form(&self) -> bool {
        self.html.contains("name=\"PASSWD\"") || self.html.contains("name='PASSWD'")
    }

    pub fn is_csrf_attack(&self) -> bool {
        self.html.contains("CSRF ATTACK")
    }

    /// The value of the `CSRF_<n>` field in form `form` (or in any form when `None`), as (name, value).
    pub fn csrf(&self, form: Option<&str>) -> Option<(String, String)> {
        let doc = self.doc();
        let sel = match form {
            Some(f) => Selector::parse(&format!("form[name='{f}'] input[name^='CSRF_']")).ok()?,
            None => Selector::parse("input[name^='CSRF_']").ok()?,
        };
        let el = doc.select(&sel).next_back()?;
        Some((el.attr("name")?.to_string(), el.attr("value")?.to_string()))
    }

    /// The value of input `name` (text or hidden), or of the checked radio button of that name.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let doc = self.doc();
        let sel = Selector::parse(&format!("input[name='{name}']")).ok()?;
        let mut first = None;
        for el in doc.select(&sel) {
            match el.attr("type") {
                Some("radio") | Some("checkbox") => {
                    if el.attr("checked").is_some() {
                        return el.attr("value").map(str::to_string);
                    }
                }
                _ => {
                    if first.is_none() {
                        first = Some(el.attr("value").unwrap_or("").to_string());
                    }
                }
            }
        }
        first
    }

    /// The value of a submit button named `name`.
    pub fn submit_value(&self, name: &str) -> Option<String> {
        let doc = self.doc();
        let sel = Selector::parse(&format!("input[type='submit'][name='{name}'], button[name='{name}']")).ok()?;
        doc.select(&sel).next().and_then(|e| e.attr("value").map(str::to_string))
    }

    /// The texts of the console's alert boxes of `kind` (`danger`, `success`, `info`, `warning`), without the
    /// permanent security banner every page of a fresh install carries.
    pub fn alerts(&self, kind: &str) -> Vec<String> {
        let doc = self.doc();
        let Ok(sel) = Selector::parse(&format!(".alert-{kind}")) else { return Vec::new() };
        doc.select(&sel)
            .filter(|e| e.attr("id") != Some("my-alert-top_msg_alert"))
            .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .map(|t| t.trim_start_matches('×').trim_start_matches("Close").trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// The text of a JavaScript `alert('…')` the console uses for some confirmations.
    pub fn js_alert(&self) -> Option<String> {
        let start = self.html.find("alert('")? + 7;
        let end = self.html[start..].find("')")?;
        Some(self.html[start..start + end].to_string())
    }

    /// Links to `index.php?function=<f>` present in the menu.
    pub fn has_function(&self, f: &str) -> bool {
        self.html.contains(&format!("function={f}\"")) || self.html.contains(&format!("function={f}'")) || self.html.contains(&format!("function={f}&"))
    }
}

/// A form's fields: the CSRF token first, then `pairs`.
pub(crate) fn form_fields(csrf: (String, String), pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    std::iter::once(csrf).chain(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).collect()
}

/// Plain text of an HTML fragment (the AJAX tables return cells as HTML).
pub(crate) fn cell_text(html: &str) -> String {
    // Most cells are plain values: parse only those with markup or entities (lists can have thousands of rows).
    if !html.contains(['<', '&']) {
        return html.trim().to_string();
    }
    let frag = Html::parse_fragment(html);
    frag.root_element().text().collect::<String>().trim().to_string()
}

/// A console session. Cheap to clone; clones share the cookie jar.
#[derive(Clone)]
pub struct Console {
    http: Client,
    base: Url,
    spec: ServerSpec,
    password: std::sync::Arc<String>,
    /// The console keeps list state in the PHP session: one list read at a time per session.
    lists: std::sync::Arc<tokio::sync::Mutex<()>>,
    pub version: ConsoleVersion,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console").field("base", &self.base.as_str()).field("user", &self.spec.user).field("version", &self.version).finish()
    }
}

/// `https://host/ocsreports`, `…/ocsreports/index.php` and `https://host` all mean the console's folder.
pub fn normalize_url(s: &str) -> Result<Url, OcsError> {
    let bad = |reason: &str| OcsError::BadUrl { url: s.to_string(), reason: reason.to_string() };
    let mut u = Url::parse(s.trim()).map_err(|e| bad(&e.to_string()))?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(bad("only http:// and https:// are possible"));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    u.set_query(None);
    u.set_fragment(None);
    let mut path = u.path().to_string();
    if let Some(p) = path.strip_suffix("index.php") {
        path = p.to_string();
    }
    if path.is_empty() || path == "/" {
        path = "/ocsreports/".to_string();
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    u.set_path(&path);
    Ok(u)
}

/// Refuses `http://` (the password would travel in clear), except to a loopback console when the admin allowed
/// it explicitly.
pub fn check_transport(url: &Url, allow_http: bool) -> Result<(), OcsError> {
    if url.scheme() != "http" {
        return Ok(());
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if allow_http && loopback {
        tracing::warn!(url = %url, "plain HTTP to a loopback test console, as allowed");
        return Ok(());
    }
    let mut https = url.clone();
    let _ = https.set_scheme("https");
    let _ = https.set_port(None);
    Err(OcsError::InsecureHttp { url: url.to_string(), https: https.to_string() })
}

/// Reads a PEM file of one or more CA certificates.
pub(crate) fn load_ca(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, OcsError> {
    let bytes = std::fs::read(path).map_err(|e| OcsError::Refused(format!("cannot read the CA file {}: {e}; give the PEM file of the CA (cacert.pem)", path.display())))?;
    let certs = reqwest::Certificate::from_pem_bundle(&bytes)
        .map_err(|e| OcsError::Refused(format!("{} is not a PEM certificate file ({e}); give the CA in PEM form (-----BEGIN CERTIFICATE-----)", path.display())))?;
    if certs.is_empty() {
        return Err(OcsError::Refused(format!("{} holds no certificate; give the PEM file of the CA (cacert.pem)", path.display())));
    }
    Ok(certs)
}

/// How long the studio waits for a server that stopped answering in the middle of a request (the console, or the
/// download address): 300 s, or `OCS_STUDIO_TIMEOUT` seconds (1 to 3600) for very slow links or for tests.
pub fn read_timeout() -> Duration {
    crate::network_timeout().unwrap_or(Duration::from_secs(300))
}

/// The HTTP client every request to this server uses: cookies, timeouts, and the admin's CA on top of the system's.
pub(crate) fn http_client(spec: &ServerSpec, accept_invalid: bool) -> Result<Client, OcsError> {
    let mut b = Client::builder()
        .tls_backend_native()
        .cookie_store(true)
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(read_timeout())
        .user_agent(concat!("OCS-Package-Studio/", env!("CARGO_PKG_VERSION")))
        .tls_info(accept_invalid)
        .danger_accept_invalid_certs(accept_invalid);
    if let Some(ca) = &spec.ca {
        for c in load_ca(ca)? {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| OcsError::Refused(format!("cannot set up HTTPS: {}", tls::chain(&e))))
}

/// Turns a transport error into the admin's terms; for TLS, fetches the certificate to say what is wrong with it.
pub(crate) async fn transport_error(spec: &ServerSpec, url: &str, e: reqwest::Error) -> OcsError {
    if e.is_builder() {
        return OcsError::BadUrl { url: url.to_string(), reason: tls::chain(&e) };
    }
    if url.starts_with("https://") && tls::is_tls_error(&e) {
        let host = Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
        let mut cert = None;
        if let Ok(c) = http_client(spec, true) {
            // This second handshake is sometimes dropped (seen with Windows' TLS stack under Wine): up to 3 tries.
            for attempt in 1..=3 {
                match c.get(url).send().await {
                    Ok(r) => {
                        cert = r.extensions().get::<reqwest::tls::TlsInfo>().and_then(|i| i.peer_certificate()).and_then(|der| tls::describe(der, &host));
                        break;
                    }
                    Err(e) => tracing::debug!(attempt, error = %tls::chain(&e), "fetching the certificate to explain a TLS failure"),
                }
            }
        }
        let raw = tls::chain(&e);
        tracing::debug!(error = %raw, "TLS failure as the TLS stack reported it");
        return OcsError::Tls(Box::new(TlsFailure {
            url: url.to_string(),
            reason: tls::diagnose(cert.as_ref(), &raw),
            cert,
            ca_file: spec.ca.as_ref().map(|p| p.display().to_string()),
            system: tls::system_verdict(&raw),
        }));
    }
    let detail = if e.is_timeout() { "no answer in time".to_string() } else { tls::root_cause(&e) };
    OcsError::Unreachable { url: url.to_string(), detail }
}

const LOGIN_FIELDS: [&str; 3] = ["LOGIN", "PASSWD", "Valid_CNX"];

impl Console {
    /// Logs in and learns the console's version. Fails with a precise error for a wrong address, TLS problem or password.
    pub async fn connect(spec: &ServerSpec, password: &str) -> Result<Console, OcsError> {
        let base = normalize_url(&spec.url)?;
        check_transport(&base, spec.allow_http)?;
        let http = http_client(spec, false)?;
        let mut c = Console {
            http,
            base,
            spec: spec.clone(),
            password: std::sync::Arc::new(password.to_string()),
            lists: Default::default(),
            version: ConsoleVersion { label: None, flow: BuildFlow::Wizard },
        };
        let home = c.login().await?;
        c.version = c.detect_version(&home).await?;
        tracing::info!(url = %c.base, user = %c.spec.user, version = %c.version, "logged in to the OCS console");
        Ok(c)
    }

    /// The console address as the studio keys it (keyring entries, reports).
    pub fn normalized(url: &str) -> Result<String, OcsError> {
        normalize_url(url).map(String::from)
    }

    pub fn spec(&self) -> &ServerSpec {
        &self.spec
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `https://host/download`-style addresses the seed uses by default: `<console host>/download`.
    pub fn default_download_location(&self) -> String {
        let host = self.base.host_str().unwrap_or("localhost");
        format!("{host}/download")
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base, path_and_query)
    }

    async fn send(&self, rb: reqwest::RequestBuilder, url: &str) -> Result<Response, OcsError> {
        // A kept-alive connection the server had already closed fails before the request reached it ("connection
        // closed before message completed", seen with Wine's TLS stack on a server without keep-alive): nothing was
        // done on the server, so the request is sent once more on a new connection. Only requests whose body can be
        // sent again are (never an upload, which streams); the console forms the studio posts are idempotent.
        let again = rb.try_clone();
        match rb.send().await {
            Ok(r) => Ok(r),
            Err(e) if again.is_some() && tls::chain(&e).contains("connection closed before message completed") => {
                tracing::info!(url, "the connection was closed before the request went out; sending it again");
                match again.expect("checked").send().await {
                    Ok(r) => Ok(r),
                    Err(e) => Err(transport_error(&self.spec, url, e).await),
                }
            }
            Err(e) => Err(transport_error(&self.spec, url, e).await),
        }
    }

    async fn text(&self, r: Response, url: &str) -> Result<Page, OcsError> {
        let status = r.status();
        if status == StatusCode::NOT_FOUND {
            return Err(OcsError::NotAConsole { url: url.to_string(), detail: "HTTP 404 Not Found".into() });
        }
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return Err(OcsError::Console { page: url.to_string(), message: "HTTP 413: the web server refused the upload size (Apache LimitRequestBody or a proxy limit)".into() });
        }
        if status.is_server_error() {
            return Err(OcsError::Console { page: url.to_string(), message: format!("HTTP {status}: the console failed; its PHP error log (Debian: /var/log/apache2/error.log) says why") });
        }
        let html = r.text().await.map_err(|e| OcsError::Unreachable { url: url.to_string(), detail: tls::chain(&e) })?;
        Ok(Page { html })
    }

    async fn login(&self) -> Result<Page, OcsError> {
        let url = self.url("index.php");
        let first = self.send(self.http.get(&url), &url).await?;
        let first = self.text(first, &url).await?;
        if !first.has_login_form() {
            if first.has_function("visu_computers") {
                return Ok(first); // the jar already holds a live session
            }
            return Err(OcsError::NotAConsole { url: self.base.to_string(), detail: "the page has no OCS login form".into() });
        }
        let form = [(LOGIN_FIELDS[0], self.spec.user.as_str()), (LOGIN_FIELDS[1], self.password.as_str()), (LOGIN_FIELDS[2], "OK")];
        let r = self.send(self.http.post(&url).form(&form), &url).await?;
        let page = self.text(r, &url).await?;
        if page.has_login_form() {
            let said = page.alerts("danger");
            let detail = match page.js_alert().or_else(|| said.into_iter().next()) {
                Some(m) => format!(" (it says: {m})"),
                None => String::new(),
            };
            return Err(OcsError::LoginRefused { url: self.base.to_string(), user: self.spec.user.clone(), detail });
        }
        Ok(page)
    }

    async fn detect_version(&self, home: &Page) -> Result<ConsoleVersion, OcsError> {
        let flow = if home.has_function("tele_build") {
            BuildFlow::Wizard
        } else if home.has_function("tele_package") {
            BuildFlow::Legacy
        } else if home.has_function("visu_computers") {
            return Err(OcsError::Forbidden { user: self.spec.user.clone(), what: "build deployment packages".into() });
        } else {
            return Err(OcsError::NotAConsole { url: self.base.to_string(), detail: "logged in, but the page has no OCS menu".into() });
        };
        // "Server information" shows PHP, web server, database and ocsreports versions, the console's last.
        let label = match self.get("function=server_infos").await {
            Ok(p) => {
                let doc = p.doc();
                let sel = Selector::parse("li").expect("static selector");
                doc.select(&sel)
                    .map(|e| e.text().collect::<String>().trim().to_string())
                    .rfind(|t| is_version(t))
            }
            Err(_) => None,
        };
        Ok(ConsoleVersion { label, flow })
    }

    /// GET `index.php?<query>`, logging in again once if the session expired.
    pub(crate) async fn get(&self, query: &str) -> Result<Page, OcsError> {
        let url = self.url(&format!("index.php?{query}"));
        for attempt in 0..2 {
            let r = self.send(self.http.get(&url), &url).await?;
            // A page cut short (the connection dropped mid-body: seen with Wine's TLS stack, and on flaky links) is
            // fetched once more: a GET changes nothing on the console.
            let page = match self.text(r, &url).await {
                Err(OcsError::Unreachable { detail, .. }) if detail.contains("body") => {
                    tracing::info!(url, detail, "page cut short; fetching it again");
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    let r = self.send(self.http.get(&url), &url).await?;
                    self.text(r, &url).await?
                }
                other => other?,
            };
            if page.has_login_form() && attempt == 0 {
                self.login().await?;
                continue;
            }
            return self.checked(page, query);
        }
        unreachable!()
    }

    /// POST a form to `index.php?<query>` (urlencoded).
    pub(crate) async fn post(&self, query: &str, fields: &[(String, String)]) -> Result<Page, OcsError> {
        let url = self.url(&format!("index.php?{query}"));
        let r = self.send(self.http.post(&url).form(fields), &url).await?;
        let page = self.text(r, &url).await?;
        self.checked(page, query)
    }

    /// POST a multipart form (file upload) to `index.php?<query>`.
    pub(crate) async fn post_multipart(&self, query: &str, form: reqwest::multipart::Form) -> Result<Page, OcsError> {
        let url = self.url(&format!("index.php?{query}"));
        let r = self.send(self.http.post(&url).multipart(form), &url).await?;
        let page = self.text(r, &url).await?;
        self.checked(page, query)
    }

    fn checked(&self, page: Page, query: &str) -> Result<Page, OcsError> {
        if page.is_csrf_attack() {
            return Err(OcsError::Console {
                page: query.to_string(),
                message: "\"CSRF ATTACK!!!\": the console lost the form's fields (a POST larger than PHP's post_max_size, or an expired session)".into(),
            });
        }
        if page.has_login_form() {
            return Err(OcsError::LoginRefused { url: self.base.to_string(), user: self.spec.user.clone(), detail: " (the session ended)".into() });
        }
        if page.html.contains("ACCESS DENIED") && !page.html.contains("<form class='form-horizontal'") {
            return Err(OcsError::Forbidden { user: self.spec.user.clone(), what: format!("open {query}") });
        }
        Ok(page)
    }

    /// A token from `page` for the next POST, or a clear error when the page has none.
    pub(crate) fn csrf_of(&self, page: &Page, form: Option<&str>, query: &str) -> Result<(String, String), OcsError> {
        page.csrf(form).ok_or_else(|| self.unexpected(query, "no CSRF token in the page"))
    }

    pub(crate) fn unexpected(&self, page: &str, detail: &str) -> OcsError {
        OcsError::Unexpected { page: page.to_string(), detail: detail.to_string(), version: self.version.to_string() }
    }

    /// All rows of a DataTables list, read through its AJAX endpoint. `page_query` is the page that shows the
    /// table (it is loaded first: it sets the session state the AJAX call reads); `form` is the page's own form
    /// state the browser would serialize; `search` is the table's search box.
    pub(crate) async fn datatable(&self, page_query: &str, form: &str, columns: &[&str], search: &str) -> Result<Vec<Map<String, Value>>, OcsError> {
        let _turn = self.lists.lock().await;
        let page = self.get(page_query).await?;
        let (csrf_name, csrf_value) = self.csrf_of(&page, None, page_query)?;
        let url = self.url(&format!("ajax.php?{page_query}&no_header=true&no_footer=true"));
        let mut rows = Vec::new();
        let page_len = 500usize;
        let mut start = 0usize;
        loop {
            let mut fields: Vec<(String, String)> = vec![
                ("draw".into(), "1".into()),
                ("start".into(), start.to_string()),
                ("length".into(), page_len.to_string()),
                ("search[value]".into(), search.to_string()),
                ("search[regex]".into(), "false".into()),
                ("order[0][column]".into(), "0".into()),
                ("order[0][dir]".into(), "desc".into()),
                (csrf_name.clone(), csrf_value.clone()),
                ("ocs[]".into(), form.to_string()),
            ];
            for (i, c) in columns.iter().enumerate() {
                fields.push((format!("columns[{i}][data]"), c.to_string()));
                fields.push((format!("columns[{i}][name]"), c.to_string()));
                fields.push((format!("columns[{i}][searchable]"), "true".into()));
                fields.push((format!("columns[{i}][orderable]"), "true".into()));
            }
            let r = self.send(self.http.post(&url).form(&fields), &url).await?;
            let status = r.status();
            let body = r.text().await.map_err(|e| OcsError::Unreachable { url: url.clone(), detail: tls::chain(&e) })?;
            let json: Value = serde_json::from_str(&body).map_err(|_| {
                let hint = if body.contains("CSRF ATTACK") { "CSRF ATTACK" } else { "not JSON" };
                self.unexpected(page_query, &format!("the list's AJAX answer (HTTP {status}) is {hint}"))
            })?;
            let data = json.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
            let total = json.get("recordsFiltered").and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok())).unwrap_or(0) as usize;
            let got = data.len();
            rows.extend(data.into_iter().filter_map(|v| v.as_object().cloned()));
            start += got;
            if got == 0 || start >= total {
                break;
            }
        }
        Ok(rows)
    }

    /// The console's upload limit: PHP's `upload_max_filesize` as the "Store agents" page shows it. When the page
    /// is not available, Debian's default (100 MiB) is assumed and said so.
    pub async fn upload_limit(&self) -> UploadLimit {
        let assumed = UploadLimit { bytes: super::DEFAULT_UPLOAD_LIMIT, measured: false };
        let Ok(page) = self.get("function=admin_upload").await else { return assumed };
        let Some((n, v)) = page.csrf(None) else { return assumed };
        let Ok(p) = self.post("function=admin_upload", &[(n, v), ("ADD_FILE".into(), "1".into())]).await else { return assumed };
        p.alerts("info").iter().find_map(|t| parse_php_size(t)).map(|bytes| UploadLimit { bytes, measured: true }).unwrap_or(assumed)
    }

    /// A plain GET of any URL with this session's TLS settings (used to check what the download server serves).
    pub(crate) async fn fetch(&self, url: &str) -> Result<Response, OcsError> {
        self.send(self.http.get(url), url).await
    }
}

fn is_version(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    (2..=3).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) && parts[0].len() <= 2
}

/// The first PHP size in a sentence: `100m`, `2M`, `104857600` (bytes when it has no unit and is large).
pub(crate) fn parse_php_size(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let n: u64 = text[start..i].parse().ok()?;
            let unit = bytes.get(i).map(|b| b.to_ascii_lowercase());
            // A large number is bytes, whatever label the console printed after it ("104857600MB").
            return Some(match unit {
                _ if n >= 1 << 16 => n,
                Some(b'k') => n << 10,
                Some(b'g') => n << 30,
                _ => n << 20, // "100m", or "… than 100 MB": megabytes
            });
        }
        i += 1;
    }
    None
}

impl From<ByteSize> for UploadLimit {
    fn from(b: ByteSize) -> Self {
        UploadLimit { bytes: b.0, measured: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_addresses_are_normalized() {
        assert_eq!(normalize_url("https://ocs.example.com").unwrap().as_str(), "https://ocs.example.com/ocsreports/");
        assert_eq!(normalize_url("http://127.0.0.1/ocsreports").unwrap().as_str(), "http://127.0.0.1/ocsreports/");
        assert_eq!(normalize_url("https://h/ocs/index.php?function=x").unwrap().as_str(), "https://h/ocs/");
        assert!(matches!(normalize_url("ftp://h/"), Err(OcsError::BadUrl { .. })));
        assert!(matches!(normalize_url("ocs.example.com"), Err(OcsError::BadUrl { .. })));
    }

    #[test]
    fn plain_http_is_refused_unless_allowed_on_loopback() {
        let u = |s: &str| normalize_url(s).unwrap();
        assert!(check_transport(&u("https://ocs.example.com/"), false).is_ok());
        let e = check_transport(&u("http://ocs.example.com/ocsreports"), false).unwrap_err();
        assert_eq!(e.code().as_str(), "insecure_http");
        assert!(e.to_string().contains("https://ocs.example.com/ocsreports/"), "{e}");
        assert!(check_transport(&u("http://ocs.example.com/"), true).is_err(), "never off loopback");
        assert!(check_transport(&u("http://127.0.0.1/ocsreports"), false).is_err(), "loopback needs the explicit choice");
        assert!(check_transport(&u("http://127.0.0.1/ocsreports"), true).is_ok());
        assert!(check_transport(&u("http://localhost/"), true).is_ok());
        assert!(check_transport(&u("http://[::1]/"), true).is_ok());
    }

    #[test]
    fn php_sizes_as_the_console_prints_them() {
        assert_eq!(parse_php_size("You can't send a file larger than 100mMB"), Some(100 << 20));
        assert_eq!(parse_php_size("larger than 104857600MB"), Some(104857600));
        assert_eq!(parse_php_size("larger than 8 MB"), Some(8 << 20));
        assert_eq!(parse_php_size("no number"), None);
    }

    #[test]
    fn cells_are_read_as_text() {
        assert_eq!(cell_text(" ALPHA "), "ALPHA");
        assert_eq!(cell_text("<a href='x'>vm</a>"), "vm");
        assert_eq!(cell_text("Compta &amp; RH"), "Compta & RH");
    }

    #[test]
    fn version_labels() {
        assert!(is_version("2.11.1"));
        assert!(!is_version("8.2.36x"));
        assert!(!is_version("Apache/2.4"));
    }

    #[test]
    fn alerts_skip_the_security_banner() {
        let p = Page {
            html: "<div id='my-alert-top_msg_alert' class='alert alert-danger'>SECURITY ALERT!</div><div class='alert alert-danger'><button>×</button>Name already used</div>".into(),
        };
        assert_eq!(p.alerts("danger"), vec!["Name already used".to_string()]);
    }
}
