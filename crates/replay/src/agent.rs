//! The agent loop of one **Trial** (SPEC §3.2): prompt → provider → tool calls through
//! the tool layer → results back → … until a final answer or a limit.

use crate::context::{ContextBuilder, LOAD_SKILL_TOOL, SkillContext, SkillLoading};
use crate::executor::{ToolExecutor, ToolOutcome};
use crate::schema::check_arguments;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use skillgate_core::{Locale, ToolMode, ToolSpec};
use skillgate_providers::{ChatMessage, ChatRequest, Provider, ToolCall, ToolDef};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Everything a Trial needs besides the provider and the tool layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialInput {
    /// The task the user gave the agent (the Run's `task`).
    pub task: String,
    /// The prompt locale: which templates render the system prompt.
    pub locale: Locale,
    /// The Arm's skill; `None` for the baseline of a new skill.
    pub skill: Option<SkillContext>,
    /// How the skill body reaches the agent.
    pub loading: SkillLoading,
    /// Seed passed to the provider (where it supports one).
    pub seed: u64,
    /// Sampling temperature.
    pub temperature: f32,
}

/// When a Trial stops without a final answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialLimits {
    /// Most provider requests per Trial (default 20).
    pub max_steps: u32,
    /// Wall-time limit for the whole Trial (default 300 s).
    #[serde(with = "duration_ms")]
    pub wall_time: Duration,
    /// Stop before the next request once input + output tokens reach this.
    pub token_budget: Option<u64>,
    /// `max_tokens` sent with each request.
    pub max_output_tokens: Option<u32>,
}

impl Default for TrialLimits {
    fn default() -> Self {
        TrialLimits {
            max_steps: 20,
            wall_time: Duration::from_secs(300),
            token_budget: None,
            max_output_tokens: None,
        }
    }
}

mod duration_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// Why a Trial stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// The agent answered without calling a tool.
    FinalAnswer,
    /// `max_steps` requests were made and the agent still called tools.
    StepLimit,
    /// The wall-time limit ran out.
    TimeLimit,
    /// The token budget was spent.
    TokenBudget,
    /// The provider failed after its retries.
    ProviderError {
        /// The provider's error, naming the provider and the fix.
        message: String,
        /// True when the provider could not be reached at all (the eval becomes
        /// `skipped_provider_unavailable`).
        unavailable: bool,
    },
    /// The harness itself failed before the first request (e.g. a prompt template).
    HarnessError {
        /// What failed.
        message: String,
    },
}

impl StopReason {
    /// `final_answer`, `step_limit`, `time_limit`, `token_budget`, `provider_error`
    /// or `harness_error`.
    pub fn as_str(&self) -> &'static str {
        match self {
            StopReason::FinalAnswer => "final_answer",
            StopReason::StepLimit => "step_limit",
            StopReason::TimeLimit => "time_limit",
            StopReason::TokenBudget => "token_budget",
            StopReason::ProviderError { .. } => "provider_error",
            StopReason::HarnessError { .. } => "harness_error",
        }
    }

    /// True for provider and harness errors (the Trial errored rather than ended).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            StopReason::ProviderError { .. } | StopReason::HarnessError { .. }
        )
    }

    /// True when the provider could not be reached.
    pub fn is_provider_unavailable(&self) -> bool {
        matches!(
            self,
            StopReason::ProviderError {
                unavailable: true,
                ..
            }
        )
    }
}

/// A tool call as it appears in an assistant message of the transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptToolCall {
    /// The provider's call id.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments exactly as the model sent them (raw JSON text, maybe malformed).
    pub arguments: String,
}

/// One message of a Trial's conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum TranscriptMessage {
    /// The rendered system prompt.
    System {
        /// Prompt text.
        content: String,
    },
    /// The task.
    User {
        /// Task text.
        content: String,
    },
    /// A model turn: text, tool calls, or both.
    Assistant {
        /// Text, if any.
        #[serde(default)]
        content: Option<String>,
        /// Tool calls, if any.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<TranscriptToolCall>,
    },
    /// A tool result sent back to the model.
    Tool {
        /// The call it answers.
        tool_call_id: String,
        /// Tool name.
        name: String,
        /// Result text as the model saw it.
        content: String,
        /// Whether it was an error.
        is_error: bool,
    },
}

