-- skillgate schema: judge tokens in the ops report facts (SPEC §7 "tokens
-- used"): LLM-judge calls (graders and pairwise) spend tokens that no trial
-- row holds; they are read from the eval report's `usage.judge_tokens`.
-- The facts are derived data: cleared so every report is decoded again.
ALTER TABLE ops_report_facts ADD COLUMN judge_input_tokens BIGINT;
ALTER TABLE ops_report_facts ADD COLUMN judge_output_tokens BIGINT;
DELETE FROM ops_report_facts;
