//! The tool safety policy of SPEC §4: every tool a replay may call is
//! classified as [`ToolMode::Executed`], [`ToolMode::Surrogate`] or
//! [`ToolMode::Blocked`], with the rule that decided and a reason a reviewer
//! can read. Pure code: no IO, no clock, no randomness.
//!
//! Order of the rules (see `docs/tool-policy.md`):
//!
//! 1. a rule of the operator's policy file ([`Policy::from_toml`]);
//! 2. the `policy` set on the tool entry itself;
//! 3. MCP annotations and the verbs of the name and toolset, the stricter wins
//!    (an annotation never loosens a verb rule);
//! 4. the verbs of the description and title, and code-carrying properties of
//!    the input schema (`sql`, `command`, `script`), which only make it stricter;
//! 5. the default, `surrogate`.
//!
//! Only a policy rule that names a tool exactly may make a tool executed when
//! the tool's own signals say it must not run.

mod file;
mod glob;
mod lexicon;
mod tools;
mod words;

use crate::types::{ToolAnnotations, ToolMode, ToolSpec};
use lexicon::{Class, Kind};
use serde::{Deserialize, Serialize};
use words::{Hit, Source};

pub use tools::{parse_tool_list, parse_tool_list_in};

/// How a tool is handled in replay, which rule decided, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// `executed`, `surrogate` or `blocked`.
    pub mode: ToolMode,
    /// Stable id of the deciding rule: `policy:name`, `policy:glob`,
    /// `policy:toolset`, `entry:policy`, `annotation:read-only`,
    /// `annotation:destructive`, `annotation:open-world`,
    /// `annotation:closed-world`, `verb:read`, `verb:compute`, `verb:write`,
    /// `verb:execute`, `verb:send`, `verb:delete`, `verb:permission`,
    /// `verb:credential`, `verb:payment`, `schema:execute` or `default`.
    pub rule: String,
    /// One English sentence naming the evidence and the consequence.
    pub reason: String,
}

/// Errors reading a policy file or a tool list. Each names the rule, key,
/// entry or position at fault and says what would fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The policy file is not valid TOML.
    #[error("policy file is not valid TOML at line {line}, column {column}: {message}")]
    Toml {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A top-level key the policy file does not know.
    #[error(
        "policy file: unknown top-level key `{key}`; expected `allowed_hosts`, `workspace_toolsets` or `[[rule]]` tables{hint}"
    )]
    UnknownKey {
        /// The key as written.
        key: String,
        /// A suggestion, starting with `; ` (or empty).
        hint: String,
    },
    /// A top-level key with the wrong type.
    #[error("policy file: `{key}` must be {expected}, not {found}")]
    KeyType {
        /// The key.
        key: String,
        /// What it must be.
        expected: &'static str,
        /// What it is.
        found: &'static str,
    },
    /// A `[[rule]]` table is wrong.
    #[error("policy file: rule {index} (the {index}. [[rule]] table), key `{key}`: {message}")]
    Rule {
        /// 1-based position of the rule in the file.
        index: usize,
        /// The key at fault.
        key: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An entry of `allowed_hosts` or `workspace_toolsets` is wrong.
    #[error("policy file: `{key}` entry {index} (\"{value}\"): {message}")]
    ListEntry {
        /// `allowed_hosts` or `workspace_toolsets`.
        key: &'static str,
        /// 1-based position in the list.
        index: usize,
        /// The entry as written.
        value: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The tool list is not valid JSON.
    #[error("tool list is not valid JSON at line {line}, column {column}: {message}")]
    ToolListJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The tool list has the wrong shape.
    #[error(
        "tool list: expected a JSON array of tools, an MCP tools/list result {{\"tools\": [...]}} or a JSON-RPC response {{\"result\": {{\"tools\": [...]}}}}; {found}"
    )]
    ToolListShape {
        /// What was found instead.
        found: String,
    },
    /// One tool entry is invalid.
    #[error("tool list: entry {index} (tool `{name}`): {message}")]
    ToolEntry {
        /// 1-based position in the list.
        index: usize,
        /// The tool's name, or `?` when it has none.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The same tool (name and toolset) appears twice.
    #[error(
        "tool list: tool `{name}`{toolset_note} appears twice (entries {first} and {second}); remove one"
    )]
    DuplicateTool {
        /// Tool name.
        name: String,
        /// ` in toolset `x`` or empty.
        toolset_note: String,
        /// 1-based position of the first entry.
        first: usize,
        /// 1-based position of the second entry.
        second: usize,
    },
}

