//! `skillgate demo`: a fresh folder, the bundled data set, the pipeline as far as it exists.

use super::Ctx;
use crate::Outcome;
use anyhow::Result;
use std::path::Path;

pub async fn run(_ctx: &Ctx, _dir: &Path) -> Result<Outcome> {
    Err(super::not_supported(
        "`skillgate demo` (demo data set in progress)",
    ))
}
