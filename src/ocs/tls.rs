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
    /// What the system's TLS stack said, when it said it with a code (Windows).
    pub system: Option<SystemVerdict>,
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
            _ if self.system == Some(SystemVerdict::RevocationUnknown) => {
                "publish a revocation list (CRL) for the CA where this computer can read it, or have the certificate issued by a CA that does".to_string()
            }
            Some(c) if c.host_matches && self.system == Some(SystemVerdict::NameRefused) => format!(
                "connect with a DNS name the certificate lists ({}) rather than an IP address, or reissue the certificate with the name you use",
                c.names.iter().find(|n| n.parse::<IpAddr>().is_err()).cloned().unwrap_or_else(|| c.subject.clone())
            ),
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
    if system_verdict(&chain(e)).is_some() {
        return true;
    }
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

/// What the operating system's TLS stack said, when it says it with a code rather than words: Windows' schannel
/// reports certificate failures as HRESULTs (`os error -2146762481`, i.e. 0x800B010F), which name no "certificate".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemVerdict {
    /// CERT_E_CN_NO_MATCH, SEC_E_WRONG_PRINCIPAL: the name is not one the system accepts for this certificate.
    NameRefused,
    /// CERT_E_UNTRUSTEDROOT, SEC_E_UNTRUSTED_ROOT, CERT_E_CHAINING: no trusted CA signed it.
    Untrusted,
    /// CERT_E_EXPIRED, SEC_E_CERT_EXPIRED.
    Expired,
    /// CRYPT_E_NO_REVOCATION_CHECK, CRYPT_E_REVOCATION_OFFLINE, CERT_E_REVOCATION_FAILURE: the revocation status is
    /// unknown (Wine 8 reports this for any CA-signed certificate without a reachable revocation list).
    RevocationUnknown,
    /// Another SEC_E_* / CERT_E_* / CRYPT_E_* failure of the handshake.
    Other(u32),
}

/// The Windows TLS verdict in an error chain, if it holds one (`os error -2146762481` or `0x800B010F`).
pub fn system_verdict(raw: &str) -> Option<SystemVerdict> {
    let mut codes = Vec::new();
    for (i, _) in raw.match_indices("os error ") {
        let n: String = raw[i + 9..].chars().take_while(|c| *c == '-' || c.is_ascii_digit()).collect();
        if let Ok(v) = n.parse::<i64>() {
            codes.push(v as i32 as u32);
        }
    }
    for (i, _) in raw.match_indices("0x") {
        let h: String = raw[i + 2..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        if let Ok(v) = u32::from_str_radix(&h, 16) {
            codes.push(v);
        }
    }
    codes.into_iter().find_map(|c| {
        Some(match c {
            0x800B010F | 0x80090322 => SystemVerdict::NameRefused,
            0x800B0109 | 0x80090325 | 0x800B010A => SystemVerdict::Untrusted,
            0x800B0101 | 0x80090328 => SystemVerdict::Expired,
            0x80092012 | 0x80092013 | 0x800B010E => SystemVerdict::RevocationUnknown,
            c if (0x80090300..=0x800903FF).contains(&c) || (0x800B0000..=0x800B01FF).contains(&c) || (0x80092000..=0x800920FF).contains(&c) => SystemVerdict::Other(c),
            _ => return None,
        })
    })
}

/// The plain-words reason for a TLS failure, from the certificate when we have it.
pub fn diagnose(cert: Option<&CertInfo>, raw: &str) -> String {
    match (system_verdict(raw), cert) {
        (Some(SystemVerdict::NameRefused), Some(c)) if c.host_matches => {
            return "this computer's TLS stack refused the host name, although the certificate lists it (Windows, and Wine, do not accept an IP address in the certificate's names the way OpenSSL does)".into()
        }
        (Some(SystemVerdict::NameRefused), None) => return "the server certificate is not valid for this host name".into(),
        (Some(SystemVerdict::Untrusted), None) => return "the server certificate was signed by a CA this computer does not trust".into(),
        (Some(SystemVerdict::Expired), None) => return "the server certificate has expired".into(),
        (Some(SystemVerdict::RevocationUnknown), _) => {
            return "this computer could not check whether the server certificate was revoked (its CA publishes no reachable revocation list)".into()
        }
        _ => {}
    }
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

    /// Windows' schannel reports certificate failures as HRESULT codes, in decimal (os error) or hex.
    #[test]
    fn windows_tls_codes_are_read_as_verdicts() {
        let name = "error sending request: client error (Connect): The certificate's CN name does not match the passed value. (os error -2146762481)";
        assert_eq!(system_verdict(name), Some(SystemVerdict::NameRefused));
        assert_eq!(system_verdict("schannel: 0x80090325"), Some(SystemVerdict::Untrusted));
        assert_eq!(system_verdict("(os error -2146762495)"), Some(SystemVerdict::Expired));
        assert_eq!(system_verdict("(os error -2146885613)"), Some(SystemVerdict::RevocationUnknown));
        assert_eq!(system_verdict("OS Error -2146762482 (FormatMessageW() returned error 317) (os error -2146762482)"), Some(SystemVerdict::RevocationUnknown));
        assert_eq!(system_verdict("(os error -2146893048)"), Some(SystemVerdict::Other(0x80090308)));
        // Plain connection failures are no TLS verdict.
        assert_eq!(system_verdict("Connection refused (os error 111)"), None);
        assert_eq!(system_verdict("No connection could be made (os error 10061)"), None);
        // The system refused a name the certificate does list (an IP address): said so, not "wrong certificate".
        let cert = CertInfo {
            subject: "localhost".into(),
            issuer: "Test CA".into(),
            not_before: String::new(),
            not_after: String::new(),
            names: vec!["localhost".into(), "127.0.0.1".into()],
            sha256: String::new(),
            expired: false,
            not_yet_valid: false,
            host_matches: true,
            self_signed: false,
        };
        assert!(diagnose(Some(&cert), name).contains("refused the host name, although the certificate lists it"));
        let f = TlsFailure { url: "https://127.0.0.1/ocsreports/".into(), reason: diagnose(Some(&cert), name), cert: Some(cert), ca_file: None, system: system_verdict(name) };
        assert!(f.to_string().contains("connect with a DNS name the certificate lists (localhost)"), "{f}");
    }

    #[test]
    fn wildcards_cover_one_label_only() {
        assert!(name_matches("*.example.com", "ocs.example.com"));
        assert!(!name_matches("*.example.com", "a.b.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(name_matches("localhost", "localhost"));
        assert!(!name_matches("localhost", "127.0.0.1"));
    }
}