/// One `[[rule]]` of a policy file: which tools it matches and the mode it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    /// 1-based position in the policy file (used in reasons and errors).
    pub index: usize,
    /// Tool name: exact, or a glob with `*` / `?`.
    pub name: Option<String>,
    /// Toolset: exact, or a glob with `*` / `?`.
    pub toolset: Option<String>,
    /// The mode the rule sets.
    pub mode: ToolMode,
    /// The operator's note, shown in reasons.
    pub note: Option<String>,
}

impl PolicyRule {
    /// Whether the rule names one tool exactly (no wildcard in `name`).
    pub fn is_exact_name(&self) -> bool {
        self.name.as_deref().is_some_and(|n| !glob::is_glob(n))
    }

    /// `policy:name`, `policy:glob` or `policy:toolset`.
    pub fn rule_id(&self) -> &'static str {
        match &self.name {
            Some(n) if glob::is_glob(n) => "policy:glob",
            Some(_) => "policy:name",
            None => "policy:toolset",
        }
    }

    /// Whether the rule applies to `tool`.
    pub fn matches(&self, tool: &ToolSpec) -> bool {
        let name_ok = self
            .name
            .as_deref()
            .is_none_or(|p| glob::matches(p, &tool.name));
        let toolset_ok = match (&self.toolset, &tool.toolset) {
            (None, _) => true,
            (Some(p), Some(t)) => glob::matches(p, t),
            (Some(_), None) => false,
        };
        name_ok && toolset_ok
    }

    /// Higher is more specific: exact name > glob name > toolset only; a
    /// toolset narrows a name rule.
    fn specificity(&self) -> u8 {
        let name = match &self.name {
            Some(n) if glob::is_glob(n) => 1,
            Some(_) => 2,
            None => 0,
        };
        name * 2 + u8::from(self.toolset.is_some())
    }

    /// `policy rule 3 (name = "send_*", toolset = "gmail"; note: "…")`.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = &self.name {
            parts.push(format!("name = \"{n}\""));
        }
        if let Some(t) = &self.toolset {
            parts.push(format!("toolset = \"{t}\""));
        }
        let note = self
            .note
            .as_deref()
            .map(|n| format!("; note: \"{n}\""))
            .unwrap_or_default();
        format!("policy rule {} ({}{note})", self.index, parts.join(", "))
    }
}

/// The operator's tool policy: rules, allow-listed hosts and the toolsets
/// whose effects the tools layer confines to the replay workspace.
/// `Policy::default()` has no rules, no hosts and no workspace toolsets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    rules: Vec<PolicyRule>,
    allowed_hosts: Vec<String>,
    workspace_toolsets: Vec<String>,
}

impl Policy {
    /// Parses a policy file (format in `docs/tool-policy.md`). Errors name the
    /// rule index or key at fault.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        file::from_toml(text)
    }

    /// Reads a policy from an already parsed TOML table (for a `[policy]`
    /// section embedded in another file).
    pub fn from_table(table: &toml::Table) -> Result<Policy, PolicyError> {
        file::from_table(table)
    }

    /// Builds a policy from parts, validating them as [`Policy::from_toml`] does.
    pub fn new(
        rules: Vec<PolicyRule>,
        allowed_hosts: Vec<String>,
        workspace_toolsets: Vec<String>,
    ) -> Result<Policy, PolicyError> {
        file::validate(rules, allowed_hosts, workspace_toolsets)
    }

    /// The rules in file order.
    pub fn rules(&self) -> &[PolicyRule] {
        &self.rules
    }

    /// Hosts executed tools may reach: exact (`api.github.com`) or a
    /// subdomain wildcard (`*.example.com`), lowercase.
    pub fn allowed_hosts(&self) -> &[String] {
        &self.allowed_hosts
    }

    /// Whether `host` is allow-listed: equal to an entry (case-insensitive,
    /// trailing dot ignored) or a subdomain of a `*.` entry. `*.example.com`
    /// does not match `example.com` itself.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() || host.contains(['/', '@', ' ', '*']) {
            return false;
        }
        self.allowed_hosts
            .iter()
            .any(|entry| match entry.strip_prefix("*.") {
                Some(suffix) => host
                    .strip_suffix(suffix)
                    .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
                None => *entry == host,
            })
    }

    /// Toolset patterns whose tools the tools layer runs inside the sandbox
    /// against the replay workspace copy, so their writes may be executed.
    pub fn workspace_toolsets(&self) -> &[String] {
        &self.workspace_toolsets
    }

    /// Whether a tool of `toolset` is confined to the replay workspace.
    pub fn is_workspace_toolset(&self, toolset: Option<&str>) -> bool {
        toolset.is_some_and(|t| self.workspace_toolsets.iter().any(|p| glob::matches(p, t)))
    }

    /// The most specific rule matching `tool` (ties: the earlier rule).
    pub fn matching_rule(&self, tool: &ToolSpec) -> Option<&PolicyRule> {
        let mut best: Option<&PolicyRule> = None;
        for rule in self.rules.iter().filter(|r| r.matches(tool)) {
            if best.is_none_or(|b| rule.specificity() > b.specificity()) {
                best = Some(rule);
            }
        }
        best
    }
}

