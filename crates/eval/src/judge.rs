//! The model grader's judge (SPEC §3.3): an LLM asked to score an answer
//! against the rubric with the accepted answer as reference, replying
//! `{"score": 0..1, "explanation": "..."}`. Identical temperature-0 requests
//! are answered from an in-memory response cache that lives as long as the
//! eval (it is not persisted; a resumed eval starts with an empty cache).

use skillgate_providers::{ChatMessage, ChatRequest, Provider};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The system prompt of every judge request.
pub const JUDGE_SYSTEM_PROMPT: &str = "You are a strict, fair grader of an AI agent's answer. \
Grade the outcome, not the path. Compare the answer with the reference answer a human accepted, \
following the rubric when one is given. Reply with only a JSON object: \
{\"score\": <number from 0 to 1>, \"explanation\": \"<one or two sentences>\"}.";

/// The system prompt of pairwise judging.
pub const PAIRWISE_SYSTEM_PROMPT: &str = "You compare two answers of an AI agent to the same task \
and decide which reaches the better outcome, using the reference answer a human accepted and the \
rubric when one is given. Grade the outcome, not the path, and ignore which answer comes first. \
Reply with only a JSON object: {\"winner\": \"A\" | \"B\" | \"tie\", \"explanation\": \"<one sentence>\"}.";

/// Which answer of a pair the judge preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Winner {
    /// The first answer shown.
    A,
    /// The second answer shown.
    B,
    /// Neither.
    Tie,
}

/// What the judge said about a pair of answers.
#[derive(Debug, Clone, PartialEq)]
pub struct PairVerdict {
    /// The preferred answer.
    pub winner: Winner,
    /// The judge's reason.
    pub explanation: String,
    /// Taken from the response cache.
    pub cached: bool,
    /// Tokens sent.
    pub input_tokens: u64,
    /// Tokens received.
    pub output_tokens: u64,
}

/// Reads `{"winner": "A"|"B"|"tie", "explanation": "..."}` from a judge reply.
pub fn parse_winner(text: &str) -> Result<(Winner, String), String> {
    let v = crate::grade::extract_json(text).ok_or("no JSON object in the reply")?;
    let w = v
        .get("winner")
        .and_then(|w| w.as_str())
        .ok_or("no `winner` field")?;
    let winner = match w.trim().to_ascii_lowercase().as_str() {
        "a" => Winner::A,
        "b" => Winner::B,
        "tie" | "none" | "equal" => Winner::Tie,
        other => return Err(format!("winner `{other}` is not A, B or tie")),
    };
    let explanation = v
        .get("explanation")
        .and_then(|e| e.as_str())
        .unwrap_or("(no explanation given)")
        .to_string();
    Ok((winner, explanation))
}

/// What the judge said about one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeVerdict {
    /// Score in [0, 1].
    pub score: f64,
    /// The judge's reason.
    pub explanation: String,
    /// Taken from the response cache (no request sent).
    pub cached: bool,
    /// Tokens sent (0 when cached).
    pub input_tokens: u64,
    /// Tokens received (0 when cached).
    pub output_tokens: u64,
}

/// Why the judge gave no verdict, with the tokens the attempt still spent.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeError {
    /// What went wrong, naming the judge.
    pub message: String,
    /// Tokens sent.
    pub input_tokens: u64,
    /// Tokens received.
    pub output_tokens: u64,
}

/// A judge provider with its response cache.
#[derive(Debug)]
pub struct Judge {
    provider: Provider,
    cache: Mutex<HashMap<String, (f64, String)>>,
    pair_cache: Mutex<HashMap<String, (Winner, String)>>,
    hits: AtomicU64,
    requests: AtomicU64,
}

impl Judge {
    /// A judge over `provider` (the `[judge]` provider, else the replay provider).
    pub fn new(provider: Provider) -> Judge {
        Judge {
            provider,
            cache: Mutex::new(HashMap::new()),
            pair_cache: Mutex::new(HashMap::new()),
            hits: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        }
    }

    /// `kind:model` of the judge.
    pub fn describe(&self) -> String {
        format!(
            "{}:{}",
            self.provider.kind().as_str(),
            self.provider.model()
        )
    }

    /// Answers served from the cache so far.
    pub fn cache_hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The request the judge sends for one answer.
    pub fn request(task: &str, rubric: Option<&str>, reference: &str, answer: &str) -> ChatRequest {
        let rubric = rubric
            .filter(|r| !r.trim().is_empty())
            .unwrap_or("The answer must reach the same outcome as the reference: the same facts, numbers, decisions and actions.");
        ChatRequest {
            system: JUDGE_SYSTEM_PROMPT.into(),
            messages: vec![ChatMessage::User {
                text: format!(
                    "Task:\n{task}\n\nRubric:\n{rubric}\n\nReference answer (accepted by a human):\n{reference}\n\nAnswer to grade:\n{answer}\n\nReply with the JSON object only."
                ),
            }],
            tools: Vec::new(),
            temperature: Some(0.0),
            max_tokens: Some(400),
            seed: Some(0),
        }
    }

