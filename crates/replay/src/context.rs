//! The **ContextBuilder** (SPEC §3.2): renders the system prompt of a Trial from the
//! per-locale templates embedded from `crates/replay/prompts/<locale>/*.j2`.
//!
//! Templates render with strict undefined: a variable a template names but the
//! builder does not pass is an error, never silently empty text. A locale that lacks
//! a template file falls back to the `en` file of the same name.

use minijinja::{Environment, UndefinedBehavior, Value, context, syntax::SyntaxConfig};
use serde::{Deserialize, Serialize};
use skillgate_core::{Locale, ToolSpec};
use std::borrow::Cow;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/prompt_files.rs"));

/// Name of the built-in tool the agent calls to read a skill's body
/// ([`SkillLoading::Progressive`]).
pub const LOAD_SKILL_TOOL: &str = "load_skill";

/// The skill an Arm gives a Trial: what the agent sees of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillContext {
    /// The skill's `name` (frontmatter).
    pub name: String,
    /// The skill's `description` (frontmatter): what it does and when to use it.
    pub description: String,
    /// The markdown body after the frontmatter.
    pub body: String,
}

/// How a skill's body reaches the agent (SPEC §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SkillLoading {
    /// Name and description in the prompt; the body when the agent calls `load_skill`.
    #[default]
    Progressive,
    /// Name, description and body in the prompt from the start.
    Always,
}

impl SkillLoading {
    /// `progressive` or `always`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillLoading::Progressive => "progressive",
            SkillLoading::Always => "always",
        }
    }
}

/// A prompt template failed to render.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PromptError {
    /// The template is missing, does not parse, or names an undefined variable.
    #[error(
        "prompt template {locale}/{template} failed: {message}; fix crates/replay/prompts/{locale}/{template} (variables available: {variables})"
    )]
    Template {
        /// Locale tag of the template.
        locale: String,
        /// File name of the template (`system.j2`, …).
        template: String,
        /// What minijinja reported, with line numbers where it knows them.
        message: String,
        /// The variables the builder passes to this template.
        variables: &'static str,
    },
}

/// Renders prompts from the embedded per-locale templates. Cheap to share: build it
/// once (or use [`ContextBuilder::shared`]) and render once per Trial.
pub struct ContextBuilder {
    env: Environment<'static>,
}

impl std::fmt::Debug for ContextBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextBuilder").finish_non_exhaustive()
    }
}

const SYSTEM_VARS: &str =
    "skill{name,description,body} or none, loading, tools[{name,description}], locale";
const SKILL_RESULT_VARS: &str = "name, description, body, locale";
const LOCALE_VARS: &str = "locale";