/// Classifies one tool under `policy` (SPEC §4).
pub fn classify(tool: &ToolSpec, policy: &Policy) -> Classification {
    let own = own_signals(tool, policy);
    if let Some(rule) = policy.matching_rule(tool) {
        return override_with(
            rule.mode,
            rule.rule_id(),
            &rule.describe(),
            rule.is_exact_name(),
            own,
        );
    }
    if let Some(mode) = tool.policy {
        return override_with(mode, "entry:policy", "the tool entry's policy", false, own);
    }
    own
}

/// Applies an explicit mode over the tool's own classification. A rule that
/// names the tool exactly may set any mode; any other may tighten, may
/// loosen to surrogate, and may make executed only a tool nothing speaks
/// against (decided by `default`).
fn override_with(
    mode: ToolMode,
    rule_id: &str,
    source: &str,
    exact: bool,
    own: Classification,
) -> Classification {
    let loosens = mode < own.mode;
    if loosens && !exact && mode == ToolMode::Executed && own.rule != "default" {
        let hint = if own.mode == ToolMode::Surrogate && is_local_effect(&own.rule) {
            ", or list its toolset in workspace_toolsets if its effects stay in the replay workspace"
        } else {
            ""
        };
        return Classification {
            mode: own.mode,
            reason: format!(
                "{}; {source} asks for executed, but only a rule naming the tool exactly may run a tool that `{}` keeps from running{hint}",
                own.reason.trim_end_matches('.'),
                own.rule
            ),
            rule: own.rule,
        };
    }
    let reason = if loosens {
        format!(
            "{source} sets {mode}, overriding `{}` ({}) by the operator's explicit decision",
            own.rule, own.mode
        )
    } else {
        format!("{source} sets {mode}")
    };
    Classification {
        mode,
        rule: rule_id.to_string(),
        reason,
    }
}

/// Whether a rule decides by a local effect that a workspace toolset would
/// let run (a write, code, or a closed-world annotation).
fn is_local_effect(rule: &str) -> bool {
    matches!(
        rule,
        "verb:write" | "verb:execute" | "schema:execute" | "annotation:closed-world"
    )
}

/// A candidate decision of one signal.
struct Candidate {
    mode: ToolMode,
    rule: String,
    reason: String,
}