/// One provider request of a Trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// 1-based step number.
    pub step: u32,
    /// Prompt tokens the provider reported.
    pub input_tokens: u64,
    /// Completion tokens the provider reported.
    pub output_tokens: u64,
    /// Provider latency including retries.
    pub latency_ms: u64,
    /// HTTP attempts the provider made (1 = no retry).
    pub attempts: u32,
    /// Time spent waiting for a provider concurrency slot.
    #[serde(default)]
    pub queued_ms: u64,
    /// The provider's stop/finish reason.
    pub provider_stop_reason: Option<String>,
    /// Tool calls the model made in this step.
    pub tool_calls: u32,
}

/// How the loop handled a tool call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolCallKind {
    /// Dispatched to the tool layer (see `mode`).
    Dispatched,
    /// The built-in `load_skill` tool, answered by the loop.
    Builtin,
    /// Rejected by the loop before the tool layer (bad JSON, unknown tool, schema).
    Rejected,
}

/// One tool call of a Trial with everything the CaseReport shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallRecord {
    /// Step whose response made the call.
    pub step: u32,
    /// The provider's call id.
    pub id: String,
    /// Tool name as the model called it.
    pub name: String,
    /// Parsed arguments, or the raw text as a JSON string when it did not parse.
    pub arguments: Value,
    /// How the loop handled it.
    pub kind: ToolCallKind,
    /// executed / surrogate / blocked; `None` unless dispatched to the tool layer.
    pub mode: Option<ToolMode>,
    /// Policy rule that decided the mode.
    pub rule: Option<String>,
    /// Classification reason in words (or why the loop rejected the call).
    pub reason: String,
    /// What the model got back.
    pub result: Value,
    /// Whether the result is an error.
    pub is_error: bool,
    /// Side effect a surrogate call would have had.
    pub side_effect: Option<String>,
    /// Tool-layer time (0 for built-in and rejected calls).
    pub duration_ms: u64,
    /// Loop-level error (rejection reason or time limit), if any.
    pub error: Option<String>,
}

/// Sums over a Trial.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrialTotals {
    /// Provider requests made.
    pub steps: u32,
    /// Tool calls the model made (all kinds).
    pub tool_calls: u32,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// Wall time of the whole Trial.
    pub wall_ms: u64,
    /// Time inside provider requests.
    pub provider_us: u64,
    /// Time inside the tool layer.
    pub tools_us: u64,
    /// Wall time outside provider requests and tool calls: the harness's own cost.
    pub harness_us: u64,
}

/// Everything one Trial did, for the CaseReport and the graders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialTranscript {
    /// Prompt locale.
    pub locale: Locale,
    /// Skill loading mode.
    pub loading: SkillLoading,
    /// Name of the Arm's skill, if any.
    pub skill_name: Option<String>,
    /// Seed sent to the provider.
    pub seed: u64,
    /// Temperature sent to the provider.
    pub temperature: f32,
    /// The conversation: system prompt, task, model turns, tool results.
    pub messages: Vec<TranscriptMessage>,
    /// One record per provider request, with its token usage.
    pub steps: Vec<StepRecord>,
    /// Every tool call with its mode, rule, reason, result and timing.
    pub tool_calls: Vec<ToolCallRecord>,
    /// Errors seen during the Trial, in order (rejected calls, tool errors, provider).
    pub errors: Vec<String>,
    /// Whether the skill body reached the agent (always mode, or a `load_skill` call).
    pub skill_loaded: bool,
    /// The agent's final answer, when it gave one.
    pub final_answer: Option<String>,
    /// Why the Trial stopped.
    pub stop: StopReason,
    /// Sums.
    pub totals: TrialTotals,
}

