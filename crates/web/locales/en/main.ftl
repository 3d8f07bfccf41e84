# skillgate web UI — English (source). Every key here must exist in zh-CN and zh-TW.
nav-label = Main
nav-skills = Skills
nav-audit = Audit log
nav-admin = Incidents & kill switch
language = Language
sign-in = Sign in
sign-out = Sign out
sign-in-help = Paste the API token you were given (`skillgate token create` prints it once).
sign-in-failed = That token is not recognised. Check it, or ask an admin for a new one.
token = Token
dev-mode-banner = Local dev mode: no API token exists, so everyone on this machine acts as admin. Create a token (skillgate token create --role admin --name NAME) to turn sign-in on.
role-viewer = viewer
role-reviewer = reviewer
role-publisher = publisher
role-admin = admin
unknown = unknown
back-to-skills = Back to skills
error-not-found = Not found
error-forbidden = Not allowed
error-unauthenticated = Sign-in needed
error-request = The request could not be done
error-internal = Something went wrong

skills-title = Skills
skills-published = Published skills
skills-none = No skill is published yet. Add one with `skillgate skills add DIR`.
drafts-open = Open drafts
drafts-all = All drafts
drafts-show-all = Show all drafts, including published and rejected ones
drafts-show-open = Show open drafts only
drafts-none = No drafts to show.
col-skill = Skill
col-description = Description
col-latest = Latest
col-versions = Versions
col-open-drafts = Open drafts
col-draft = Draft
col-status = Status
col-eval = Eval
col-confidence = Confidence
col-delta = Delta
col-submitted = Submitted
col-task = Task
col-verdict = Verdict
col-where = Where
col-rule = Rule
col-severity = Severity
col-message = Finding
col-section = Section
col-outcome = Outcome
col-similarity = Similarity
col-lost = Instructions lost
col-when = When
col-actor = Who
col-action = Action
col-subject = Subject
col-detail = Detail

draft-status-submitted = submitted
draft-status-evaluated = evaluated
draft-status-approved = approved
draft-status-rejected = rejected
draft-status-published = published
eval-status-passed = passed
eval-status-failed = failed
eval-status-partial = partial
eval-status-replay_error = replay error
eval-status-skipped_provider_unavailable = skipped: provider unavailable
eval-status-queued = queued
eval-status-running = running
eval-status-none = not evaluated
confidence-high = high
confidence-medium = medium
confidence-low = low

draft-title = Draft
draft-evidence = Evidence
draft-no-eval = This draft has no eval report yet. Run `skillgate eval DRAFT_ID`.
open-report = Open the report
safety-report = Safety report
safety-findings = Safety findings
preservation-report = Preservation report
preservation-open = Preservation diff
preservation-new-skill = Not needed: this draft is a new skill, there is no published version to preserve.
report-passed = passed
report-failed = failed
report-missing = missing
evals-title = Evals of this draft

review-title = Review
review-decision = Decision
review-approve = Approve
review-reject = Reject
review-rationale = Rationale
review-rationale-help = Why? Required to reject, and to approve a partial or skipped-provider eval.
review-submit = Record review
review-history = Reviews
review-approved = approved
review-rejected = rejected
review-published = This draft is published; reviews are closed.
needs-reviewer = Reviewing needs the reviewer role.
notice-reviewed = Review recorded.

publish-title = Publish
publish-button = Publish this draft
publish-done = Published.
publish-history = Publish attempts
gate-allows = The gate allows publishing.
gate-blocks = The gate blocks publishing now:
gate-phase = rollout phase
gate-fix = Fix:
needs-publisher = Publishing needs the publisher role.
notice-published = Published: the draft is now the skill's newest version.
notice-publish-refused = { $count ->
    [one] Publishing refused: one gate rule failed.
   *[other] Publishing refused: { $count } gate rules failed.
}

