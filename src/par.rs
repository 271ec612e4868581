//! Work over `0..n` on every core: each thread takes the next index not
//! yet taken (so one long item does not hold the others back at the end),
//! and the results come back in index order whatever the scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f(state, i)` for every `i` in `0..n`, on at most `max_threads` threads
/// (this one among them), each with its own `state()`; in index order.
pub fn map_in_order<S, T: Send>(
    n: usize,
    max_threads: usize,
    state: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let threads = cores.min(max_threads).min(n).max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut s = state();
        let take = || next.fetch_add(1, Ordering::Relaxed);
        std::iter::from_fn(|| Some(take()).filter(|&i| i < n))
            .map(|i| (i, f(&mut s, i)))
            .collect::<Vec<_>>()
    };
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = vec![work()];
        for h in handles {
            done.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        for (i, r) in done.into_iter().flatten() {
            out[i] = Some(r);
        }
    });
    out.into_iter()
        .map(|r| r.expect("every index was taken by one thread"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn every_index_once_in_order() {
        let got = map_in_order(
            1000,
            8,
            || 0usize,
            |seen, i| {
                *seen += 1;
                i * 2
            },
        );
        assert_eq!(got, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        assert!(map_in_order(0, 8, || (), |_, i| i).is_empty());
    }
}
