//! skillgate's reviewer web UI and HTTP JSON API (SPEC §8, issue 8).
//!
//! - Server-rendered pages (askama templates, htmx embedded, CSS embedded):
//!   Skills page, draft page with review form and publish button, report page,
//!   cases table and case detail, preservation diff, raw JSON, incidents and
//!   kill switch, incident pages (closing a P0 pins its regression case),
//!   dashboard (metrics, alerts, open incidents), audit log.
//! - A JSON API under `/api/` documented by the OpenAPI document served at
//!   `/api/openapi.json`; errors are `{"error": {"code", "message"}}` with
//!   stable codes.
//! - UI strings in Fluent files for `en`, `zh-CN` and `zh-TW`, chosen by a
//!   cookie (`sg_lang`) set by the language switcher, else `Accept-Language`.
//! - Tokens with roles viewer < reviewer < publisher < admin; only their
//!   SHA-256 hash is stored. Forms carry a double-submit CSRF token. On a
//!   loopback address with no token configured, a local dev mode treats every
//!   request as `admin` and says so in the header; [`serve`] refuses any
//!   other address until a token exists.

mod api;
pub mod auth;
mod dashboard;
mod error;
pub mod i18n;
mod pages;
pub mod view;

pub use auth::{Identity, Role, generate_token, hash_token};
pub use error::{ApiError, ServeError};
pub use pages::{CaseSort, localized_reason, render_report_page};

use axum::Router;
use axum::http::{HeaderValue, header};
use skillgate_core::gate::GateConfig;
use skillgate_redact::{RedactionConfig, Redactor};
use skillgate_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// An eval the reviewer asked for from the UI or API.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EvalRequest {
    /// Draft to evaluate.
    pub draft_id: String,
    /// At most this many replay cases (`None`: the configured default).
    pub cases: Option<usize>,
    /// Trials per case and arm (`None`: the configured default).
    pub trials: Option<u32>,
    /// Prompt locale (`None`: each case's own).
    pub prompt_locale: Option<skillgate_core::Locale>,
    /// Who asked (the token's name).
    pub requested_by: String,
}

/// Starts evals in the background; the eval engine lives outside this crate
/// (the CLI wires it). Returns a short description of what was started.
pub trait EvalStarter: Send + Sync + std::fmt::Debug + 'static {
    /// Starts the eval and returns at once; the eval shows up on the draft
    /// page as it runs.
    fn start(&self, request: &EvalRequest) -> Result<String, String>;
}

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Address to listen on (`127.0.0.1:8080` by default in the CLI).
    pub addr: SocketAddr,
    /// Publish-gate configuration (rollout phase, partial evidence).
    pub gate: GateConfig,
    /// Redaction applied to report text before it is shown (`[redaction]`).
    pub redaction: RedactionConfig,
    /// Starts evals from the UI and API (`None`: that form answers "not supported").
    pub evals: Option<Arc<dyn EvalStarter>>,
}

/// Shared state of every handler. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    gate: GateConfig,
    dev_mode_allowed: bool,
    redactor: Redactor,
    evals: Option<Arc<dyn EvalStarter>>,
}

impl AppState {
    /// State over `store`, redacting shown text with the standard rules.
    /// `dev_mode_allowed`: whether, while no API token exists, requests are
    /// treated as a local `admin` (only ever true on a loopback address).
    pub fn new(store: Store, gate: GateConfig, dev_mode_allowed: bool) -> AppState {
        AppState::with_redactor(store, gate, dev_mode_allowed, Redactor::standard())
    }

    /// Like [`AppState::new`] with a configured [`Redactor`].
    pub fn with_redactor(
        store: Store,
        gate: GateConfig,
        dev_mode_allowed: bool,
        redactor: Redactor,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                gate,
                dev_mode_allowed,
                redactor,
                evals: None,
            }),
        }
    }

    /// The same state, starting evals with `starter` (the start-eval form and
    /// `POST /api/drafts/{id}/evals` answer 501 without one).
    pub fn with_eval_starter(self, starter: Arc<dyn EvalStarter>) -> AppState {
        let inner = &self.inner;
        AppState {
            inner: Arc::new(Inner {
                store: inner.store.clone(),
                gate: inner.gate.clone(),
                dev_mode_allowed: inner.dev_mode_allowed,
                redactor: inner.redactor.clone(),
                evals: Some(starter),
            }),
        }
    }

    /// The eval starter, if one is wired.
    pub fn eval_starter(&self) -> Option<&dyn EvalStarter> {
        self.inner.evals.as_deref()
    }

    /// The redactor applied to report text before it is shown.
    pub fn redactor(&self) -> &Redactor {
        &self.inner.redactor
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The gate configuration.
    pub fn gate(&self) -> &GateConfig {
        &self.inner.gate
    }

    pub(crate) fn dev_mode_allowed(&self) -> bool {
        self.inner.dev_mode_allowed
    }
}

