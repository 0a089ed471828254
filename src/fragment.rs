//! How an archive is cut into fragments `<ID>-1 … <ID>-N`.
//! N = ceil(size / chosen size) as in the console. Every fragment but the last two has the chosen size and the
//! last two share the rest evenly: none is larger than the chosen size (the console's last one can be), none is
//! smaller than half of it, and the archive can be written straight into its fragments as it is produced.

use crate::units::ByteSize;

/// More fragments than this is a mistake (each one is a request per agent cycle).
pub const MAX_FRAGMENTS: u64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    #[error("the fragment size is 0: choose a size such as 5MiB (the seed procedure recommends 5 to 10 MiB)")]
    ZeroSize,
    #[error("the archive is empty: there is nothing to cut into fragments")]
    EmptyArchive,
    #[error("{size} cut into fragments of {fragment} would make {count} fragments (at most {MAX_FRAGMENTS}): choose a larger fragment size")]
    TooMany { size: ByteSize, fragment: ByteSize, count: u64 },
}

/// Sizes of the fragments of an archive of `total` bytes cut at `max` bytes at most:
/// n−2 fragments of `max`, then the remaining R (max < R ≤ 2·max) as ceil(R/2) and floor(R/2).
pub fn plan(total: u64, max: u64) -> Result<Vec<u64>, FragmentError> {
    if max == 0 {
        return Err(FragmentError::ZeroSize);
    }
    if total == 0 {
        return Err(FragmentError::EmptyArchive);
    }
    let n = total.div_ceil(max);
    if n > MAX_FRAGMENTS {
        return Err(FragmentError::TooMany { size: ByteSize(total), fragment: ByteSize(max), count: n });
    }
    if n == 1 {
        return Ok(vec![total]);
    }
    let rest = total - (n - 2) * max;
    let mut sizes = vec![max; (n - 2) as usize];
    sizes.push(rest.div_ceil(2));
    sizes.push(rest / 2);
    Ok(sizes)
}

/// What the console 2.8–2.12 would write for the same archive: n−1 fragments of floor(S/n), the rest in the last.
pub fn console_plan(total: u64, max: u64) -> Vec<u64> {
    let n = total.div_ceil(max.max(1)).max(1);
    let q = total / n;
    let mut v = vec![q; n as usize];
    *v.last_mut().unwrap() = total - q * (n - 1);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_larger_than_chosen_and_sums_to_total() {
        for total in [1u64, 2, 9, 10, 11, 29, 1000, 5 * 1048576, 5 * 1048576 + 1, 123_456_789] {
            for max in [1u64, 3, 10, 1024, 1048576, 5 * 1048576] {
                if total.div_ceil(max) > MAX_FRAGMENTS {
                    continue;
                }
                let p = plan(total, max).unwrap();
                assert_eq!(p.iter().sum::<u64>(), total, "{total}/{max}");
                assert!(p.iter().all(|&s| s <= max && s > 0), "{total}/{max}: {p:?}");
                assert_eq!(p.len() as u64, total.div_ceil(max));
                if p.len() >= 2 {
                    let (a, b) = (p[p.len() - 2], p[p.len() - 1]);
                    assert!(a - b <= 1 && 2 * a > max, "the last two share the rest: {p:?}");
                    assert!(p[..p.len() - 2].iter().all(|&s| s == max), "{p:?}");
                }
            }
        }
    }

    #[test]
    fn one_byte_archive_is_one_fragment() {
        assert_eq!(plan(1, 5 * 1048576).unwrap(), vec![1]);
    }

    #[test]
    fn console_rule_can_exceed_the_chosen_size() {
        // 29 bytes at 10 per fragment: the console writes 9, 9, 11.
        assert_eq!(console_plan(29, 10), vec![9, 9, 11]);
        assert_eq!(plan(29, 10).unwrap(), vec![10, 10, 9]);
        assert_eq!(plan(21, 10).unwrap(), vec![10, 6, 5]);
    }

    #[test]
    fn errors_say_how_to_fix() {
        assert_eq!(plan(10, 0), Err(FragmentError::ZeroSize));
        assert_eq!(plan(0, 10), Err(FragmentError::EmptyArchive));
        let e = plan(10_000_000, 1).unwrap_err();
        assert!(e.to_string().contains("choose a larger fragment size"));
    }
}