/// Runs one Trial with the process-wide [`ContextBuilder`].
pub async fn run_trial<T: ToolExecutor>(
    provider: &Provider,
    tools: &T,
    input: &TrialInput,
    limits: &TrialLimits,
) -> TrialTranscript {
    match ContextBuilder::shared() {
        Ok(builder) => run_trial_with(builder, provider, tools, input, limits).await,
        Err(e) => harness_error(input, e.to_string(), Instant::now()),
    }
}

/// Runs one Trial: renders the system prompt once, then loops provider request →
/// tool calls → results until a final answer or a limit in `limits`. Never panics
/// and never returns early without a transcript: every failure is a [`StopReason`].
pub async fn run_trial_with<T: ToolExecutor>(
    builder: &ContextBuilder,
    provider: &Provider,
    tools: &T,
    input: &TrialInput,
    limits: &TrialLimits,
) -> TrialTranscript {
    let started = Instant::now();
    // A wall time too large for `Instant` means "no limit" in practice: cap it at a year.
    let deadline = started
        .checked_add(limits.wall_time)
        .unwrap_or_else(|| started + Duration::from_secs(365 * 24 * 3600));
    let specs = tools.specs();
    let system =
        match builder.system_prompt(input.locale, input.skill.as_ref(), input.loading, &specs) {
            Ok(s) => s,
            Err(e) => return harness_error(input, e.to_string(), started),
        };
    let progressive_skill = match (&input.skill, input.loading) {
        (Some(skill), SkillLoading::Progressive) => Some(skill),
        _ => None,
    };
    let mut defs: Vec<ToolDef> = specs
        .iter()
        .filter(|s| s.name != LOAD_SKILL_TOOL || progressive_skill.is_none())
        .map(|s| ToolDef {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            parameters: s
                .input_schema
                .clone()
                .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
        })
        .collect();
    let mut load_skill_text = None;
    if let Some(skill) = progressive_skill {
        let described = builder.load_skill_description(input.locale);
        let result = builder.load_skill_result(input.locale, skill);
        match (described, result) {
            (Ok(description), Ok(result)) => {
                defs.push(ToolDef {
                    name: LOAD_SKILL_TOOL.to_string(),
                    description,
                    parameters: load_skill_schema(),
                });
                load_skill_text = Some(result);
            }
            (Err(e), _) | (_, Err(e)) => return harness_error(input, e.to_string(), started),
        }
    }
    let index: HashMap<&str, &ToolSpec> = specs.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut state = LoopState {
        transcript: empty_transcript(input),
        provider_time: Duration::ZERO,
        tools_time: Duration::ZERO,
    };
    state.transcript.skill_loaded = input.skill.is_some() && input.loading == SkillLoading::Always;
    let mut request = ChatRequest {
        system,
        messages: vec![ChatMessage::User {
            text: input.task.clone(),
        }],
        tools: defs,
        temperature: Some(input.temperature),
        max_tokens: limits.max_output_tokens,
        seed: Some(input.seed),
    };
    let ctx = DispatchCtx {
        tools,
        index: &index,
        skill: progressive_skill,
        load_skill_text: load_skill_text.as_deref(),
        available: available_names(&request.tools),
    };

    let stop = loop {
        let t = &mut state.transcript;
        if t.totals.steps >= limits.max_steps {
            break StopReason::StepLimit;
        }
        if let Some(budget) = limits.token_budget
            && t.totals.input_tokens + t.totals.output_tokens >= budget
        {
            break StopReason::TokenBudget;
        }
        let Some(remaining) = deadline.checked_duration_since(Instant::now()) else {
            break StopReason::TimeLimit;
        };
        let t0 = Instant::now();
        let answer = tokio::time::timeout(remaining, provider.chat(&request)).await;
        state.provider_time += t0.elapsed();
        let t = &mut state.transcript;
        t.totals.steps += 1;
        let step = t.totals.steps;
        let response = match answer {
            Err(_) => {
                t.errors.push(format!(
                    "step {step}: provider request cut off by the trial wall-time limit ({} ms)",
                    limits.wall_time.as_millis()
                ));
                break StopReason::TimeLimit;
            }
            Ok(Err(e)) => {
                let message = e.to_string();
                t.errors.push(format!("step {step}: {message}"));
                break StopReason::ProviderError {
                    message,
                    unavailable: e.is_unavailable(),
                };
            }
            Ok(Ok(r)) => r,
        };
        let input_tokens = response.usage.input_tokens;
        let output_tokens = response.usage.output_tokens;
        t.totals.input_tokens += input_tokens;
        t.totals.output_tokens += output_tokens;
        t.steps.push(StepRecord {
            step,
            input_tokens,
            output_tokens,
            latency_ms: response.latency_ms,
            attempts: response.attempts,
            queued_ms: response.queued_ms,
            provider_stop_reason: response.stop_reason.clone(),
            tool_calls: u32::try_from(response.tool_calls.len()).unwrap_or(u32::MAX),
        });
        if response.tool_calls.is_empty() {
            t.final_answer = Some(response.text.clone().unwrap_or_default());
            request.messages.push(ChatMessage::Assistant {
                text: response.text,
                tool_calls: Vec::new(),
            });
            break StopReason::FinalAnswer;
        }
        let mut results = Vec::with_capacity(response.tool_calls.len());
        let mut timed_out = false;
        for call in &response.tool_calls {
            let message = ctx.dispatch(call, step, deadline, &mut state).await;
            timed_out |= message.is_none();
            if let Some(m) = message {
                results.push(m);
            }
        }
        request.messages.push(ChatMessage::Assistant {
            text: response.text,
            tool_calls: response.tool_calls,
        });
        request.messages.extend(results);
        if timed_out {
            break StopReason::TimeLimit;
        }
    };

    let mut t = state.transcript;
    t.stop = stop;
    t.messages.reserve(request.messages.len() + 1);
    t.messages.push(TranscriptMessage::System {
        content: request.system,
    });
    t.messages
        .extend(request.messages.into_iter().map(to_transcript));
    let wall = started.elapsed();
    t.totals.wall_ms = millis(wall);
    t.totals.provider_us = micros(state.provider_time);
    t.totals.tools_us = micros(state.tools_time);
    t.totals.harness_us = micros(wall.saturating_sub(state.provider_time + state.tools_time));
    log_trial(&t);
    t
}

