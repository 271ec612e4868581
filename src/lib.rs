//! bindery: turns a set of Chinese articles into an EPUB 3 and an A4 PDF
//! book. Data flows one way: sources → book model → renderers → files.

pub mod check;
pub mod cli;
pub mod config;
pub mod cover;
pub mod coverage;
pub mod date;
pub mod diag;
pub mod epub;
pub mod fonts;
pub mod import;
pub mod init;
pub mod layout;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pagemap;
pub mod pdf;
pub mod pipeline;
pub mod serve;