    /// Sends `req` unless an identical request was answered before (temperature
    /// 0, so the answer would be the same), parses the reply with `parse`, and
    /// caches what parsed. `what` names the expected verdict in errors.
    async fn ask<T: Copy>(
        &self,
        req: &ChatRequest,
        cache: &Mutex<HashMap<String, (T, String)>>,
        parse: fn(&str) -> Result<(T, String), String>,
        what: &str,
    ) -> Result<Asked<T>, JudgeError> {
        let key = serde_json::to_string(req).map_err(|e| JudgeError {
            message: e.to_string(),
            input_tokens: 0,
            output_tokens: 0,
        })?;
        if let Ok(cache) = cache.lock()
            && let Some((value, explanation)) = cache.get(&key)
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Asked {
                value: *value,
                explanation: explanation.clone(),
                cached: true,
                input_tokens: 0,
                output_tokens: 0,
            });
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let resp = self.provider.chat(req).await.map_err(|e| JudgeError {
            message: format!("judge {} failed: {e}", self.describe()),
            input_tokens: 0,
            output_tokens: 0,
        })?;
        let text = resp.text.unwrap_or_default();
        let (value, explanation) = parse(&text).map_err(|why| JudgeError {
            message: format!(
                "judge {} replied without {what} ({why}): \"{}\"",
                self.describe(),
                text.chars().take(120).collect::<String>()
            ),
            input_tokens: resp.usage.input_tokens,
            output_tokens: resp.usage.output_tokens,
        })?;
        if let Ok(mut cache) = cache.lock() {
            cache.insert(key, (value, explanation.clone()));
        }
        Ok(Asked {
            value,
            explanation,
            cached: false,
            input_tokens: resp.usage.input_tokens,
            output_tokens: resp.usage.output_tokens,
        })
    }

    /// Grades `answer`. Errors (returned as text for the grader explanation)
    /// when the provider fails or the reply is not the JSON object asked for.
    pub async fn grade(
        &self,
        task: &str,
        rubric: Option<&str>,
        reference: &str,
        answer: &str,
    ) -> Result<JudgeVerdict, JudgeError> {
        let req = Self::request(task, rubric, reference, answer);
        let a = self
            .ask(&req, &self.cache, parse_verdict, "the JSON verdict")
            .await?;
        Ok(JudgeVerdict {
            score: a.value,
            explanation: a.explanation,
            cached: a.cached,
            input_tokens: a.input_tokens,
            output_tokens: a.output_tokens,
        })
    }
}

impl Judge {
    /// The request of one pairwise comparison, `first` shown as A.
    pub fn pairwise_request(
        task: &str,
        rubric: Option<&str>,
        reference: &str,
        first: &str,
        second: &str,
    ) -> ChatRequest {
        let rubric = rubric.filter(|r| !r.trim().is_empty()).unwrap_or(
            "The better answer reaches the outcome of the reference: the same facts, numbers, decisions and actions.",
        );
        ChatRequest {
            system: PAIRWISE_SYSTEM_PROMPT.into(),
            messages: vec![ChatMessage::User {
                text: format!(
                    "Task:\n{task}\n\nRubric:\n{rubric}\n\nReference answer (accepted by a human):\n{reference}\n\nAnswer A:\n{first}\n\nAnswer B:\n{second}\n\nReply with the JSON object only."
                ),
            }],
            tools: Vec::new(),
            temperature: Some(0.0),
            max_tokens: Some(300),
            seed: Some(0),
        }
    }

    /// Compares two answers, `first` shown as A. Cached like [`Judge::grade`].
    pub async fn compare(
        &self,
        task: &str,
        rubric: Option<&str>,
        reference: &str,
        first: &str,
        second: &str,
    ) -> Result<PairVerdict, JudgeError> {
        let req = Self::pairwise_request(task, rubric, reference, first, second);
        let a = self
            .ask(&req, &self.pair_cache, parse_winner, "the pairwise verdict")
            .await?;
        Ok(PairVerdict {
            winner: a.value,
            explanation: a.explanation,
            cached: a.cached,
            input_tokens: a.input_tokens,
            output_tokens: a.output_tokens,
        })
    }
}

/// Reads `{"score": x, "explanation": "..."}` from a judge reply (fenced or
/// surrounded by text is fine). The score must be a number in [0, 1].
pub fn parse_verdict(text: &str) -> Result<(f64, String), String> {
    let v = crate::grade::extract_json(text).ok_or("no JSON object in the reply")?;
    let score = v
        .get("score")
        .and_then(|s| {
            s.as_f64()
                .or_else(|| s.as_str().and_then(|t| t.trim().parse().ok()))
        })
        .ok_or("no numeric `score` field")?;
    if !(0.0..=1.0).contains(&score) {
        return Err(format!("score {score} is outside 0..1"));
    }
    let explanation = v
        .get("explanation")
        .and_then(|e| e.as_str())
        .unwrap_or("(no explanation given)")
        .to_string();
    Ok((score, explanation))
}

/// A parsed judge answer with its cost, shared by [`Judge::grade`] and [`Judge::compare`].
struct Asked<T> {
    value: T,
    explanation: String,
    cached: bool,
    input_tokens: u64,
    output_tokens: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_is_read_from_fenced_json() {
        let (s, e) =
            parse_verdict("```json\n{\"score\": 0.8, \"explanation\": \"close\"}\n```").unwrap();
        assert_eq!((s, e.as_str()), (0.8, "close"));
    }

    #[test]
    fn pairwise_winner_is_read_and_unknown_winners_refused() {
        assert_eq!(
            parse_winner(r#"{"winner": "b", "explanation": "x"}"#)
                .unwrap()
                .0,
            Winner::B
        );
        assert_eq!(parse_winner(r#"{"winner": "tie"}"#).unwrap().0, Winner::Tie);
        assert!(parse_winner(r#"{"winner": "C"}"#).is_err());
    }

    #[test]
    fn verdict_outside_range_or_without_score_is_refused() {
        assert!(
            parse_verdict("{\"score\": 3}")
                .unwrap_err()
                .contains("outside")
        );
        assert!(parse_verdict("fine").is_err());
    }
}
