//! bindery: turns a set of Chinese articles into an EPUB 3 and an A4 PDF
//! book. Data flows one way: sources → book model → editions → files; the
//! checker reads finished files only.
//!
//! Stages, in pipeline order: [`source`] reads the book folder into the
//! [`model`]; [`script`] knows Chinese text; [`fonts`] loads the faces and
//! checks coverage; [`assets`] opens images and the cover once; [`layout`]
//! typesets pages; [`editions`] write the PDF and the EPUB; [`pipeline`]
//! drives them. [`check`] judges finished files; [`import`] turns a raw page
//! into book sources.

pub mod assets;
pub mod check;
pub mod cli;
pub mod date;
pub mod diag;
pub mod editions;
pub mod fonts;
pub mod import;
pub mod init;
pub mod layout;
pub mod model;
pub mod output;
pub mod par;
pub mod pipeline;
pub mod script;
pub mod serve;
pub mod source;
pub mod style;
