//! Roles, API tokens, who is asking, and CSRF.
//!
//! A token is `sgt_` + 64 hex characters from the OS random source; only its
//! SHA-256 hex is stored. Requests authenticate with `Authorization: Bearer`
//! or the `sg_token` cookie set by the sign-in form. Forms carry a
//! double-submit CSRF token: the `sg_csrf` cookie must equal the form's
//! `csrf` field.

use crate::AppState;
use crate::error::ApiError;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Serialize;

/// Cookie holding the signed-in token.
pub const TOKEN_COOKIE: &str = "sg_token";
/// Cookie holding the CSRF token.
pub const CSRF_COOKIE: &str = "sg_csrf";
/// Cookie holding the chosen UI language.
pub const LANG_COOKIE: &str = "sg_lang";

/// What a token may do. Ordered: each role can do everything the ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read pages and the API.
    Viewer,
    /// Also approve or reject drafts.
    Reviewer,
    /// Also publish drafts.
    Publisher,
    /// Also open and close incidents and flip the kill switch.
    Admin,
}

impl Role {
    /// All roles, weakest first.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Reviewer, Role::Publisher, Role::Admin];

    /// `viewer`, `reviewer`, `publisher` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Reviewer => "reviewer",
            Role::Publisher => "publisher",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name (case-insensitive).
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The token's name (the actor recorded in the audit log).
    pub name: String,
    /// The token's role.
    pub role: Role,
    /// True in local dev mode (loopback, no token configured).
    pub dev_mode: bool,
}

impl Identity {
    /// Ok when this identity has at least `needed`, else 403 `forbidden`.
    pub fn require(&self, needed: Role) -> Result<(), ApiError> {
        if self.role >= needed {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "this needs the {needed} role; the token '{}' has {}. Ask an admin for a \
                     token with `skillgate token create --role {needed} --name NAME`",
                    self.name, self.role
                ),
            ))
        }
    }
}

/// A new random token (`sgt_` + 64 hex characters). Print it once; store only
/// [`hash_token`] of it.
pub fn generate_token() -> Result<String, getrandom::Error> {
    Ok(format!("sgt_{}", random_hex::<32>()?))
}

/// SHA-256 hex of a token, as stored.
pub fn hash_token(token: &str) -> String {
    skillgate_store::content_hash(token.trim().as_bytes())
}

/// `N` random bytes from the OS, as hex.
pub(crate) fn random_hex<const N: usize>() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// The result of looking at a request's credentials.
pub(crate) enum Who {
    /// A known token, or local dev mode.
    Known(Identity),
    /// No credentials, and sign-in is required.
    Anonymous,
}

/// Identifies the caller: a bearer token, else the `sg_token` cookie, else
/// local dev mode when allowed and no token exists. An unknown token is 401.
pub(crate) async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Who, ApiError> {
    let token = bearer(headers).or_else(|| cookie(headers, TOKEN_COOKIE).filter(|t| !t.is_empty()));
    if let Some(token) = token {
        return match state.store().api_token_by_hash(&hash_token(token)).await? {
            Some(row) => match Role::parse(&row.role) {
                Some(role) => Ok(Who::Known(Identity {
                    name: row.name,
                    role,
                    dev_mode: false,
                })),
                None => Err(ApiError::internal(format!(
                    "token {} has unknown role '{}'",
                    row.id, row.role
                ))),
            },
            None => Err(unauthenticated(
                "the token is not recognised (revoked or mistyped); sign in again with a token \
                 from `skillgate token create`",
            )),
        };
    }
    if state.dev_mode_allowed()
        && loopback_host(headers)
        && state.store().count_api_tokens().await? == 0
    {
        return Ok(Who::Known(Identity {
            name: "local-dev".into(),
            role: Role::Admin,
            dev_mode: true,
        }));
    }
    Ok(Who::Anonymous)
}

/// Whether the request's `Host` names this machine (`localhost`, `127.x`,
/// `[::1]`). Dev mode needs it, so a web page whose domain resolves to
/// 127.0.0.1 (DNS rebinding) does not get admin rights.
pub(crate) fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        // HTTP/1.1 requires Host; requests built in-process have none.
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// 401 `unauthenticated` with `message`.
pub(crate) fn unauthenticated(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
}

/// Checks a form's CSRF field against the `sg_csrf` cookie (403 `csrf_failed`).
pub(crate) fn check_csrf(headers: &HeaderMap, form_value: &str) -> Result<(), ApiError> {
    let cookie = cookie(headers, CSRF_COOKIE).unwrap_or("");
    if cookie.len() >= 32 && constant_time_eq(cookie.as_bytes(), form_value.trim().as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "the form's security token does not match this browser's; reload the page and submit again",
        ))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn roles_are_ordered_and_parse_case_insensitively() {
        assert!(Role::Admin > Role::Publisher && Role::Publisher > Role::Reviewer);
        assert!(Role::Reviewer > Role::Viewer);
        assert_eq!(Role::parse("Publisher"), Some(Role::Publisher));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn generated_tokens_differ_and_hash_to_sha256_hex() {
        let a = generate_token().unwrap();
        let b = generate_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("sgt_") && a.len() == 68);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn cookie_is_found_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; sg_lang=zh-TW; b=2"),
        );
        assert_eq!(cookie(&h, LANG_COOKIE), Some("zh-TW"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn csrf_needs_matching_cookie_and_field() {
        let token = "0123456789abcdef0123456789abcdef";
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{CSRF_COOKIE}={token}")).unwrap(),
        );
        assert!(check_csrf(&h, token).is_ok());
        assert_eq!(check_csrf(&h, "other").unwrap_err().code, "csrf_failed");
        assert_eq!(
            check_csrf(&HeaderMap::new(), "").unwrap_err().code,
            "csrf_failed"
        );
    }

    #[test]
    fn only_loopback_host_names_count_as_local() {
        let host = |h: &'static str| {
            let mut m = HeaderMap::new();
            m.insert(header::HOST, HeaderValue::from_static(h));
            m
        };
        assert!(loopback_host(&host("127.0.0.1:8080")));
        assert!(loopback_host(&host("localhost:8080")));
        assert!(loopback_host(&host("[::1]:8080")));
        assert!(!loopback_host(&host("evil.example:8080")));
        assert!(!loopback_host(&host("10.0.0.5")));
    }

    #[test]
    fn viewer_cannot_do_reviewer_work() {
        let id = Identity {
            name: "v".into(),
            role: Role::Viewer,
            dev_mode: false,
        };
        assert_eq!(id.require(Role::Reviewer).unwrap_err().code, "forbidden");
        assert!(id.require(Role::Viewer).is_ok());
    }
}