report-title = Report
verdict-passed = Passed: the draft did no worse than the published version on accepted work.
verdict-failed = Failed: the draft regressed accepted work, or a static check failed.
verdict-partial = Partial: the eval stopped before every case finished; only finished trials count.
verdict-replay_error = Replay error: the replay itself failed, so this report says nothing about the draft.
verdict-skipped_provider_unavailable = Skipped: no model provider answered, so only static checks ran. Approving needs a written rationale.
verdict-pending = The eval has not finished yet.
verdict-unknown = The report has no status.
verdict-counts = { $improved } improved, { $regressed } regressed, { $unchanged } unchanged, of { $total ->
    [one] one case
   *[other] { $total } cases
}.
confidence-sentence-high = Confidence is high: many cases, mostly executed tool calls, a narrow interval.
confidence-sentence-medium = Confidence is medium: usable evidence, but some high-confidence criteria are not met.
confidence-sentence-low = Confidence is low: treat this evidence as weak and review by hand.
confidence-sentence-none = The report states no confidence.
heuristic-note = Heuristic mode: nothing was replayed. Only lint, safety, preservation and description checks ran, so confidence is always low.
scores-title = Scores
baseline-average = Baseline average
candidate-average = Candidate average
score-delta = Score delta
delta-interval = (95% interval { $low } to { $high })
case-improved = improved
case-regressed = regressed
case-unchanged = unchanged
coverage-title = Tool-call coverage
coverage-executed = Executed
coverage-surrogate = Surrogate
coverage-blocked = Blocked
coverage-executed-help = Ran for real inside the sandbox, on a copy of the workspace: the strongest evidence.
coverage-surrogate-help = Had side effects, so they were simulated, not run; results came from the recorded run or a stand-in.
coverage-blocked-help = Refused by the replay policy (delete, permissions, credentials, payments); the agent was told so.
confidence-title = Confidence
confidence-rule = set by rule
confidence-rules-help = With the default thresholds (configurable): low when fewer than 5 cases completed, execution coverage is under 50%, blocked coverage is over 30%, over 20% of trials errored or the interval is wider than 0.4; high with at least 20 cases, execution coverage of 80% or more, no blocked calls and an interval of at most 0.15.
limitations-title = Known limitations of replay evidence
limitation-history = Replay quality depends on the accepted historical runs that exist.
limitation-surrogate = Surrogate evaluation is not the same as real execution.
limitation-low-confidence = Low-confidence reports need more human review.
limitation-human = Human approval is still required.
limitation-scope = This release has no per-tool policy UI and no full per-case container orchestration.
meta-title = Run details
meta-mode = Mode
meta-provider = Provider
meta-model = Model
meta-locale = Prompt locale
meta-replay-cases = Replay cases
meta-usage = Tokens (in / out)
meta-timings = Wall time
raw-json = Raw JSON
raw-json-help = The report as stored, for debugging. Also as JSON:
cases-count = { $count ->
    [one] One case
   *[other] { $count } cases
}
cases-none = This report lists no cases.

case-title = Case
case-id = Case id
case-why = Why selected
arm-baseline = Baseline
arm-candidate = Candidate
arm-mean = Mean score
arm-trigger-rate = Skill loaded
trials-none = No trials recorded for this arm.
trial = Trial
trial-pass = pass
trial-fail = fail
graders = Graders
tool-calls = Tool calls
mode-executed = executed
mode-surrogate = surrogate
mode-blocked = blocked
side-effect = Would have:
arguments-result = Arguments and result
transcript = Transcript
final-answer = Final answer

section-kept = kept
section-changed = changed
section-dropped = dropped
dropped-instructions = Dropped instructions
diff-title = SKILL.md: published version → draft
diff-truncated = The diff is longer than shown; the rest is cut.

