//! When HTTPS fails, say why in the admin's terms: fetch the certificate the server really presents (without
//! trusting it) and compare it with the address and the CA the studio was given.

use std::fmt;
use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

/// The server certificate, as far as an admin needs to judge it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// DNS names and IP addresses the certificate is valid for (subjectAltName).
    pub names: Vec<String>,
    pub sha256: String,
    pub self_signed: bool,
    pub expired: bool,
    pub not_yet_valid: bool,
    /// Whether the host the studio connected to is one of `names` (or the CN when there is no SAN).
    pub host_matches: bool,
}

/// A failed TLS connection, with the diagnosis and the certificate when it could be read.
#[derive(Debug)]
pub struct TlsFailure {
    pub url: String,
    pub reason: String,
    pub cert: Option<CertInfo>,
    pub ca_file: Option<String>,
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTPS to {} failed: {}", self.url, self.reason)?;
        if let Some(c) = &self.cert {
            write!(
                f,
                ". The server presents a certificate for \"{}\" issued by \"{}\", valid {} to {}, names [{}], SHA-256 {}",
                c.subject,
                c.issuer,
                c.not_before,
                c.not_after,
                c.names.join(", "),
                c.sha256
            )?;
        }
        let fix = match &self.cert {
            Some(c) if c.expired || c.not_yet_valid => "renew the server certificate (or fix this computer's clock)".to_string(),
            Some(c) if !c.host_matches => format!(
                "connect with a name the certificate covers ({}), or reissue the certificate with this host in its subjectAltName",
                c.names.first().cloned().unwrap_or_else(|| c.subject.clone())
            ),
            _ => match &self.ca_file {
                Some(ca) => format!("the CA file {ca} did not sign this certificate: give the cacert.pem of the CA that did (the one deployed to the agents)"),
                None => "give the file of the CA that signed it (the cacert.pem deployed to the agents), or install that CA in the system trust store".to_string(),
            },
        };
        write!(f, ". Fix: {fix}")
    }
}

/// Reads what matters from a DER certificate and checks it against `host`.
pub fn describe(der: &[u8], host: &str) -> Option<CertInfo> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push(d.to_string()),
                GeneralName::IPAddress(b) => match b.len() {
                    4 => names.push(IpAddr::from(<[u8; 4]>::try_from(*b).ok()?).to_string()),
                    16 => names.push(IpAddr::from(<[u8; 16]>::try_from(*b).ok()?).to_string()),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let cn = cert.subject().iter_common_name().next().and_then(|c| c.as_str().ok()).map(str::to_string);
    let candidates: Vec<String> = if names.is_empty() { cn.into_iter().collect() } else { names.clone() };
    let host_l = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let host_matches = candidates.iter().any(|n| name_matches(&n.to_ascii_lowercase(), &host_l));
    let validity = cert.validity();
    let now = ASN1Time::now();
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: validity.not_before.to_string(),
        not_after: validity.not_after.to_string(),
        names,
        sha256: Sha256::digest(der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"),
        self_signed: cert.subject() == cert.issuer(),
        expired: now > validity.not_after,
        not_yet_valid: now < validity.not_before,
        host_matches,
    })
}

/// RFC 6125 matching, with a single left-most wildcard label.
fn name_matches(pattern: &str, host: &str) -> bool {
    if pattern == host {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(rest) => host.split_once('.').is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => false,
    }
}

/// True when a reqwest error (or anything in its chain) is a TLS failure rather than a plain connection failure.
pub fn is_tls_error(e: &reqwest::Error) -> bool {
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        let m = s.to_string().to_ascii_lowercase();
        if m.contains("certificate") || m.contains("ssl") || m.contains("tls") || m.contains("handshake") {
            return true;
        }
        src = s.source();
    }
    false
}

/// The whole chain of an error as one line (reqwest's top-level message alone is rarely useful).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = e.source();
    while let Some(s) = src {
        let m = s.to_string();
        if !parts.iter().any(|p| p.contains(&m)) {
            parts.push(m);
        }
        src = s.source();
    }
    parts.join(": ")
}

/// The innermost message of an error chain ("Connection refused (os error 111)").
pub fn root_cause(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        last = s.to_string();
        src = s.source();
    }
    last
}

/// The plain-words reason for a TLS failure, from the certificate when we have it.
pub fn diagnose(cert: Option<&CertInfo>, raw: &str) -> String {
    match cert {
        Some(c) if c.expired => "the server certificate has expired".into(),
        Some(c) if c.not_yet_valid => "the server certificate is not valid yet".into(),
        Some(c) if !c.host_matches => "the server certificate is not valid for this host name".into(),
        Some(c) if c.self_signed => "the server certificate is self-signed and not trusted".into(),
        Some(_) => "the server certificate was signed by a CA this computer does not trust".into(),
        None => format!("the TLS handshake failed ({raw})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label_only() {
        assert!(name_matches("*.example.com", "ocs.example.com"));
        assert!(!name_matches("*.example.com", "a.b.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(name_matches("localhost", "localhost"));
        assert!(!name_matches("localhost", "127.0.0.1"));
    }
}
