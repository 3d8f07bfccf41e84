//! `scripted-llm --script FILE [--port N]`: serves a script on 127.0.0.1 and prints the base
//! URLs (`openai_base_url=...`, `anthropic_base_url=...`), then runs until Ctrl-C.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use skillgate_scripted_llm::Script;

/// A scripted LLM server for tests (OpenAI chat completions + Anthropic Messages).
#[derive(Debug, Parser)]
#[command(name = "scripted-llm", version)]
struct Args {
    /// Script file: `.json` as JSON, anything else as YAML.
    #[arg(long)]
    script: PathBuf,
    /// Port on 127.0.0.1 (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let script = match Script::from_path(&args.script) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("scripted-llm: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let server = match skillgate_scripted_llm::start_on(script, args.port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "scripted-llm: cannot listen on 127.0.0.1:{}: {e} (pick another --port or 0)",
                args.port
            );
            return std::process::ExitCode::from(1);
        }
    };
    // A closed stdout (the reader went away) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "openai_base_url={}", server.openai_base_url());
    let _ = writeln!(out, "anthropic_base_url={}", server.anthropic_base_url());
    let _ = out.flush();
    drop(out);
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("scripted-llm: cannot wait for Ctrl-C: {e}");
    }
    drop(server);
    std::process::ExitCode::SUCCESS
}
