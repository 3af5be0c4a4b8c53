//! One file per subcommand; each is thin glue over the pipeline stages.

pub mod analyze;
pub mod explain;
pub mod inspect;
pub mod kwic;
pub mod segment;
pub mod tokenize;
