//! Evals, replay cases, trials, tool calls, reports, pinned cases, case selection queries. (Being written.)
