//! One file per subcommand; each is thin glue over the pipeline stages.

pub(crate) mod analyze;
pub(crate) mod explain;
pub(crate) mod inspect;
pub(crate) mod kwic;
pub(crate) mod merge;
pub(crate) mod segment;
pub(crate) mod tokenize;
