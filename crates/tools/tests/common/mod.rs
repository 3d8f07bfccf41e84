//! Shared set-up for the tool-layer tests: a fake production workspace and a fake `$HOME`
//! (with credentials) in a temp dir, both protected and fingerprinted before the trial.
#![allow(dead_code)]

use serde_json::Value;
use skillgate_core::{RecordedToolCall, ToolMode, ToolSpec};
use skillgate_tools::{
    Fingerprint, Policy, ReplayTools, SandboxLimits, ToolCallOutcome, ToolLayerConfig, diff,
    fingerprint,
};
use std::path::PathBuf;

pub struct Trial {
    pub tools: ReplayTools,
    pub prod: PathBuf,
    pub home: PathBuf,
    before: Fingerprint,
    _host: tempfile::TempDir,
}

#[derive(Default)]
pub struct Setup {
    pub policy: Policy,
    pub extra_tools: Vec<ToolSpec>,
    pub recorded: Vec<RecordedToolCall>,
    pub bwrap_path: Option<PathBuf>,
    pub limits: SandboxLimits,
    /// Protected paths beyond the fake production workspace and fake $HOME.
    pub extra_protected: Vec<PathBuf>,
}

const PROD_FILES: [(&str, &str); 3] = [
    ("report.md", "# Q3 report\nrevenue: 10\n"),
    ("data.csv", "id,amount\n1,10\n"),
    ("src/main.py", "print('hello')\n"),
];

pub async fn trial(setup: Setup) -> Trial {
    let host = tempfile::tempdir().unwrap();
    let prod = host.path().join("production");
    let home = host.path().join("home");
    for (p, c) in PROD_FILES {
        let dest = prod.join(p);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, c).unwrap();
    }
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), "PRIVATE KEY").unwrap();
    std::fs::write(
        home.join(".aws/credentials"),
        "[default]\naws_secret_access_key=abc\n",
    )
    .unwrap();
    std::fs::write(home.join("notes.txt"), "personal notes\n").unwrap();
    let before = fingerprint(&[prod.clone(), home.clone()]);
    let mut protected = vec![prod.clone(), home.clone()];
    protected.extend(setup.extra_protected);
    let case_files: Vec<(String, Vec<u8>)> = PROD_FILES
        .iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
        .collect();
    let cfg = ToolLayerConfig {
        policy: setup.policy,
        protected_paths: protected,
        limits: setup.limits,
        extra_tools: setup.extra_tools,
        bwrap_path: setup.bwrap_path,
    };
    let tools = ReplayTools::new(cfg, &case_files, &setup.recorded)
        .await
        .unwrap();
    Trial {
        tools,
        prod,
        home,
        before,
        _host: host,
    }
}

impl Trial {
    /// Fails the test unless the real bubblewrap sandbox works here (CI installs it).
    pub fn require_sandbox(&self) {
        let s = self.tools.sandbox_status();
        assert!(
            s.available,
            "the bubblewrap sandbox is required for this test but is unavailable: {}. \
             Install it (apt-get install -y bubblewrap) and allow user namespaces.",
            s.reason
        );
    }

    /// Asserts the fake production workspace and fake $HOME did not change at all.
    pub fn assert_protected_untouched(&self) {
        let after = fingerprint(&[self.prod.clone(), self.home.clone()]);
        let changes = diff(&self.before, &after);
        assert!(changes.is_empty(), "protected paths changed: {changes:?}");
    }

    pub async fn call(&self, name: &str, args: Value) -> ToolCallOutcome {
        self.tools.call(name, &args).await
    }

    pub async fn expect(&self, name: &str, args: Value, mode: ToolMode) -> ToolCallOutcome {
        let o = self.call(name, args).await;
        assert_eq!(o.mode, mode, "{name}: unexpected mode; outcome: {o:#?}");
        o
    }

    pub fn ws_file(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.tools.workspace_dir().join(rel)).ok()
    }
}

pub fn recorded(name: &str, arguments: Value, result: Value) -> RecordedToolCall {
    RecordedToolCall {
        name: name.into(),
        toolset: None,
        arguments,
        result,
        started_at: None,
    }
}

pub fn tool(name: &str, annotations: Option<Value>) -> ToolSpec {
    let mut v = serde_json::json!({"name": name, "inputSchema": {"type": "object"}});
    if let Some(a) = annotations {
        v["annotations"] = a;
    }
    serde_json::from_value(v).unwrap()
}