audit-none = The audit log is empty.
kill-switch-title = Kill switch
kill-switch-replay = Replay
kill-switch-publish = Publishing
kill-switch-last = Last change
kill-switch-publish-too = Turn publishing off too
kill-switch-force = Force, even with an open P0 incident
kill-switch-disable = Turn replay off
kill-switch-enable = Turn replay and publishing on
state-on = on
state-off = off
reason = Reason
notice-replay-disabled = Replay is off: evals run in heuristic mode.
notice-replay-enabled = Replay and publishing are on.
incidents-title = Incidents
incidents-none = No incidents.
incident-severity = Severity
incident-title = Title
incident-detail = Detail
incident-open = Open incident
incident-close = Close
incident-open-state = open
incident-closed-state = closed
root-cause = Root cause:
notice-incident-opened = Incident { $id } opened.
notice-incident-closed = Incident { $id } closed.
notice-kill-switch-engaged = A P0 incident turns replay and publishing off.

weak-title = Weak evidence
weak-nondiscriminating = { $count ->
    [one] One grader gave the same answer in both arms on every case: it cannot tell them apart.
   *[other] { $count } graders gave the same answer in both arms on every case: they cannot tell them apart.
}
weak-flaky = { $count ->
    [one] One case has trials that disagree widely (flaky).
   *[other] { $count } cases have trials that disagree widely (flaky).
}
weak-excluded = { $count ->
    [one] One grader could not run and was left out.
   *[other] { $count } graders could not run and were left out.
}

# Publish gate rules (ids from skillgate_core::gate; English must match core's text).
gate-review-missing-meaning = No reviewer has approved this draft yet.
gate-review-missing-fix = Ask a reviewer to read the EvalReport and approve the draft.
gate-review-rejected-meaning = The latest review rejected this draft.
gate-review-rejected-fix = Address the reviewer's rationale, revise the draft and get a new review that approves it.
gate-safety-missing-meaning = No SafetyReport exists for this draft, so nobody checked it for destructive commands, secrets or hidden instructions.
gate-safety-missing-fix = Run the safety scan on the draft (it runs when the draft is submitted; resubmit it if it did not).
gate-safety-failed-meaning = The SafetyReport has at least one blocking finding (destructive command, credential access, hidden instructions, secret or lint error).
gate-safety-failed-fix = Fix each finding listed in the SafetyReport (file, line, rule) and resubmit the draft.
gate-eval-missing-meaning = No EvalReport exists for this draft.
gate-eval-missing-fix = Run an eval of the draft; without a provider it ends as skipped_provider_unavailable, which a reviewer may approve with a rationale.
gate-eval-failed-meaning = The EvalReport failed: the candidate regressed on replayed cases or a static check failed.
gate-eval-failed-fix = Read the regressed cases in the report, revise the draft and run the eval again.
gate-eval-replay-error-meaning = Replay itself failed, so the EvalReport holds no usable evidence.
gate-eval-replay-error-fix = Fix the replay error shown in the report (provider, sandbox or tool configuration) and run the eval again.
gate-eval-skipped-needs-rationale-meaning = No provider answered, so the eval made only a heuristic report (skipped_provider_unavailable); publishing on it needs an approving review with a rationale.
gate-eval-skipped-needs-rationale-fix = Run the eval again once the provider answers, or have the reviewer approve with a written rationale.
gate-eval-partial-not-allowed-meaning = The eval is partial (budget spent or cases errored) and this deployment does not accept partial evidence.
gate-eval-partial-not-allowed-fix = Raise the eval budget or fix the errored cases and run the eval again, or set gate.allow_partial_evidence = true in the configuration.
gate-eval-partial-needs-rationale-meaning = The eval is partial; this deployment accepts partial evidence only with an approving review that gives a rationale.
gate-eval-partial-needs-rationale-fix = Have the reviewer approve with a written rationale, or complete the eval.
gate-confidence-missing-meaning = The EvalReport carries no confidence level.
gate-confidence-missing-fix = Run the eval again; a replay eval always computes confidence.
gate-confidence-low-meaning = The EvalReport's confidence is low: too few cases, too little execution coverage, too many blocked calls or errored trials, or too wide a delta interval.
gate-confidence-low-fix = Read the confidence reasons in the report, then add replay cases, let more tools execute in the policy or run more trials, and run the eval again.
gate-blocked-coverage-full-meaning = Every tool call in the replay was blocked, so no tool behaviour was observed.
gate-blocked-coverage-full-fix = Review the tool policy so read-only tools run as executed and side-effecting ones as surrogate, or pick cases that need fewer blocked tools, and run the eval again.
gate-preservation-failed-meaning = The PreservationReport failed: an important section of the published version was dropped or its instructions were mostly lost.
gate-preservation-failed-fix = Restore the dropped sections and instructions listed in the PreservationReport (or remove their <!-- keep --> marker if dropping them is intended) and resubmit.
gate-publish-disabled-meaning = Publishing is turned off by the kill switch.
gate-publish-disabled-fix = An admin turns publishing back on once the reason for the kill switch is resolved.
gate-incident-open-p0-meaning = A P0 incident is open (a replay touched production, user files, credentials, accounts, permissions or payments).
gate-incident-open-p0-fix = Resolve and close the P0 incident, then publish again.

