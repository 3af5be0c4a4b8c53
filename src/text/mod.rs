//! Text before analysis: a document cut into sentences ([`sentence`]), each sentence
//! normalized (NFKC) with a map back to the text as written ([`normalize`]); the URLs in it found once ([`urls`]).

pub mod normalize;
pub(crate) mod sentence;
pub(crate) mod urls;
