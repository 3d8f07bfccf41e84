//! The `skillgate` binary: parse, wire, print. Logic lives in the library crates.

mod cli;
mod commands;
mod config;
mod output;

use clap::Parser;
use cli::{Cli, LogFormat};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once at start-up when `--log-format json` was given.
static JSON_LOGS: AtomicBool = AtomicBool::new(false);

/// Whether stderr carries JSON logs (`--log-format json`): then every stderr line must be a
/// JSON object, so notes for people go through [`note`] instead of `eprintln!`.
pub fn json_logs() -> bool {
    JSON_LOGS.load(Ordering::Relaxed)
}

/// A line for people on stderr: printed as is with text logs; with `--log-format json` a
/// `warn` event `cli.note` (a JSON object like every other stderr line).
pub fn note(message: &str) {
    if json_logs() {
        tracing::warn!(target: "skillgate::cli", event = "cli.note", "{message}");
    } else {
        eprintln!("{message}");
    }
}

/// The error a command ended with, on stderr: `error: …` with text logs; with
/// `--log-format json` an `error` event `cli.error` (unless the log filter hides errors, when
/// the plain line is printed so the reason is never lost).
fn report_error(message: &str) {
    if json_logs() && tracing::enabled!(target: "skillgate::cli", tracing::Level::ERROR) {
        tracing::error!(target: "skillgate::cli", event = "cli.error", "{message}");
    } else {
        eprintln!("error: {message}");
    }
}

/// How a command ended, beyond plain success.
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// The command ran but found problems (rejected lines, lint errors, a refusing gate).
    Findings,
}

/// The filter used when `SKILLGATE_LOG` is not set: warnings for text logs (people read the
/// tables on stdout); for `--log-format json`, which asks for machine-readable logs, also the
/// `info` pipeline events of skillgate's own targets (docs/logging.md).
fn default_filter(format: LogFormat) -> &'static str {
    match format {
        LogFormat::Text => "warn",
        LogFormat::Json => "warn,skillgate=info",
    }
}

/// Sets up logging on stderr. `SKILLGATE_LOG` (an `EnvFilter` directive such as
/// `skillgate=debug`) overrides the default level; a directive that does not parse is reported
/// and the default is used. The `eval` and `trial` spans of skillgate's targets are kept
/// whatever the level, so every event inside an eval carries its ids.
fn init_logging(format: LogFormat) {
    use tracing_subscriber::filter::{EnvFilter, FilterExt, filter_fn};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{Layer, fmt};

    let mut bad_directive = None;
    let filter = match std::env::var("SKILLGATE_LOG") {
        Ok(directive) if !directive.trim().is_empty() => {
            EnvFilter::try_new(&directive).unwrap_or_else(|e| {
                bad_directive = Some(format!("SKILLGATE_LOG={directive:?} is not a valid log filter ({e}); using {:?}. Example: SKILLGATE_LOG=skillgate=debug", default_filter(format)));
                EnvFilter::new(default_filter(format))
            })
        }
        _ => EnvFilter::new(default_filter(format)),
    };
    let spans = filter_fn(|meta| meta.is_span() && meta.target().starts_with("skillgate"));
    let filter = filter.or(spans);
    JSON_LOGS.store(matches!(format, LogFormat::Json), Ordering::Relaxed);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let layer = match format {
        LogFormat::Text => fmt::layer()
            .with_ansi(ansi)
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed(),
    };
    tracing_subscriber::registry().with(layer).init();
    if let Some(message) = bad_directive {
        tracing::warn!(target: "skillgate::cli", event = "cli.bad_log_filter", "{message}");
    }
}

/// Restores the default SIGPIPE action so `skillgate … | head` ends quietly
/// instead of panicking on a closed stdout, as Unix tools do.
fn reset_sigpipe() {
    // SAFETY: called once at start-up, before any thread exists; setting a
    // signal disposition to SIG_DFL has no other preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    reset_sigpipe();
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report_error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            if let Some(ns) = e.downcast_ref::<commands::NotSupported>() {
                report_error(&ns.to_string());
                return ExitCode::from(2);
            }
            report_error(&format!("{e:#}"));
            ExitCode::from(1)
        }
    }
}
