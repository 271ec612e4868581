//! Total-fit line breaking: the cost of each candidate line and the
//! cheapest way through a paragraph's break opportunities.

use super::{Align, Ctx};

/// The cost of a line stretched to the limit (`r` = 20).
const CAPPED: f64 = 800_000.0;

/// What a line at the cap adds to the cost of reaching its start:
/// `(10 + CAPPED)²`, exact in a double.
const CAPPED_LINE: f64 = (10.0 + CAPPED) * (10.0 + CAPPED);

/// A line (with room to fill `need` and glue that can stretch by
/// `stretch`) this short is at the cap whatever the rounding of the
/// division (which the shorter half of all candidate lines would otherwise
/// pay for).
#[inline(always)]
fn capped(need: f64, stretch: f64) -> bool {
    stretch > 0.0 && need >= 20.0 * stretch * (1.0 + 1e-9)
}

/// The least a candidate start adds to its line's width and to its
/// stretch, for [`CappedRuns`]: far above the rounding of sums below
/// [`SUMS_BELOW`] points.
const STEP_LEAST: f64 = 1e-3;
const SUMS_BELOW: f64 = 1e7;

/// Lines at the cap, weighed a run at a time. A justified line at the
/// cap costs the same from every start, so the best of a run of starts is
/// the one reached cheapest (the nearest of equals). When every start adds
/// width and stretch (by far more than the sums' rounding), the starts
/// whose line into a break is at the cap are next to each other: the
/// shorter lines, down to the longest still at the cap, found by a binary
/// search. Then only what reaching each of them costs is compared, with
/// the same sums and order as the full scan, so the same choice.
struct CappedRuns {
    on: bool,
    /// By start, what reaching it and then a line at the cap costs.
    at: Vec<f64>,
}

impl CappedRuns {
    fn new(on: bool, starts: usize) -> Self {
        CappedRuns {
            on,
            at: Vec::with_capacity(if on { starts } else { 0 }),
        }
    }

    /// Adds the next start, reached at cost `best`.
    fn push(&mut self, best: f64) {
        if self.on {
            self.at.push(best + CAPPED_LINE);
        }
    }

    /// Weighs starts `lo..=hi` (nearest first, as the scan would).
    fn weigh(&self, lo: usize, hi: usize, reach: &mut Reach) {
        for (i, &d) in self.at[lo..=hi].iter().enumerate().rev() {
            if d < reach.cost {
                reach.cost = d;
                reach.from = lo + i;
            }
        }
    }
}

/// Measurements of a candidate line `a..b`.
pub(super) struct LineFit {
    /// End of the line without trailing spaces.
    pub(super) t: usize,
    pub(super) avail: f64,
    pub(super) nat: f64,
    pub(super) stretch: f64,
    pub(super) shrink: f64,
    pub(super) end_shrink: f64,
}

/// A line's start, for [`Ctx::fit_to`]: the prefix sums there, the gap
/// before it (dropped at a line's start) and the room the line has. Held
/// by value, so the breaker's inner loop reads one record per start.
struct LineStart {
    a: usize,
    sums: [f64; 3],
    gn: f64,
    gs: f64,
    gh: f64,
    avail: f64,
}

/// A line's end, for [`Ctx::fit_to`]: the prefix sums there and the half
/// em its last mark may give up.
#[derive(Clone, Copy)]
struct LineEnd {
    t: usize,
    sums: [f64; 3],
    end_shrink: f64,
}

/// What a line must meet: the longest it may be, whether lines are
/// justified, whether lines too long are allowed as a last resort.
#[derive(Clone, Copy)]
struct Rules {
    limit: f64,
    justify: bool,
    emergency: bool,
}

/// The best way found so far to reach one break, while its candidate
/// lines are scanned from the shortest on.
struct Reach {
    cost: f64,
    from: usize,
}

