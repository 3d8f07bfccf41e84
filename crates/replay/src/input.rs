//! Building a [`TrialInput`] from a stored [`Run`] (for `skillgate replay-case` and
//! the eval worker).

use crate::agent::TrialInput;
use crate::context::{SkillContext, SkillLoading};
use serde::{Deserialize, Serialize};
use skillgate_core::{Arm, Locale, Run};

/// Eval-level settings that shape every Trial of a case.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct TrialSettings {
    /// The eval's prompt_locale; `None` uses the Run's own locale (falling back to `en`).
    pub prompt_locale: Option<Locale>,
    /// How the skill body reaches the agent.
    pub loading: SkillLoading,
    /// Base seed of the eval; each Trial's seed is derived from it.
    pub base_seed: u64,
    /// Sampling temperature.
    pub temperature: f32,
}

/// The prompt locale of a case: the eval's `prompt_locale` when set, else the Run's
/// locale when skillgate ships prompts for it, else `en`.
pub fn prompt_locale(run: &Run, prompt_locale: Option<Locale>) -> Locale {
    prompt_locale
        .or_else(|| Locale::parse(&run.locale))
        .unwrap_or(Locale::En)
}

/// A stable per-Trial seed: FNV-1a over the base seed, the Run id, the Arm and the
/// trial index, so reruns of the same Trial send the same seed and the Arms differ.
pub fn trial_seed(base_seed: u64, run_id: &str, arm: Arm, trial: u32) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    };
    feed(&base_seed.to_le_bytes());
    feed(run_id.as_bytes());
    feed(&[0xff]);
    feed(arm.as_str().as_bytes());
    feed(&trial.to_le_bytes());
    h
}

/// The [`TrialInput`] for trial number `trial` (0-based) of `run` in `arm`, with the
/// Arm's `skill` (`None` for the baseline of a new skill).
pub fn trial_input_from_run(
    run: &Run,
    arm: Arm,
    trial: u32,
    skill: Option<SkillContext>,
    settings: &TrialSettings,
) -> TrialInput {
    TrialInput {
        task: run.task.clone(),
        locale: prompt_locale(run, settings.prompt_locale),
        skill,
        loading: settings.loading,
        seed: trial_seed(settings.base_seed, &run.id, arm, trial),
        temperature: settings.temperature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(locale: &str) -> Run {
        Run {
            id: "run-1".into(),
            tenant: "acme".into(),
            locale: locale.into(),
            task: "Summarise q3.csv".into(),
            messages: Vec::new(),
            tool_calls: Vec::new(),
            final_answer: "done".into(),
            accepted: true,
            accepted_at: None,
            created_at: None,
            criteria: None,
            skill: None,
        }
    }

    #[test]
    fn prompt_locale_prefers_eval_setting_then_run_then_en() {
        assert_eq!(prompt_locale(&run("zh_TW"), None), Locale::ZhTw);
        assert_eq!(
            prompt_locale(&run("zh_TW"), Some(Locale::ZhCn)),
            Locale::ZhCn
        );
        assert_eq!(prompt_locale(&run("fr-FR"), None), Locale::En);
    }

    #[test]
    fn trial_seed_is_stable_and_differs_by_arm_and_trial() {
        let a = trial_seed(7, "run-1", Arm::Baseline, 0);
        assert_eq!(a, trial_seed(7, "run-1", Arm::Baseline, 0));
        assert_ne!(a, trial_seed(7, "run-1", Arm::Candidate, 0));
        assert_ne!(a, trial_seed(7, "run-1", Arm::Baseline, 1));
        assert_ne!(a, trial_seed(8, "run-1", Arm::Baseline, 0));
        assert_ne!(a, trial_seed(7, "run-2", Arm::Baseline, 0));
    }

    #[test]
    fn trial_input_carries_task_skill_and_settings() {
        let skill = SkillContext {
            name: "s".into(),
            description: "d".into(),
            body: "b".into(),
        };
        let settings = TrialSettings {
            prompt_locale: None,
            loading: SkillLoading::Always,
            base_seed: 1,
            temperature: 0.0,
        };
        let input = trial_input_from_run(
            &run("zh-CN"),
            Arm::Candidate,
            2,
            Some(skill.clone()),
            &settings,
        );
        assert_eq!(input.task, "Summarise q3.csv");
        assert_eq!(input.locale, Locale::ZhCn);
        assert_eq!(input.skill, Some(skill));
        assert_eq!(input.loading, SkillLoading::Always);
        assert_eq!(input.seed, trial_seed(1, "run-1", Arm::Candidate, 2));
    }
}