eval-mode-replay = replay
eval-mode-heuristic = heuristic (static checks only)
start-eval-cases = Cases
start-eval-trials = Trials per arm
start-eval-locale-case = each case's own
start-eval = Start an eval
notice-eval-started = Eval started: it runs in the background; reload this page to follow its status.
meta-trigger-rate = Skill loaded (baseline / candidate)
meta-trials = Trials
trial-counts = { $finished } finished, { $errored } errored, { $not_run } not run

# Dashboard (metrics, alerts, incidents)
nav-dashboard = Dashboard
dashboard-title = Dashboard
dashboard-window = Window:
dashboard-window-7d = 7 days
dashboard-window-14d = 14 days
dashboard-window-30d = 30 days
dashboard-period = Metrics from { $from } to { $to } UTC.
no-data = no data
dashboard-alerts = Alerts
dashboard-alerts-firing = { $count ->
    [0] No alert fires.
    [one] One alert fires.
   *[other] { $count } alerts fire.
}
alert-firing = firing
alert-ok = ok
alert-what-to-do = What to do:
alert-severity-critical = critical
alert-severity-warning = warning
owner-product = product
owner-design = design
owner-engineering = engineering
owner-operations = operations
owner-security = security
col-value = Value
col-threshold = Threshold
col-metric = Metric
col-opened = Opened
col-alert = Alert
col-meaning = What it means · what to do
dashboard-metrics = Metrics
metric-publish-rate = Trusted skill publish rate
metric-publish-rate-detail = { $decided ->
    [one] { $published } of one decided draft published
   *[other] { $published } of { $decided } decided drafts published
}
metric-decision-time = Reviewer decision time p50 / p95
metric-decision-time-detail = { $count ->
    [one] one timed review
   *[other] { $count } timed reviews
}
metric-regression-rate = Replay regression rate
metric-regression-rate-detail = { $total ->
    [one] { $count } of one replay report regressed a case
   *[other] { $count } of { $total } replay reports regressed a case
}
metric-skip-rate = Provider-unavailable skip rate
metric-skip-rate-detail = { $total ->
    [one] { $count } of one finished eval skipped
   *[other] { $count } of { $total } finished evals skipped
}
metric-latency = Replay latency p50 / p95
metric-latency-detail = Eval wall time; skipped evals are left out.
metric-status-counts = Evals by status
metric-blocked-full = Reports with blocked coverage 1.0
metric-blocked-full-detail = Replay exercised no tool in these reports; such a draft must not publish.
metric-open-incidents = Open incidents
metric-open-incidents-detail = P0 open now: { $open }; P0 opened in the window: { $opened }
metric-preservation-failed = Failed preservation reports
metric-preservation-failed-detail = { $total ->
    [one] of one preservation report in the window
   *[other] of { $total } preservation reports in the window
}
duration-seconds = { $value } s
duration-minutes = { $value } min
duration-hours = { $value } h
dashboard-incidents = Open incidents
dashboard-incidents-none = No open incidents.
alert-TrustedPublishRateLow-title = Trusted skill publish rate low
alert-TrustedPublishRateLow-meaning = Fires when fewer than 60% of decided drafts were published in each of the last two weeks (the value is the better week).
alert-TrustedPublishRateLow-action = Review the gate thresholds and the refused drafts (runbook §7, weekly).
alert-ReviewerDecisionTimeHigh-title = Reviewer decision time high
alert-ReviewerDecisionTimeHigh-meaning = Fires when the p95 time from report ready to review decision is above 30 minutes in the window.
alert-ReviewerDecisionTimeHigh-action = Look at which reports take long to decide; they may be hard to read.
alert-ReplayRegressionRateHigh-title = Replay regression rate high
alert-ReplayRegressionRateHigh-meaning = Fires when more than 20% of the window's replay reports regressed at least one case.
alert-ReplayRegressionRateHigh-action = Inspect the regressed cases: real regressions, false blocks, or instructions the drafts lost.
alert-ProviderUnavailableSkipRateHigh-title = Provider-unavailable skips high
alert-ProviderUnavailableSkipRateHigh-meaning = Fires when more than 25% of the window's finished evals were skipped because the replay provider was unavailable.
alert-ProviderUnavailableSkipRateHigh-action = Check the provider configuration and model availability; pause broad rollout (runbook §6, P2).
alert-ReplayLatencyP95High-title = Replay latency high
alert-ReplayLatencyP95High-meaning = Fires when the p95 eval wall time in the window is above 15 minutes.
alert-ReplayLatencyP95High-action = Check provider latency, case and trial counts, and sandbox health.
alert-BlockedCoverageFull-title = Report with blocked coverage 1.0
alert-BlockedCoverageFull-meaning = Fires when any eval report in the window has blocked_coverage = 1.0: replay exercised no tool.
alert-BlockedCoverageFull-action = Such a draft must not publish; inspect the tool policy for the blocked tools.
alert-SideEffectIncident-title = Production side effect (P0)
alert-SideEffectIncident-meaning = Fires while a P0 incident is open or one was opened in the window: a replay touched production.
alert-SideEffectIncident-action = Keep replay off (skillgate replay disable), preserve the traces, follow runbook §6 P0; close the incident with its root cause and regression case.
alert-PreservationFailureSpike-title = Preservation failures spike
alert-PreservationFailureSpike-meaning = Fires when failed preservation reports of the last 7 days reach at least 3 and more than twice the weekly rate of the 4 weeks before.
alert-PreservationFailureSpike-action = Check the latest synthesizer change and sample the failed preservation reports.
alert-ReplayErrorSpike-title = Replay errors spike
alert-ReplayErrorSpike-meaning = Fires when replay_error or partial evals of the last 24 hours reach at least 3 and more than twice the daily rate of the 7 days before.
alert-ReplayErrorSpike-action = Check provider and sandbox health (runbook §7, daily).
alert-EvalQueueStuck-title = Eval queue stuck
alert-EvalQueueStuck-meaning = Fires when the oldest queued eval job has waited more than 15 minutes: no worker is taking jobs.
alert-EvalQueueStuck-action = Start a worker (skillgate worker, or serve with its in-process worker); check running jobs and their errors with skillgate jobs.
dashboard-jobs = Eval queue
jobs-oldest-queued = Oldest queued job has waited
jobs-none-queued = nothing queued
jobs-lease-expired = { $count ->
    [one] One running job has an expired lease: its worker stopped. The next claim re-queues it.
   *[other] { $count } running jobs have an expired lease: their workers stopped. The next claim re-queues them.
}
jobs-hint = Evals started from a draft page or skillgate eval --queue wait here until a worker (skillgate worker) takes them.
job-state-queued = queued
job-state-running = running
job-state-done = done
job-state-failed = failed
job-state-unknown = unknown
draft-job-title = Eval job
draft-job-queued = Waiting for a worker to take it.
draft-job-running = A worker is running this eval; reload this page to follow it.
draft-job-failed = The last eval job failed; fix the cause and start a new eval.
draft-job-worker = Worker
draft-job-no-worker = none yet
draft-job-attempts = Attempts
draft-job-attempts-value = { $attempts } of { $max }
draft-job-queued-at = Queued
draft-job-updated-at = last change
draft-job-last-error = Last error