impl ContextBuilder {
    /// Builds the template environment: every embedded file under `<locale>/<file>`,
    /// `en` files standing in for any a locale lacks, strict undefined, includes
    /// resolved relative to the including template's locale folder.
    pub fn new() -> Result<ContextBuilder, PromptError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        if let Ok(syntax) = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        env.set_path_join_callback(|name, parent| match parent.split_once('/') {
            Some((locale, _)) if !name.contains('/') => Cow::Owned(format!("{locale}/{name}")),
            _ => Cow::Borrowed(name),
        });
        for locale in Locale::ALL {
            for file in template_files(Locale::En) {
                let source = template_source(locale, file)
                    .or_else(|| template_source(Locale::En, file))
                    .unwrap_or_default();
                env.add_template_owned(format!("{}/{file}", locale.tag()), source)
                    .map_err(|e| template_error(locale, file, &e, SYSTEM_VARS))?;
            }
            // Files a locale has beyond `en` are loaded too, so they are checked.
            for file in template_files(locale) {
                if template_source(Locale::En, file).is_none()
                    && let Some(source) = template_source(locale, file)
                {
                    env.add_template_owned(format!("{}/{file}", locale.tag()), source)
                        .map_err(|e| template_error(locale, file, &e, SYSTEM_VARS))?;
                }
            }
        }
        Ok(ContextBuilder { env })
    }

    /// A process-wide builder over the embedded templates, built on first use.
    pub fn shared() -> Result<&'static ContextBuilder, PromptError> {
        static SHARED: OnceLock<Result<ContextBuilder, PromptError>> = OnceLock::new();
        SHARED
            .get_or_init(ContextBuilder::new)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Renders the system prompt: agent role, the skill (name and description, plus
    /// the body when `loading` is [`SkillLoading::Always`]), the tool descriptions and
    /// the output-language instruction. `skill = None` renders no skill section (the
    /// baseline Arm of a new skill).
    pub fn system_prompt(
        &self,
        locale: Locale,
        skill: Option<&SkillContext>,
        loading: SkillLoading,
        tools: &[ToolSpec],
    ) -> Result<String, PromptError> {
        let skill_value = match skill {
            Some(s) => context! {
                name => s.name.as_str(),
                description => s.description.as_str(),
                body => s.body.as_str(),
            },
            None => Value::from(()),
        };
        let tools_value: Vec<Value> = tools
            .iter()
            .filter(|t| t.name != LOAD_SKILL_TOOL)
            .map(|t| {
                context! {
                    name => t.name.as_str(),
                    description => t.description.as_deref().unwrap_or("").trim(),
                }
            })
            .collect();
        let ctx = context! {
            skill => skill_value,
            loading => loading.as_str(),
            tools => tools_value,
            locale => locale.tag(),
        };
        self.render(locale, "system.j2", ctx, SYSTEM_VARS)
    }

    /// The output-language instruction for `locale` ("Answer in English." …).
    pub fn language_instruction(&self, locale: Locale) -> Result<String, PromptError> {
        let ctx = context! { locale => locale.tag() };
        self.render(locale, "language.j2", ctx, LOCALE_VARS)
    }

    /// The description of the built-in `load_skill` tool in `locale`.
    pub fn load_skill_description(&self, locale: Locale) -> Result<String, PromptError> {
        let ctx = context! { locale => locale.tag() };
        self.render(locale, "load_skill_tool.j2", ctx, LOCALE_VARS)
    }

    /// The text `load_skill` returns to the agent: the skill's body under its name.
    pub fn load_skill_result(
        &self,
        locale: Locale,
        skill: &SkillContext,
    ) -> Result<String, PromptError> {
        let ctx = context! {
            name => skill.name.as_str(),
            description => skill.description.as_str(),
            body => skill.body.as_str(),
            locale => locale.tag(),
        };
        self.render(locale, "load_skill_result.j2", ctx, SKILL_RESULT_VARS)
    }

    /// Renders `<locale>/<file>` with `ctx`.
    fn render(
        &self,
        locale: Locale,
        file: &str,
        ctx: Value,
        variables: &'static str,
    ) -> Result<String, PromptError> {
        let name = format!("{}/{file}", locale.tag());
        let template = self
            .env
            .get_template(&name)
            .map_err(|e| template_error(locale, file, &e, variables))?;
        template
            .render(ctx)
            .map(|s| s.trim().to_string())
            .map_err(|e| template_error(locale, file, &e, variables))
    }
}

fn template_error(
    locale: Locale,
    file: &str,
    e: &minijinja::Error,
    variables: &'static str,
) -> PromptError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    PromptError::Template {
        locale: locale.tag().to_string(),
        template: file.to_string(),
        message,
        variables,
    }
}

/// File names of the templates embedded for `locale` (without `en` fallbacks), sorted.
pub fn template_files(locale: Locale) -> Vec<&'static str> {
    PROMPT_FILES
        .iter()
        .filter(|(l, _, _)| *l == locale.tag())
        .map(|(_, f, _)| *f)
        .collect()
}

/// The embedded source of `<locale>/<file>`, if that locale defines it.
pub fn template_source(locale: Locale, file: &str) -> Option<&'static str> {
    PROMPT_FILES
        .iter()
        .find(|(l, f, _)| *l == locale.tag() && *f == file)
        .map(|(_, _, s)| *s)
}