/// The embedded OpenAPI document served at `/api/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Every API route as `(METHOD, path)`, exactly as the router registers them
/// (the router is built from the same table).
pub fn api_routes() -> Vec<(&'static str, &'static str)> {
    api::table()
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect()
}

/// The whole application: pages, assets and the JSON API, with security
/// headers. Usable in tests with `tower::ServiceExt::oneshot`.
pub fn router(state: AppState) -> Router {
    let mut api_router = Router::new();
    for (_, path, handler) in api::table() {
        api_router = api_router.route(path, handler);
    }
    let api_router = api_router
        .fallback(api::route_not_found)
        .method_not_allowed_fallback(api::method_not_allowed);
    pages::routes()
        .merge(api_router)
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
}

/// A bound, not yet running server (see [`bind`]).
#[derive(Debug)]
pub struct Server {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    dev_mode: bool,
    app: Router,
}

impl Server {
    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether the server starts in local dev mode (loopback, no API token).
    pub fn dev_mode(&self) -> bool {
        self.dev_mode
    }

    /// Serves requests until Ctrl-C.
    pub async fn run(self) -> Result<(), ServeError> {
        axum::serve(self.listener, self.app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|source| ServeError::Serve { source })
    }
}

/// Checks the configuration and binds `cfg.addr`.
///
/// Refuses a non-loopback address while no API token exists (create one with
/// `skillgate token create --role admin --name NAME`). On loopback with no
/// token, the server runs in local dev mode (everyone is `admin`, shown in
/// the header) until a token is created.
pub async fn bind(cfg: WebConfig, store: Store) -> Result<Server, ServeError> {
    let redactor = Redactor::new(&cfg.redaction)?;
    let loopback = cfg.addr.ip().is_loopback();
    let tokens = store.count_api_tokens().await?;
    if !loopback && tokens == 0 {
        return Err(ServeError::NoAuthOnPublicAddress { addr: cfg.addr });
    }
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: cfg.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: cfg.addr,
        source,
    })?;
    if tokens == 0 {
        tracing::warn!(
            %addr,
            "no API token exists: local dev mode, every request is admin; \
             `skillgate token create --role admin --name NAME` turns sign-in on"
        );
    }
    tracing::info!(%addr, "skillgate web UI listening");
    Ok(Server {
        listener,
        addr,
        dev_mode: tokens == 0,
        app: router({
            let state = AppState::with_redactor(store, cfg.gate, loopback, redactor);
            match cfg.evals {
                Some(starter) => state.with_eval_starter(starter),
                None => state,
            }
        }),
    })
}

/// [`bind`]s and serves until Ctrl-C.
pub async fn serve(cfg: WebConfig, store: Store) -> Result<(), ServeError> {
    bind(cfg, store).await?.run().await
}

/// Checks a start-eval request (draft exists and is not published; cases
/// 1–1000, trials 1–20, a known prompt locale) and hands it to the starter.
pub(crate) async fn start_eval(
    state: &AppState,
    draft_id: &str,
    cases: Option<&str>,
    trials: Option<&str>,
    prompt_locale: Option<&str>,
    requested_by: &str,
) -> Result<String, ApiError> {
    let Some(starter) = state.eval_starter() else {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_IMPLEMENTED,
            "not_supported",
            "starting evals from the web is not supported by this server; run \
             `skillgate eval DRAFT_ID` (it is wired when the server runs as `skillgate serve`)",
        ));
    };
    let draft = state.store().get_draft(draft_id).await?;
    if draft.status == "published" {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "already_published",
            format!(
                "draft {draft_id} is already published; submit a new draft to evaluate a change"
            ),
        ));
    }
    let cases = match cases {
        None => None,
        Some(c) => Some(
            c.parse::<usize>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "cases must be a number from 1 to 1000, not '{c}'"
                    ))
                })?,
        ),
    };
    let trials = match trials {
        None => None,
        Some(t) => Some(
            t.parse::<u32>()
                .ok()
                .filter(|n| (1..=20).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "trials must be a number from 1 to 20, not '{t}'"
                    ))
                })?,
        ),
    };
    let prompt_locale = match prompt_locale {
        None => None,
        Some(l) => Some(skillgate_core::Locale::parse(l).ok_or_else(|| {
            ApiError::bad_request(format!(
                "prompt_locale must be en, zh-CN or zh-TW, not '{l}'"
            ))
        })?),
    };
    let request = EvalRequest {
        draft_id: draft.id,
        cases,
        trials,
        prompt_locale,
        requested_by: requested_by.to_string(),
    };
    let started = starter.start(&request).map_err(|reason| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "eval_not_started",
            format!("the eval of draft {draft_id} could not be started: {reason}"),
        )
    })?;
    state
        .store()
        .audit(requested_by, "eval.request", draft_id, &started)
        .await?;
    Ok(started)
}