# Incident page
incident-id = Incident
incident-view = Details
incident-closed-at = Closed
incident-root-cause = Root cause
incident-close-title = Close this incident
incident-close-help = Closing needs the root cause. Closing a P0 also needs its regression case: the id of a stored run that reproduces the failure, and the skill to pin it to; every later eval of that skill replays it. Closing does not turn replay or publishing back on.
incident-regression-run = Regression case: run id
incident-regression-skill = Skill to pin the regression case to
incident-regression-optional = optional for P1 and P2
notice-incident-closed-pinned = Incident { $id } closed; run { $run } is pinned as a regression case of { $skill }.
error-root-cause-required = Incident { $id } was not closed: the root cause is missing. Say what caused it.
error-regression-case-required = P0 incident { $id } was not closed: the regression case is missing. Give the run id that reproduces the failure and the skill to pin it to.
error-regression-skill-missing = Not closed: the regression case { $run } needs the skill to pin it to.
error-regression-run-missing = Not closed: the regression case for skill { $skill } needs the run id that reproduces the failure.
error-regression-run-unknown = Not closed: run { $run } does not exist. Give the id of an imported run (skillgate runs import).
error-regression-skill-unknown = Not closed: skill { $skill } has no published version and no draft. Check the name.
notice-kill-switch-still-off = Replay or publishing is still off: closing an incident does not turn them back on. Turn them on under Incidents & kill switch once it is safe.

