//! Every string the tool sets itself (contents heading, fallback titles,
//! footnote marks, list markers, labels), so the coverage check sees them
//! exactly as the editions print them.
