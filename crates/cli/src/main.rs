//! The `skillgate` binary: parse, wire, print. Logic lives in the library crates.

mod cli;
mod commands;
mod config;
mod output;

use clap::Parser;
use cli::{Cli, LogFormat};
use std::process::ExitCode;

/// How a command ended, beyond plain success.
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// The command ran but found problems (rejected lines, lint errors, a refusing gate).
    Findings,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SKILLGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
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
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            if let Some(ns) = e.downcast_ref::<commands::NotSupported>() {
                eprintln!("error: {ns}");
                return ExitCode::from(2);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