/// The end-of-loop events (docs/logging.md). They carry no ids of their own: the caller's
/// `trial` span (eval, case, run, arm, trial index) gives them. The per-trial `info` event is
/// the caller's `replay.trial_stored`; a normal finish is `debug` here.
fn log_trial(t: &TrialTranscript) {
    let stop = t.stop.as_str();
    match &t.stop {
        StopReason::ProviderError {
            message,
            unavailable,
        } => tracing::warn!(
            target: "skillgate::replay", event = "replay.trial_provider_error",
            source = "skill_replay_eval", stop, unavailable,
            error = %message, steps = t.totals.steps, "trial stopped: provider error"
        ),
        StopReason::HarnessError { message } => tracing::error!(
            target: "skillgate::replay", event = "replay.trial_harness_error",
            source = "skill_replay_eval", stop,
            error = %message, "trial stopped: harness error"
        ),
        _ => tracing::debug!(
            target: "skillgate::replay", event = "replay.trial_finished",
            source = "skill_replay_eval", stop,
            steps = t.totals.steps, tool_calls = t.totals.tool_calls,
            input_tokens = t.totals.input_tokens, output_tokens = t.totals.output_tokens,
            duration_ms = t.totals.wall_ms, skill_loaded = t.skill_loaded, "trial finished"
        ),
    }
}

struct LoopState {
    transcript: TrialTranscript,
    provider_time: Duration,
    tools_time: Duration,
}

struct DispatchCtx<'a, T> {
    tools: &'a T,
    index: &'a HashMap<&'a str, &'a ToolSpec>,
    skill: Option<&'a SkillContext>,
    load_skill_text: Option<&'a str>,
    available: String,
}