impl Ctx<'_> {
    fn line_start(&self, a: usize) -> LineStart {
        // (The paragraph's end is a candidate too, never a line's start.)
        let (gn, gs, gh) = if a > 0 && a < self.gaps.len() {
            let g = &self.gaps[a];
            (g.nat as f64, g.stretch as f64, g.shrink as f64)
        } else {
            (0.0, 0.0, 0.0)
        };
        let avail = self.style.measure as f64 - if a == 0 { self.indent as f64 } else { 0.0 };
        LineStart {
            a,
            sums: [self.pn[a], self.ps[a], self.ph[a]],
            gn,
            gs,
            gh,
            avail,
        }
    }

    fn line_end(&self, t: usize) -> LineEnd {
        let last = &self.clusters[t - 1];
        let end_shrink = if last.halves.right_empty {
            0.5 * last.size as f64
        } else {
            0.0
        };
        LineEnd {
            t,
            sums: [self.pn[t], self.ps[t], self.ph[t]],
            end_shrink,
        }
    }

    /// The fit of the line from `st` to `e`.
    #[inline]
    fn fit_to(&self, st: &LineStart, e: &LineEnd) -> LineFit {
        LineFit {
            t: e.t,
            avail: st.avail,
            nat: e.sums[0] - st.sums[0] - st.gn,
            stretch: e.sums[1] - st.sums[1] - st.gs,
            shrink: e.sums[2] - st.sums[2] - st.gh,
            end_shrink: e.end_shrink,
        }
    }

    /// The fit of line `a..b` (trailing spaces dropped).
    pub(super) fn fit(&self, a: usize, b: usize) -> LineFit {
        let mut t = b;
        while t > a + 1 && self.space[t - 1] {
            t -= 1;
        }
        // The last mark's own quarter shrink lives in the dropped gap `t`.
        self.fit_to(&self.line_start(a), &self.line_end(t))
    }

    /// Cost of a line, or `None` when it cannot be made to fit.
    #[inline]
    fn cost(f: &LineFit, last: bool, justify: bool, emergency: bool) -> Option<f64> {
        let need = f.avail - f.nat;
        if need >= -1e-3 {
            if last || !justify {
                return Some(0.0);
            }
            if f.stretch > 0.0 {
                // A line this short is at the cap whatever the rounding of
                // the division (which the shorter half of all candidate
                // lines would otherwise pay for).
                if capped(need, f.stretch) {
                    return Some(CAPPED);
                }
                let r = (need / f.stretch).min(20.0);
                return Some(100.0 * r * r * r);
            }
            return Some(if need < 0.01 { 0.0 } else { 1e7 });
        }
        let over = -need;
        if over <= f.end_shrink + 1e-3 {
            // A line-end mark set half-width: preferred to loosening the line.
            return Some(2.0);
        }
        let rem = over - f.end_shrink;
        if f.shrink > 0.0 && rem <= f.shrink + 1e-3 {
            let r = rem / f.shrink;
            return Some(2.0 + 60.0 * r * r);
        }
        if emergency {
            return Some(1e8 + over * 1e4);
        }
        None
    }

    /// Best breaks (cluster indices ending each line) by total fit: for
    /// each candidate break, the cheapest line into it, its starts tried
    /// from the nearest back to the first whose line cannot fit even
    /// shrunk. Ties go to the nearer start.
    pub(super) fn total_fit(&self, allowed: &[bool], emergency: bool) -> Option<Vec<usize>> {
        let (cands, best, prev) = self.reach_all(allowed, emergency);
        let last = cands.len() - 1;
        if best[last].is_infinite() {
            return None;
        }
        let mut out = Vec::new();
        let mut i = last;
        while i > 0 {
            out.push(cands[i]);
            i = prev[i];
        }
        out.reverse();
        Some(out)
    }

    /// The candidate breaks, the least cost of reaching each and the
    /// candidate its last line starts at.
    fn reach_all(&self, allowed: &[bool], emergency: bool) -> (Vec<usize>, Vec<f64>, Vec<usize>) {
        let n = self.clusters.len();
        let cands: Vec<usize> = (0..=n).filter(|&k| k == 0 || allowed[k]).collect();
        // What a line's fit reads of its start, read once per candidate
        // rather than once per candidate line (the same sums, in the same
        // order, so the same costs to the last bit).
        let starts: Vec<LineStart> = cands.iter().map(|&a| self.line_start(a)).collect();
        let mut best = vec![f64::INFINITY; cands.len()];
        let mut prev = vec![usize::MAX; cands.len()];
        let mut runs = CappedRuns::new(self.runs_hold(&starts), cands.len());
        // Read once here: through `self`, the compiler read them anew for
        // every candidate line.
        let rules = Rules {
            limit: self.style.measure as f64 + 1e-3,
            justify: self.style.align == Align::Justify,
            emergency,
        };
        best[0] = 0.0;
        runs.push(0.0);
        for bi in 1..cands.len() {
            let b = cands[bi];
            // The line's end without trailing spaces.
            let mut tb = b;
            while tb > 0 && self.space[tb - 1] {
                tb -= 1;
            }
            let mut reach = Reach {
                cost: f64::INFINITY,
                from: usize::MAX,
            };
            // Starts among the trailing spaces (the nearest ones, tried
            // first) make a line of one cluster.
            let near = starts[..bi].partition_point(|s| s.a < tb);
            let mut stopped = false;
            for ai in (near..bi).rev() {
                let st = &starts[ai];
                let f = self.fit_to(st, &self.line_end(tb.max(st.a + 1)));
                if !self.consider(&f, (ai, bi, b == n), st.a, best[ai], rules, &mut reach) {
                    stopped = true;
                    break;
                }
            }
            if !stopped && near > 0 {
                let end = self.line_end(tb);
                let runs = (rules.justify && b < n).then_some(&runs);
                self.scan(
                    &starts[..near],
                    &best,
                    (&end, bi, b == n),
                    rules,
                    runs,
                    &mut reach,
                );
            }
            best[bi] = reach.cost;
            prev[bi] = reach.from;
            runs.push(reach.cost);
        }
        (cands, best, prev)
    }

    /// Weighs the lines from `starts` (nearest first) to `end`, the
    /// `bi`-th candidate break, until one is too long to fit; a run of
    /// lines at the cap at once when `runs` holds.
    fn scan(
        &self,
        starts: &[LineStart],
        best: &[f64],
        (end, bi, last): (&LineEnd, usize, bool),
        rules: Rules,
        runs: Option<&CappedRuns>,
        reach: &mut Reach,
    ) {
        let is_capped = |st: &LineStart| {
            let f = self.fit_to(st, end);
            capped(f.avail - f.nat, f.stretch)
        };
        let mut runs = runs.filter(|r| r.on);
        let mut ai = starts.len();
        while ai > 0 {
            ai -= 1;
            let st = &starts[ai];
            let f = self.fit_to(st, end);
            if let Some(r) = runs
                && capped(f.avail - f.nat, f.stretch)
            {
                // The run of starts at the cap that ends here (too short a
                // line is never too long, so the scan goes on after it);
                // no earlier start is at the cap.
                let lo = starts[..=ai].partition_point(|s| !is_capped(s));
                r.weigh(lo, ai, reach);
                runs = None;
                ai = lo;
                continue;
            }
            if !self.consider(&f, (ai, bi, last), st.a, best[ai], rules, reach) {
                break;
            }
        }
    }

    /// Whether lines at the cap come in runs of starts next to each other
    /// for this paragraph's candidates (see [`CappedRuns`]): each start
    /// adds width and stretch well above the rounding of the sums, and the
    /// first line has no more room than the others.
    fn runs_hold(&self, starts: &[LineStart]) -> bool {
        let starts = &starts[..starts.len().saturating_sub(1)];
        let key = |s: &LineStart| (s.sums[0] + s.gn, s.sums[1] + s.gs);
        self.indent >= 0.0
            && starts
                .last()
                .is_none_or(|s| s.sums[0].abs() < SUMS_BELOW && s.sums[1].abs() < SUMS_BELOW)
            && starts.windows(2).all(|w| {
                let ((n0, s0), (n1, s1)) = (key(&w[0]), key(&w[1]));
                n1 - n0 >= STEP_LEAST && s1 - s0 >= STEP_LEAST
            })
    }

    /// Weighs the line `f` from start `ai` (cluster `a`, reached at cost
    /// `from`) into break `bi` against the best so far; false when the line
    /// is too long to fit even shrunk, so that no earlier start can fit.
    #[inline(always)]
    fn consider(
        &self,
        f: &LineFit,
        (ai, bi, last): (usize, usize, bool),
        a: usize,
        from: f64,
        rules: Rules,
        reach: &mut Reach,
    ) -> bool {
        let min_width = f.nat - f.shrink - f.end_shrink;
        if min_width > rules.limit && !(rules.emergency && ai + 1 == bi) {
            return false;
        }
        // A line costs at least 100 (`(10 + c)²`, c ≥ 0): a start that
        // cannot beat the best so far even so is not costed (nor one that
        // cannot be reached: infinity plus 100 is no less than anything).
        if from + 100.0 >= reach.cost {
            return true;
        }
        let Some(mut c) = Self::cost(f, last, rules.justify, rules.emergency) else {
            return true;
        };
        if last && a > 0 && self.lonely_last(a, f.t) {
            c += 3000.0;
        }
        let d = from + (10.0 + c) * (10.0 + c);
        if d < reach.cost {
            reach.cost = d;
            reach.from = ai;
        }
        true
    }

    /// A paragraph's last line holding a single character (and marks).
    fn lonely_last(&self, a: usize, t: usize) -> bool {
        self.clusters[a..t]
            .iter()
            .filter(|c| {
                !c.halves.left_empty && !c.halves.right_empty && !c.first.is_ascii_punctuation()
            })
            .count()
            <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Ctx, ParaStyle, prefix_sums};
    use super::*;
    use crate::fonts::FaceId;
    use crate::layout::glue::glues;
    use crate::layout::shape::{Cluster, Halves};

    /// The plain scan the breaker must agree with: every start from the
    /// nearest back to the first too long, each line measured by `fit`.
    fn plain(ctx: &Ctx, allowed: &[bool], emergency: bool) -> (Vec<usize>, Vec<f64>, Vec<usize>) {
        let n = ctx.clusters.len();
        let cands: Vec<usize> = (0..=n).filter(|&k| k == 0 || allowed[k]).collect();
        let mut best = vec![f64::INFINITY; cands.len()];
        let mut prev = vec![usize::MAX; cands.len()];
        best[0] = 0.0;
        for bi in 1..cands.len() {
            let b = cands[bi];
            for ai in (0..bi).rev() {
                let f = ctx.fit(cands[ai], b);
                if f.nat - f.shrink - f.end_shrink > ctx.style.measure as f64 + 1e-3
                    && !(emergency && ai + 1 == bi)
                {
                    break;
                }
                let justify = ctx.style.align == Align::Justify;
                let Some(mut c) = Ctx::cost(&f, b == n, justify, emergency) else {
                    continue;
                };
                if b == n && cands[ai] > 0 && ctx.lonely_last(cands[ai], f.t) {
                    c += 3000.0;
                }
                let d = best[ai] + (10.0 + c) * (10.0 + c);
                if d < best[bi] {
                    best[bi] = d;
                    prev[bi] = ai;
                }
            }
        }
        (cands, best, prev)
    }

    /// A small deterministic generator (xorshift), so a failure repeats.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// A paragraph of Han characters, marks, Latin letters, digits and
    /// spaces in two sizes, with some zero-width and some very wide
    /// clusters.
    fn paragraph(rng: &mut Rng, n: usize, han_only: bool) -> Vec<Cluster> {
        let kinds = [
            '中', '文', '，', '。', '「', '」', 'a', 'W', '7', ' ', '\u{200b}', '—',
        ];
        let kinds = if han_only { &kinds[..6] } else { &kinds[..] };
        (0..n)
            .map(|i| {
                let c = kinds[rng.below(kinds.len() as u64) as usize];
                let size = if rng.below(8) == 0 { 7.5 } else { 10.5 };
                let width = match c {
                    '\u{200b}' => 0.0,
                    ' ' => size * 0.25,
                    'a' | 'W' | '7' => size * (0.3 + rng.below(50) as f32 / 100.0),
                    '—' if rng.below(4) == 0 => size * 30.0,
                    _ => size,
                };
                Cluster {
                    start: i,
                    end: i + 1,
                    font: FaceId(0),
                    size,
                    raise: 0.0,
                    g0: 0,
                    g1: 0,
                    width,
                    first: c,
                    last: c,
                    halves: Halves {
                        left_empty: c == '」',
                        right_empty: matches!(c, '，' | '。' | '「'),
                    },
                }
            })
            .collect()
    }

    #[test]
    fn total_fit_agrees_with_the_plain_scan() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut broken, mut in_runs) = (0, 0);
        for round in 0..1500 {
            let len = 1 + rng.below(300) as usize;
            // Han text and marks only, every other paragraph: lines at
            // the cap come in runs, weighed a run at a time.
            let clusters = paragraph(&mut rng, len, round % 2 == 0);
            let n = clusters.len();
            let space: Vec<bool> = clusters.iter().map(|c| c.first == ' ').collect();
            let gaps = glues(&clusters, &space, 10.5);
            let (pn, ps, ph) = prefix_sums(&clusters, &space, &gaps);
            let align = [Align::Justify, Align::Left, Align::Center][round % 3];
            let style = ParaStyle {
                measure: 10.5 * (3 + rng.below(45)) as f32 + rng.below(100) as f32 / 10.0,
                indent: if rng.below(2) == 0 { 21.0 } else { 0.0 },
                em: 10.5,
                align,
            };
            let ctx = Ctx {
                clusters: &clusters,
                space: &space,
                gaps: &gaps,
                pn: &pn,
                ps: &ps,
                ph: &ph,
                style: &style,
                indent: style.indent,
            };
            let density = 1 + rng.below(4);
            let mut allowed: Vec<bool> = (0..=n).map(|_| rng.below(density) == 0).collect();
            allowed[n] = true;
            let cands = (0..=n).filter(|&k| k == 0 || allowed[k]);
            let starts: Vec<LineStart> = cands.map(|a| ctx.line_start(a)).collect();
            in_runs += usize::from(align == Align::Justify && ctx.runs_hold(&starts));
            for emergency in [false, true] {
                // Every break's cost and line, not only the paragraph's.
                let fast = ctx.reach_all(&allowed, emergency);
                assert_eq!(fast, plain(&ctx, &allowed, emergency), "round {round}");
                let breaks = ctx.total_fit(&allowed, emergency);
                broken += usize::from(breaks.as_ref().is_some_and(|b| b.len() > 2));
            }
        }
        // The paragraphs were long enough to need choices between breaks.
        assert!(
            broken > 1000,
            "only {broken} paragraphs of three lines or more"
        );
        assert!(
            in_runs > 150,
            "only {in_runs} paragraphs weighed runs at the cap"
        );
    }
}