/// Locale folders present under `prompts/` at build time (including any not in
/// [`Locale::ALL`]).
pub fn template_locales() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = PROMPT_FILES.iter().map(|(l, _, _)| *l).collect();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn skill() -> SkillContext {
        SkillContext {
            name: "pdf-report".into(),
            description: "Builds PDF reports from CSV files. Use when asked for a report.".into(),
            body: "# Steps\n1. Read the CSV.\n2. SECRET-BODY-MARKER".into(),
        }
    }

    fn tools() -> Vec<ToolSpec> {
        vec![ToolSpec {
            name: "read_file".into(),
            toolset: None,
            description: Some("Reads a file from the workspace.".into()),
            input_schema: Some(json!({"type": "object"})),
            annotations: None,
            policy: None,
        }]
    }

    #[test]
    fn language_instruction_is_localized_for_every_locale() {
        let b = ContextBuilder::new().unwrap();
        let expected = [
            (Locale::En, "Answer in English."),
            (Locale::ZhCn, "请用简体中文回答。"),
            (Locale::ZhTw, "請用繁體中文回答。"),
        ];
        for (locale, text) in expected {
            assert_eq!(b.language_instruction(locale).unwrap(), text);
            let prompt = b
                .system_prompt(locale, Some(&skill()), SkillLoading::Progressive, &tools())
                .unwrap();
            assert!(prompt.ends_with(text), "{locale}: {prompt}");
        }
    }

    #[test]
    fn every_locale_defines_the_same_template_files() {
        let en = template_files(Locale::En);
        assert!(en.contains(&"system.j2"), "{en:?}");
        assert_eq!(template_locales(), vec!["en", "zh-CN", "zh-TW"]);
        for locale in Locale::ALL {
            assert_eq!(template_files(locale), en, "{locale}");
        }
    }

    #[test]
    fn embedded_table_matches_prompt_folder_on_disk() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        for locale in Locale::ALL {
            let mut on_disk: Vec<String> = std::fs::read_dir(root.join(locale.tag()))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".j2"))
                .collect();
            on_disk.sort();
            assert_eq!(template_files(locale), on_disk, "{locale}");
        }
    }

    #[test]
    fn every_template_renders_under_strict_undefined() {
        let b = ContextBuilder::new().unwrap();
        for locale in Locale::ALL {
            for loading in [SkillLoading::Progressive, SkillLoading::Always] {
                b.system_prompt(locale, Some(&skill()), loading, &tools())
                    .unwrap();
                b.system_prompt(locale, None, loading, &[]).unwrap();
            }
            b.load_skill_description(locale).unwrap();
            b.load_skill_result(locale, &skill()).unwrap();
        }
    }

    #[test]
    fn strict_undefined_rejects_a_missing_variable() {
        let b = ContextBuilder::new().unwrap();
        // `skill.j2` needs `skill` and `loading`; render it with only `locale`.
        let err = b
            .render(
                Locale::ZhTw,
                "skill.j2",
                context! { locale => "zh-TW" },
                LOCALE_VARS,
            )
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("zh-TW/skill.j2"), "{text}");
        assert!(text.contains("undefined"), "{text}");
    }

    #[test]
    fn progressive_prompt_lists_skill_without_body() {
        let b = ContextBuilder::new().unwrap();
        for locale in Locale::ALL {
            let p = b
                .system_prompt(locale, Some(&skill()), SkillLoading::Progressive, &tools())
                .unwrap();
            assert!(p.contains("pdf-report"), "{p}");
            assert!(p.contains("Builds PDF reports"), "{p}");
            assert!(p.contains("load_skill"), "{p}");
            assert!(!p.contains("SECRET-BODY-MARKER"), "{p}");
        }
    }

    #[test]
    fn always_prompt_injects_skill_body() {
        let b = ContextBuilder::new().unwrap();
        for locale in Locale::ALL {
            let p = b
                .system_prompt(locale, Some(&skill()), SkillLoading::Always, &tools())
                .unwrap();
            assert!(p.contains("SECRET-BODY-MARKER"), "{p}");
            assert!(!p.contains("load_skill"), "{p}");
        }
    }

    #[test]
    fn prompt_without_skill_has_no_skill_section() {
        let b = ContextBuilder::new().unwrap();
        let p = b
            .system_prompt(Locale::En, None, SkillLoading::Progressive, &tools())
            .unwrap();
        assert!(!p.contains("## Skills"), "{p}");
        assert!(!p.contains("load_skill"), "{p}");
        assert!(
            p.contains("- read_file: Reads a file from the workspace."),
            "{p}"
        );
    }

    #[test]
    fn load_skill_result_carries_the_body_in_locale() {
        let b = ContextBuilder::new().unwrap();
        let r = b.load_skill_result(Locale::ZhCn, &skill()).unwrap();
        assert!(r.starts_with("# 技能：pdf-report"), "{r}");
        assert!(r.contains("SECRET-BODY-MARKER"), "{r}");
    }
}
