//! Reviews, publish decisions, incidents, kill switch and rollout-phase settings. (Being written.)