impl<T: ToolExecutor> DispatchCtx<'_, T> {
    /// Handles one tool call; returns the tool message for the model, or `None` when
    /// the wall-time limit cut the call off.
    async fn dispatch(
        &self,
        call: &ToolCall,
        step: u32,
        deadline: Instant,
        state: &mut LoopState,
    ) -> Option<ChatMessage> {
        state.transcript.totals.tool_calls += 1;
        let raw = call.arguments.trim();
        let parsed: Result<Value, String> = if raw.is_empty() {
            Ok(Value::Object(serde_json::Map::new()))
        } else {
            serde_json::from_str(raw).map_err(|e| {
                format!(
                    "the arguments of tool \"{}\" are not valid JSON ({e}); send a JSON object that matches the tool's schema",
                    call.name
                )
            })
        };
        let arguments = match parsed {
            Ok(v) => v,
            Err(reason) => {
                return Some(self.reject(
                    call,
                    step,
                    Value::String(call.arguments.clone()),
                    reason,
                    state,
                ));
            }
        };

        if let (Some(skill), Some(text)) = (self.skill, self.load_skill_text)
            && call.name == LOAD_SKILL_TOOL
        {
            let problems = check_arguments(&load_skill_schema(), &arguments);
            if !problems.is_empty() {
                let reason = format!(
                    "invalid arguments for tool \"{LOAD_SKILL_TOOL}\": {}",
                    problems.join("; ")
                );
                return Some(self.reject(call, step, arguments, reason, state));
            }
            let asked = arguments.get("name").and_then(Value::as_str).unwrap_or("");
            if asked != skill.name {
                let reason = format!(
                    "no skill named \"{asked}\"; the available skill is \"{}\"",
                    skill.name
                );
                return Some(self.reject(call, step, arguments, reason, state));
            }
            state.transcript.skill_loaded = true;
            state.transcript.tool_calls.push(ToolCallRecord {
                step,
                id: call.id.clone(),
                name: call.name.clone(),
                arguments,
                kind: ToolCallKind::Builtin,
                mode: None,
                rule: None,
                reason: "built-in load_skill: returns the skill body".into(),
                result: Value::String(text.to_string()),
                is_error: false,
                side_effect: None,
                duration_ms: 0,
                error: None,
            });
            return Some(ChatMessage::Tool {
                tool_call_id: call.id.clone(),
                name: call.name.clone(),
                content: text.to_string(),
                is_error: false,
            });
        }

        let Some(spec) = self.index.get(call.name.as_str()) else {
            let reason = format!(
                "tool \"{}\" does not exist; available tools: {}",
                call.name, self.available
            );
            return Some(self.reject(call, step, arguments, reason, state));
        };
        if let Some(schema) = &spec.input_schema {
            let problems = check_arguments(schema, &arguments);
            if !problems.is_empty() {
                let reason = format!(
                    "invalid arguments for tool \"{}\": {}; fix them to match the tool's schema",
                    call.name,
                    problems.join("; ")
                );
                return Some(self.reject(call, step, arguments, reason, state));
            }
        }

        let remaining = deadline
            .checked_duration_since(Instant::now())
            .unwrap_or(Duration::ZERO);
        let t0 = Instant::now();
        let outcome =
            tokio::time::timeout(remaining, self.tools.call(&call.name, &arguments)).await;
        state.tools_time += t0.elapsed();
        let Ok(outcome) = outcome else {
            let error = format!(
                "step {step}: tool \"{}\" cut off by the trial wall-time limit",
                call.name
            );
            state.transcript.errors.push(error.clone());
            state.transcript.tool_calls.push(ToolCallRecord {
                step,
                id: call.id.clone(),
                name: call.name.clone(),
                arguments,
                kind: ToolCallKind::Dispatched,
                mode: None,
                rule: None,
                reason: "not finished: trial wall-time limit".into(),
                result: Value::Null,
                is_error: true,
                side_effect: None,
                duration_ms: millis(t0.elapsed()),
                error: Some(error),
            });
            return None;
        };
        let ToolOutcome {
            mode,
            rule,
            reason,
            result,
            is_error,
            side_effect,
            duration_ms,
        } = outcome;
        let content = match &result {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if is_error {
            state.transcript.errors.push(format!(
                "step {step}: tool \"{}\" returned an error: {content}",
                call.name
            ));
        }
        state.transcript.tool_calls.push(ToolCallRecord {
            step,
            id: call.id.clone(),
            name: call.name.clone(),
            arguments,
            kind: ToolCallKind::Dispatched,
            mode: Some(mode),
            rule,
            reason,
            result,
            is_error,
            side_effect,
            duration_ms,
            error: None,
        });
        Some(ChatMessage::Tool {
            tool_call_id: call.id.clone(),
            name: call.name.clone(),
            content,
            is_error,
        })
    }

    fn reject(
        &self,
        call: &ToolCall,
        step: u32,
        arguments: Value,
        reason: String,
        state: &mut LoopState,
    ) -> ChatMessage {
        tracing::info!(target: "skillgate::replay", event = "replay.tool_call_rejected",
            source = "skill_replay_eval", step, tool = %skillgate_tools::redact_for_log(&call.name),
            reason = %skillgate_tools::redact_for_log(&reason), "tool call rejected by the loop");
        let content = format!("error: {reason}");
        state
            .transcript
            .errors
            .push(format!("step {step}: {reason}"));
        state.transcript.tool_calls.push(ToolCallRecord {
            step,
            id: call.id.clone(),
            name: call.name.clone(),
            arguments,
            kind: ToolCallKind::Rejected,
            mode: None,
            rule: None,
            reason: reason.clone(),
            result: Value::String(content.clone()),
            is_error: true,
            side_effect: None,
            duration_ms: 0,
            error: Some(reason),
        });
        ChatMessage::Tool {
            tool_call_id: call.id.clone(),
            name: call.name.clone(),
            content,
            is_error: true,
        }
    }
}