/// The tool's own classification: annotations, verbs, default.
fn own_signals(tool: &ToolSpec, policy: &Policy) -> Classification {
    let toolset = tool.toolset.as_deref();
    let isolated = policy.is_workspace_toolset(toolset);

    let annotation = tool
        .annotations
        .as_ref()
        .and_then(|a| from_annotations(a, isolated, toolset));

    let name_hits = words::scan(&tool.name, Source::Name);
    let name = words::count(&name_hits, Source::Name);
    let name_candidate = strictest_hit(&name.hits, Source::Name, isolated, toolset);
    let toolset_candidate = toolset.and_then(|t| {
        let hits = words::count_context(&words::scan(t, Source::Toolset), name.main.as_ref());
        strictest_hit(&hits, Source::Toolset, isolated, toolset)
    });

    // Annotations and name/toolset verbs: the stricter wins; on a tie the
    // earlier signal in the order of SPEC §4 names the rule.
    let mut base: Option<Candidate> = None;
    for c in [
        annotation.as_ref(),
        name_candidate.as_ref(),
        toolset_candidate.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if base.as_ref().is_none_or(|b| c.mode > b.mode) {
            base = Some(Candidate {
                mode: c.mode,
                rule: c.rule.clone(),
                reason: c.reason.clone(),
            });
        }
    }
    let mut decided = base.unwrap_or_else(|| Candidate {
        mode: ToolMode::Surrogate,
        rule: "default".to_string(),
        reason: "no policy rule, annotation or known verb decides, so this unknown tool is simulated (surrogate)"
            .to_string(),
    });

    // An annotation that would have been looser is named, so a reviewer sees
    // it was overruled.
    if let Some(a) = &annotation
        && a.mode < decided.mode
        && decided.rule.starts_with("verb:")
    {
        decided.reason = format!(
            "{}; the annotation ({}) cannot loosen a verb rule",
            decided.reason,
            a.rule.trim_start_matches("annotation:")
        );
    }

    // Descriptions and titles are noisier: they may only tighten.
    let prose = [
        (tool.description.as_deref(), Source::Description),
        (
            tool.annotations.as_ref().and_then(|a| a.title.as_deref()),
            Source::Title,
        ),
    ];
    for (text, source) in prose {
        let Some(text) = text else { continue };
        let sentence = words::first_sentence(text);
        let counted = words::count(&words::scan(sentence, source), source);
        if let Some(c) = strictest_hit(&counted.hits, source, isolated, toolset)
            && c.mode > decided.mode
        {
            decided = Candidate {
                reason: format!(
                    "{}, stricter than the name and annotations alone ({} by `{}`)",
                    c.reason, decided.mode, decided.rule
                ),
                mode: c.mode,
                rule: c.rule,
            };
        }
    }

    // A schema that takes code or commands is code execution, whatever the
    // name says; like prose it only tightens.
    if let Some(c) = tool
        .input_schema
        .as_ref()
        .and_then(|s| from_schema(s, isolated, toolset))
        && c.mode > decided.mode
    {
        decided = Candidate {
            reason: format!(
                "{}, stricter than the name and annotations alone ({} by `{}`)",
                c.reason, decided.mode, decided.rule
            ),
            mode: c.mode,
            rule: c.rule,
        };
    }

    Classification {
        mode: decided.mode,
        rule: decided.rule,
        reason: decided.reason,
    }
}

/// The decision an input schema makes: a top-level property that carries
/// code or commands (`sql`, `command`, `script` …) means code execution.
fn from_schema(
    schema: &serde_json::Value,
    isolated: bool,
    toolset: Option<&str>,
) -> Option<Candidate> {
    let property = schema
        .get("properties")?
        .as_object()?
        .keys()
        .find(|k| lexicon::is_code_argument(k))?;
    let mode = class_mode(Class::Execute, isolated);
    let consequence = if isolated {
        format!(
            "{} is a workspace toolset, so it runs in the sandbox against the workspace copy",
            toolset_phrase(toolset)
        )
    } else {
        format!(
            "code and commands run only inside the replay workspace, and {} is not in workspace_toolsets, so it is simulated (surrogate)",
            toolset_phrase(toolset)
        )
    };
    Some(Candidate {
        mode,
        rule: "schema:execute".to_string(),
        reason: format!("the input schema takes a '{property}' argument to run: {consequence}"),
    })
}

/// The decision MCP annotations make on their own, if they say anything
/// about writes (`readOnlyHint` or `destructiveHint` present).
fn from_annotations(
    a: &ToolAnnotations,
    isolated: bool,
    toolset: Option<&str>,
) -> Option<Candidate> {
    if a.read_only_hint.is_none() && a.destructive_hint.is_none() {
        return None;
    }
    let destructive = a.destructive_hint == Some(true);
    let open_world = a.open_world_hint != Some(false);
    let (mode, rule, reason) = if a.read_only_hint == Some(true) && !destructive {
        (
            ToolMode::Executed,
            "annotation:read-only",
            "the server declares readOnlyHint=true, so this read is executed".to_string(),
        )
    } else if destructive && open_world {
        (
            ToolMode::Blocked,
            "annotation:destructive",
            "the server declares destructiveHint=true and the tool may reach an open world (openWorldHint is not false): destructive updates outside the replay workspace are blocked".to_string(),
        )
    } else if !open_world {
        if isolated {
            (
                ToolMode::Executed,
                "annotation:closed-world",
                format!(
                    "the server declares a local write (readOnlyHint is not true, openWorldHint=false) and {} is a workspace toolset, so it runs in the sandbox against the replay workspace copy",
                    toolset_phrase(toolset)
                ),
            )
        } else {
            (
                ToolMode::Surrogate,
                "annotation:closed-world",
                format!(
                    "the server declares a local write (readOnlyHint is not true, openWorldHint=false) but {} is not in workspace_toolsets, so the write is simulated (surrogate)",
                    toolset_phrase(toolset)
                ),
            )
        }
    } else {
        (
            ToolMode::Surrogate,
            "annotation:open-world",
            "the server declares readOnlyHint=false and the tool may reach an open world (openWorldHint is not false), so its side effects are simulated (surrogate)".to_string(),
        )
    };
    Some(Candidate {
        mode,
        rule: rule.to_string(),
        reason,
    })
}

