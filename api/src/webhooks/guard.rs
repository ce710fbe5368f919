//! What a webhook may be sent to: the URL's form, and the addresses its host resolves to.
//!
//! An endpoint is a URL a coordinator types, so without a guard the service could be made to
//! POST to its own network (a database admin page, the cloud metadata service). Hosts are
//! resolved and every address checked when the endpoint is saved, and again at each delivery
//! by the HTTP client's resolver ([`GuardedResolver`]), which hands the client only addresses
//! that passed: the connection goes to the address checked, so a name that resolves to a public
//! address at creation and to a private one later (DNS rebinding) is still refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

/// The longest endpoint URL accepted.
pub const MAX_URL: usize = 2000;

/// Why an address is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Loopback, private, link-local, CGNAT, ULA: allowed only with `allow_private`.
    Private,
    /// Never a target: cloud metadata services, unspecified, multicast, broadcast, reserved.
    Never,
}

/// Whether `ip` may be a webhook target; with `allow_private`, private ranges are allowed.
pub fn permitted(ip: IpAddr, allow_private: bool) -> bool {
    match refusal(ip) {
        None => true,
        Some(Refusal::Private) => allow_private,
        Some(Refusal::Never) => false,
    }
}

/// Why `ip` is refused, if it is.
pub fn refusal(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<Refusal> {
    let [a, b, c, _] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        // AWS, GCP, Azure, OpenStack metadata; Alibaba Cloud's.
        return Some(Refusal::Never);
    }
    if a == 0 || ip.is_multicast() || ip.is_broadcast() || a >= 240 {
        return Some(Refusal::Never);
    }
    let private = a == 127
        || a == 10
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 169 && b == 254)
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, benchmarking, documentation.
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || (a == 192 && b == 0 && c == 2)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113);
    private.then_some(Refusal::Private)
}

fn refusal_v6(ip: Ipv6Addr) -> Option<Refusal> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return refusal_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that one.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return refusal_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    if s[0] == 0x2002 {
        return refusal_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        // AWS's metadata service over IPv6.
        return Some(Refusal::Never);
    }
    if ip.is_unspecified() || ip.is_multicast() {
        return Some(Refusal::Never);
    }
    let private = ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0xdb8) // documentation
        || s[..6] == [0, 0, 0, 0, 0, 0]; // IPv4-compatible (deprecated)
    private.then_some(Refusal::Private)
}

/// A URL problem, for a person to read.
pub type Problem = String;

/// Checks the form of an endpoint URL: absolute `https` (or `http` when allowed), a host, no
/// credentials, no fragment.
pub fn parse_url(raw: &str, allow_http: bool) -> Result<Url, Problem> {
    let raw = raw.trim();
    if raw.len() > MAX_URL {
        return Err(format!("must be at most {MAX_URL} characters"));
    }
    let url = Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err("must use https (plain http is not allowed on this server)".into()),
        other => return Err(format!("must be an https URL, not {other}:")),
    }
    if url.host().is_none() {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; the signature authenticates deliveries".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a #fragment".into());
    }
    Ok(url)
}

/// Resolves the URL's host and checks every address it has.
pub async fn check_target(url: &Url, allow_private: bool) -> Result<(), Problem> {
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| format!("{name} cannot be resolved"))?
            .collect(),
        None => Vec::new(),
    };
    if addrs.is_empty() {
        return Err("host has no address".into());
    }
    for addr in addrs {
        if !permitted(addr.ip(), allow_private) {
            return Err(format!(
                "resolves to {}, a {} address webhooks may not be sent to",
                addr.ip(),
                match refusal(addr.ip()) {
                    Some(Refusal::Never) => "reserved or metadata",
                    _ => "loopback, private or link-local",
                }
            ));
        }
    }
    Ok(())
}

/// The error of a host whose addresses were all refused.
#[derive(Debug, thiserror::Error)]
#[error("{0} {BLOCKED}")]
pub struct Blocked(pub String);

/// How [`Blocked`] ends, to recognize it in an HTTP client's error chain.
pub const BLOCKED: &str = "resolves only to addresses webhooks may not be sent to";

/// The HTTP client's resolver: the system's, keeping only permitted addresses.
pub struct GuardedResolver {
    /// Whether private ranges are permitted.
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| permitted(a.ip(), allow_private))
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(Blocked(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd12::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert_eq!(refusal(ip(private)), Some(Refusal::Private), "{private}");
            assert!(permitted(ip(private), true), "{private}");
        }
        for never in [
            "169.254.169.254",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
            "0.0.0.0",
            "::",
            "224.0.0.1",
            "ff02::1",
            "255.255.255.255",
        ] {
            assert_eq!(refusal(ip(never)), Some(Refusal::Never), "{never}");
            assert!(!permitted(ip(never), true), "{never}");
        }
        for public in [
            "93.184.216.34",
            "172.32.0.1",
            "2606:2800:220:1::1",
            "8.8.8.8",
        ] {
            assert_eq!(refusal(ip(public)), None, "{public}");
        }
    }

    #[test]
    fn urls_must_be_https_with_a_host_and_no_credentials() {
        assert!(parse_url("https://hooks.example.org/amb", false).is_ok());
        assert!(parse_url("http://hooks.example.org/amb", true).is_ok());
        for (raw, allow_http, problem) in [
            (
                "http://hooks.example.org/amb",
                false,
                "must use https (plain http is not allowed on this server)",
            ),
            (
                "ftp://hooks.example.org/",
                true,
                "must be an https URL, not ftp:",
            ),
            (
                "https://user:pw@hooks.example.org/",
                false,
                "must not carry credentials; the signature authenticates deliveries",
            ),
            (
                "https://hooks.example.org/#x",
                false,
                "must not have a #fragment",
            ),
            (
                "not a url",
                false,
                "is not a valid URL (relative URL without a base)",
            ),
        ] {
            assert_eq!(
                parse_url(raw, allow_http).err().as_deref(),
                Some(problem),
                "{raw}"
            );
        }
    }
}
