//! Prints the static checks of a skill folder: `cargo run -p skillgate-skill --example check --
//! DRAFT_DIR [PUBLISHED_DIR]`.

use skillgate_skill::{CheckConfig, check_draft, load_dir};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(draft) = args.first() else {
        eprintln!("usage: check DRAFT_DIR [PUBLISHED_DIR]");
        return ExitCode::from(2);
    };
    let draft = match load_dir(Path::new(draft)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let published = match args.get(1).map(|p| load_dir(Path::new(p))).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let report = check_draft(&draft, published.as_ref(), &CheckConfig::default());
    print!("{}", report.render_text());
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