/// `toolset 'filesystem'` or `its toolset (none given)`.
fn toolset_phrase(toolset: Option<&str>) -> String {
    match toolset {
        Some(t) => format!("toolset '{t}'"),
        None => "its toolset (none given)".to_string(),
    }
}

/// The mode words of a class give.
fn class_mode(class: Class, isolated: bool) -> ToolMode {
    match class {
        Class::Read | Class::Compute => ToolMode::Executed,
        Class::Write | Class::Execute if isolated => ToolMode::Executed,
        Class::Write | Class::Execute | Class::Send => ToolMode::Surrogate,
        Class::Delete | Class::Permission | Class::Credential | Class::Payment => ToolMode::Blocked,
    }
}

/// The strictest of the counted words of one source, as a candidate (ties:
/// the earlier word).
fn strictest_hit(
    hits: &[Hit],
    source: Source,
    isolated: bool,
    toolset: Option<&str>,
) -> Option<Candidate> {
    let mut best: Option<&Hit> = None;
    for h in hits {
        if best.is_none_or(|b| class_mode(h.class, isolated) > class_mode(b.class, isolated)) {
            best = Some(h);
        }
    }
    let hit = best?;
    let what = if hit.kind == Kind::Noun {
        "mentions"
    } else {
        "contains the verb"
    };
    let consequence = match hit.class {
        Class::Read => {
            "reads are executed (web reads are served from recordings or allow-listed hosts)"
                .to_string()
        }
        Class::Compute => "computations without side effects are executed".to_string(),
        Class::Write | Class::Execute => {
            let act = if hit.class == Class::Write {
                "writes"
            } else {
                "code and commands"
            };
            if isolated {
                format!(
                    "{act} run only inside the replay workspace, and {} is a workspace toolset, so it runs in the sandbox against the workspace copy",
                    toolset_phrase(toolset)
                )
            } else {
                format!(
                    "{act} run only inside the replay workspace, and {} is not in workspace_toolsets, so it is simulated (surrogate)",
                    toolset_phrase(toolset)
                )
            }
        }
        Class::Send => {
            "external side effects (send, post, publish, reply, invite, share) are simulated (surrogate), never executed".to_string()
        }
        Class::Delete => "destructive actions are blocked in replay".to_string(),
        Class::Permission => "permission changes are blocked in replay".to_string(),
        Class::Credential => {
            "credentials, secrets and tokens are never touched in replay, not even read"
                .to_string()
        }
        Class::Payment => "payments, transfers and refunds are blocked in replay".to_string(),
    };
    Some(Candidate {
        mode: class_mode(hit.class, isolated),
        rule: hit.class.rule_id().to_string(),
        reason: format!("{} {what} {}: {consequence}", source.label(), hit.quoted()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str) -> ToolSpec {
        ToolSpec {
            name: name.to_string(),
            toolset: None,
            description: None,
            input_schema: None,
            annotations: None,
            policy: None,
        }
    }

    #[test]
    fn unknown_tool_defaults_to_surrogate() {
        let c = classify(&tool("frobnicate"), &Policy::default());
        assert_eq!((c.mode, c.rule.as_str()), (ToolMode::Surrogate, "default"));
    }

    #[test]
    fn reason_names_the_verb_and_the_consequence() {
        let c = classify(&tool("delete_email"), &Policy::default());
        assert_eq!(
            c.reason,
            "name contains the verb 'delete': destructive actions are blocked in replay"
        );
    }

    #[test]
    fn specificity_prefers_exact_name_over_glob_over_toolset() {
        let policy = Policy::from_toml(
            r#"
            [[rule]]
            toolset = "mail"
            mode = "blocked"
            [[rule]]
            name = "send_*"
            mode = "surrogate"
            [[rule]]
            name = "send_test"
            mode = "executed"
            "#,
        )
        .unwrap();
        let mut t = tool("send_test");
        t.toolset = Some("mail".into());
        assert_eq!(policy.matching_rule(&t).map(|r| r.index), Some(3));
        t.name = "send_other".into();
        assert_eq!(policy.matching_rule(&t).map(|r| r.index), Some(2));
        t.name = "read_other".into();
        assert_eq!(policy.matching_rule(&t).map(|r| r.index), Some(1));
    }
}
