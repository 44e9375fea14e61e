//! Work spread over the cores: rayon with the `parallel` feature, in order on one thread
//! without it. Results always come back in input order, so callers are deterministic either way.

/// How many threads the work is spread over.
#[cfg(feature = "parallel")]
pub(crate) fn threads() -> usize {
    rayon::current_num_threads().max(1)
}

/// How many threads the work is spread over.
#[cfg(not(feature = "parallel"))]
pub(crate) fn threads() -> usize {
    1
}

/// `f(0)`, …, `f(count − 1)`, in order.
#[cfg(feature = "parallel")]
pub(crate) fn map_range<T: Send>(count: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    (0..count).into_par_iter().map(f).collect()
}

/// `f(0)`, …, `f(count − 1)`, in order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map_range<T>(count: usize, f: impl Fn(usize) -> T) -> Vec<T> {
    (0..count).map(f).collect()
}

/// `f` of every item, in order.
#[cfg(feature = "parallel")]
pub(crate) fn map<I: Sync, T: Send>(items: &[I], f: impl Fn(&I) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// `f` of every item, in order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map<I, T>(items: &[I], f: impl Fn(&I) -> T) -> Vec<T> {
    items.iter().map(f).collect()
}

/// `f` of every item, taken by value, in order.
#[cfg(feature = "parallel")]
pub(crate) fn map_vec<I: Send, T: Send>(items: Vec<I>, f: impl Fn(I) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    items.into_par_iter().map(f).collect()
}

/// `f` of every item, taken by value, in order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map_vec<I, T>(items: Vec<I>, f: impl Fn(I) -> T) -> Vec<T> {
    items.into_iter().map(f).collect()
}

/// `f` of every item, taken by value, in order, into `out` (cleared first): a caller that
/// reserved `out` fallibly has the results in that allocation.
#[cfg(feature = "parallel")]
pub(crate) fn map_vec_into<I: Send, T: Send>(
    items: Vec<I>,
    out: &mut Vec<T>,
    f: impl Fn(I) -> T + Sync + Send,
) {
    use rayon::prelude::*;
    items.into_par_iter().map(f).collect_into_vec(out);
}

/// `f` of every item, taken by value, in order, into `out` (cleared first).
#[cfg(not(feature = "parallel"))]
pub(crate) fn map_vec_into<I, T>(items: Vec<I>, out: &mut Vec<T>, f: impl Fn(I) -> T) {
    out.clear();
    out.extend(items.into_iter().map(f));
}

/// `f` of every item, in order, or an error one of them returned.
#[cfg(feature = "parallel")]
pub(crate) fn try_map<I: Sync, T: Send, E: Send>(
    items: &[I],
    f: impl Fn(&I) -> Result<T, E> + Sync + Send,
) -> Result<Vec<T>, E> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// `f` of every item, in order, or the first error.
#[cfg(not(feature = "parallel"))]
pub(crate) fn try_map<I, T, E>(items: &[I], f: impl Fn(&I) -> Result<T, E>) -> Result<Vec<T>, E> {
    items.iter().map(f).collect()
}

/// `(a(), b())`, on two threads when there are.
#[cfg(feature = "parallel")]
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(a, b)
}

/// `(a(), b())`, on two threads when there are.
#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}
