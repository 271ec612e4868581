//! The glue between two shaped clusters after clreq: punctuation
//! compression (two adjacent marks take 1.5 em), a quarter em between Han
//! and Latin, stretch between Han characters.

use super::shape::Cluster;
use crate::script::{is_cjk, is_han, is_latin_alnum};

/// Stretch of the glue between two Han characters, as a fraction of the em.
/// Only the ratios between kinds of glue matter for the line breaker.
pub(super) const CJK_STRETCH: f32 = 0.05;

pub(super) struct Glue {
    pub nat: f32,
    pub stretch: f32,
    pub shrink: f32,
}

/// The glue before each cluster (none before the first).
pub(super) fn glues(clusters: &[Cluster], space: &[bool], em: f32) -> Vec<Glue> {
    let n = clusters.len();
    let mut gaps: Vec<Glue> = Vec::with_capacity(n);
    gaps.push(Glue {
        nat: 0.0,
        stretch: 0.0,
        shrink: 0.0,
    });
    for k in 1..n {
        gaps.push(glue_between(
            &clusters[k - 1],
            &clusters[k],
            space[k - 1] || space[k],
            em,
        ));
    }
    gaps
}

fn glue_between(a: &Cluster, b: &Cluster, near_space: bool, em: f32) -> Glue {
    let zero = Glue {
        nat: 0.0,
        stretch: 0.0,
        shrink: 0.0,
    };
    if near_space || a.raise != 0.0 || b.raise != 0.0 {
        return zero;
    }
    let (p, q) = (a.last, b.first);
    let (ha, hb) = (a.halves, b.halves);
    let a_mark = ha.left_empty || ha.right_empty;
    let b_mark = hb.left_empty || hb.right_empty;
    // Quarter shrink from marks' blank halves facing this gap.
    let mark_shrink = if ha.right_empty { 0.25 * a.size } else { 0.0 }
        + if hb.left_empty { 0.25 * b.size } else { 0.0 };
    if is_cjk(p) && is_cjk(q) {
        if a_mark && b_mark && (ha.right_empty || hb.left_empty) {
            // Two adjacent full-width marks take 1.5 em together.
            let size = if ha.right_empty { a.size } else { b.size };
            return Glue {
                nat: -0.5 * size,
                stretch: CJK_STRETCH * em,
                shrink: 0.0,
            };
        }
        return Glue {
            nat: 0.0,
            stretch: CJK_STRETCH * em,
            shrink: mark_shrink,
        };
    }
    if (is_han(p) && is_latin_alnum(q)) || (is_latin_alnum(p) && is_han(q)) {
        return Glue {
            nat: 0.25 * em,
            stretch: CJK_STRETCH * em,
            shrink: 0.125 * em,
        };
    }
    if is_cjk(p) || is_cjk(q) {
        return Glue {
            nat: 0.0,
            stretch: CJK_STRETCH * em,
            shrink: mark_shrink,
        };
    }
    zero
}
