//! The extraction stages, each run over a window of tokenized sentences in this order:
//! [`stance`] (hedged or absolute, from cues and claims), [`terms`] (content words and
//! compound nouns, counted with their sentence's stance), [`numbers`] (numeric
//! expressions), [`compliance`] (advertising-rule flags and disclosure items, from the
//! rules' own words and what the stages before found).

pub(crate) mod compliance;
pub(crate) mod numbers;
pub(crate) mod stance;
pub(crate) mod terms;