fn load_skill_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"name": {"type": "string", "description": "Name of the skill to load."}},
        "required": ["name"]
    })
}

fn available_names(defs: &[ToolDef]) -> String {
    let mut names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    names.sort_unstable();
    names.join(", ")
}

fn empty_transcript(input: &TrialInput) -> TrialTranscript {
    TrialTranscript {
        locale: input.locale,
        loading: input.loading,
        skill_name: input.skill.as_ref().map(|s| s.name.clone()),
        seed: input.seed,
        temperature: input.temperature,
        messages: Vec::new(),
        steps: Vec::new(),
        tool_calls: Vec::new(),
        errors: Vec::new(),
        skill_loaded: false,
        final_answer: None,
        stop: StopReason::FinalAnswer,
        totals: TrialTotals::default(),
    }
}

fn harness_error(input: &TrialInput, message: String, started: Instant) -> TrialTranscript {
    let mut t = empty_transcript(input);
    t.errors.push(message.clone());
    t.stop = StopReason::HarnessError { message };
    t.messages.push(TranscriptMessage::User {
        content: input.task.clone(),
    });
    let wall = started.elapsed();
    t.totals.wall_ms = millis(wall);
    t.totals.harness_us = micros(wall);
    log_trial(&t);
    t
}

fn to_transcript(m: ChatMessage) -> TranscriptMessage {
    match m {
        ChatMessage::User { text } => TranscriptMessage::User { content: text },
        ChatMessage::Assistant { text, tool_calls } => TranscriptMessage::Assistant {
            content: text,
            tool_calls: tool_calls
                .into_iter()
                .map(|c| TranscriptToolCall {
                    id: c.id,
                    name: c.name,
                    arguments: c.arguments,
                })
                .collect(),
        },
        ChatMessage::Tool {
            tool_call_id,
            name,
            content,
            is_error,
        } => TranscriptMessage::Tool {
            tool_call_id,
            name,
            content,
            is_error,
        },
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