# Reasons the eval engine gives, one message per id of skillgate_core::reason::CATALOGUE
# (the report page renders the report's reason records with these; see docs/web.md).
reason-list-separator = {", "}
reason-and-separator = {" and "}
reason-confidence-heuristic-mode = heuristic mode: no case was replayed, only static checks ran (lint, safety, preservation, description match), so confidence is always low
reason-confidence-invalid-execution-coverage = execution coverage is { $value }, not a number; the report is malformed
reason-confidence-invalid-blocked-coverage = blocked coverage is { $value }, not a number; the report is malformed
reason-confidence-invalid-interval-width = delta interval width is { $value }, not a number; the report is malformed
reason-confidence-few-cases = { $completed ->
    [one] only one case completed; fewer than { $min } is too few to compare the arms
   *[other] only { $completed } cases completed; fewer than { $min } is too few to compare the arms
}
reason-confidence-low-execution-coverage = execution coverage is { $coverage }, below { $min }: most tool results were simulated or blocked
reason-confidence-high-blocked-coverage = blocked coverage is { $coverage }, above { $max }: the agent was refused too many tool calls
reason-confidence-many-errored-trials = { $errored } of { $total } trials errored ({ $rate }), more than { $max }
reason-confidence-no-interval = no delta interval could be computed (no case completed in both arms)
reason-confidence-wide-interval = the bootstrap interval of the score delta is { $width } wide, wider than { $max }: the data cannot tell whether the draft helps or hurts
reason-confidence-unmet-cases = { $completed ->
    [one] one case completed; high confidence needs at least { $min }
   *[other] { $completed } cases completed; high confidence needs at least { $min }
}
reason-confidence-unmet-execution-coverage = execution coverage is { $coverage }; high confidence needs at least { $min }
reason-confidence-unmet-blocked-calls = { $blocked ->
    [one] one tool call was blocked; high confidence needs none
   *[other] { $blocked } tool calls were blocked; high confidence needs none
}
reason-confidence-unmet-interval = the delta interval is { $width } wide; high confidence needs at most { $max }
reason-confidence-all-criteria = { $completed } cases completed, execution coverage { $coverage }, no blocked call, delta interval { $width } wide
reason-level-high = high
reason-level-medium = medium
reason-level-low = low
reason-status-replay-skipped = replay was skipped: { $cause }; only static checks ran
reason-status-heuristic-failed = { $cause }; static checks only, and { $failures }
reason-status-heuristic-passed = { $cause }; static checks only, and they passed — no replay evidence
reason-status-tripwire = the replay was not side-effect free: { $detail }
reason-status-provider-lost = the provider stopped answering before any trial finished: { $error }; only static checks count
reason-status-all-errored = { $errored ->
    [one] the only trial errored; see the case reports for the error
   *[other] all { $errored } trials errored; see the case reports for the errors
}
reason-status-no-cases = no replay case was selected: no accepted run of the tenant matches the skill; import runs or pin cases with `skillgate cases add`
reason-status-partial = { $causes }; finished trials are kept
reason-status-static-failed = { $failures }
reason-status-mean-regressed = the candidate scores { $drop } lower than the baseline on average (more than ε = { $epsilon })
reason-status-more-regressed = { $regressed ->
    [one] the candidate regressed one case and improved only { $improved }
   *[other] the candidate regressed { $regressed } cases and improved only { $improved }
}
reason-status-passed = { $regressed ->
    [one] the candidate is not worse on average (delta { $delta } ≥ −ε) and regressed one case while improving { $improved }
   *[other] the candidate is not worse on average (delta { $delta } ≥ −ε) and regressed { $regressed } cases while improving { $improved }
}
reason-cause-kill-switch = replay is turned off by the kill switch (`skillgate replay enable` turns it back on)
reason-cause-no-provider = no provider is configured: set [provider] in skillgate.toml or SKILLGATE_BASE_URL and SKILLGATE_MODEL
reason-cause-budget-spent = the token budget of { $budget } was spent
reason-cause-provider-stopped = the provider stopped answering ({ $error })
reason-cause-trials-not-run = { $not_run } of { $planned } trials did not run
reason-cause-cases-incomplete = { $missing } of { $cases } cases have no finished trial in an arm
reason-cause-safety-failed = the SafetyReport failed
reason-cause-preservation-failed = the PreservationReport failed
reason-cause-lint-errors = the draft has lint errors
reason-summary-provider-unavailable = No replay ran because the provider is unavailable; this report holds static checks only and its confidence is low. A reviewer may approve only with a written rationale.
reason-summary-replay-off = No replay ran (replay is turned off); this report holds static checks only, so its confidence is low whatever they say.
reason-summary-replay-failed = The replay failed, so there is no evidence about the draft yet.
reason-summary-better = The candidate does better than the baseline: average score { $candidate } vs { $baseline } over { $cases } cases ({ $improved } improved, { $regressed } regressed, { $unchanged } unchanged); confidence { $confidence }.
reason-summary-worse = The candidate does worse than the baseline: average score { $candidate } vs { $baseline } over { $cases } cases ({ $improved } improved, { $regressed } regressed, { $unchanged } unchanged); confidence { $confidence }.
reason-summary-same = The candidate does about as well as the baseline: average score { $candidate } vs { $baseline } over { $cases } cases ({ $improved } improved, { $regressed } regressed, { $unchanged } unchanged); confidence { $confidence }.
reason-summary-incomparable = The candidate could not be compared with the baseline: average score { $candidate } vs { $baseline } over { $cases } cases ({ $improved } improved, { $regressed } regressed, { $unchanged } unchanged); confidence { $confidence }.
reason-heuristic-summary = lint errors { $lint_errors }, safety { $safety }, preservation { $preservation }; the draft's description shares a keyword with { $matching } of { $cases } selected cases ({ $share })
reason-heuristic-summary-no-cases = lint errors { $lint_errors }, safety { $safety }, preservation { $preservation }; the draft's description shares a keyword with { $matching } of { $cases } selected cases
reason-check-passed = passed
reason-check-failed = failed
reason-check-missing = missing
reason-check-new-skill = n/a (new skill)
